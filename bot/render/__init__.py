"""Rendering: models → Telegram HTML and inline keyboards, as pure functions."""
