"""``filmnews chat``: the real handlers in a terminal (``chat``), fed by a terminal or a pipe
(``input``)."""

from bot.console.chat import (
    BOT_USER,
    DEFAULT_LANGUAGE,
    DEFAULT_USER_ID,
    ConsoleChat,
    ConsoleRequest,
    chat,
    render_html,
)

__all__ = [
    "BOT_USER",
    "DEFAULT_LANGUAGE",
    "DEFAULT_USER_ID",
    "ConsoleChat",
    "ConsoleRequest",
    "chat",
    "render_html",
]
