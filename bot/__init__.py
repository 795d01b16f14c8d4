"""filmnews: a Telegram bot that delivers Central Asian film news."""
