"""Handlers: festivals (to be built)."""

from __future__ import annotations

from bot.context import App


def register(application: App) -> None:
    """Add this area's handlers to the application."""
