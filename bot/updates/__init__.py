"""How updates arrive and flow: long polling or a webhook, one chat at a time, one log line each,
one error handler."""
