"""How updates flow: one chat at a time, one log line each, one error handler."""
