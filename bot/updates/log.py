"""One log line per update handled: who, what command, how many milliseconds, and the outcome."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import Update

from bot.context import Context

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    """How the handling of an update ended."""

    OK = "ok"
    REFUSED = "refused"  # an admin command from someone who is not an admin
    ERROR = "error"  # a handler raised; the error handler answered


@dataclass(slots=True)
class _Handling:
    outcome: Outcome = Outcome.OK


# The update being handled by the current task; handlers run inside its processing.
_current: ContextVar[_Handling | None] = ContextVar("filmnews_update_handling", default=None)


def mark(outcome: Outcome) -> None:
    """Record how the update being handled ended (no-op outside update processing)."""
    handling = _current.get()
    if handling is not None and handling.outcome is Outcome.OK:
        handling.outcome = outcome


async def on_error(update: object, context: Context) -> None:
    """An error handler that marks the update's outcome as an error (the log line says so)."""
    mark(Outcome.ERROR)


async def logged(update: object, coroutine: Awaitable[Any]) -> None:
    """Handle ``update``, then log who sent what, how long it took and how it ended.

    The update processor calls this around each update's processing.
    """
    handling = _Handling()
    token = _current.set(handling)
    started = time.perf_counter()
    try:
        await coroutine
    finally:
        _current.reset(token)
        milliseconds = (time.perf_counter() - started) * 1000
        level = logging.WARNING if handling.outcome is Outcome.ERROR else logging.INFO
        if logger.isEnabledFor(level):
            who, what = describe(update)
            logger.log(
                level,
                "update from %s: %s → %s in %.0f ms",
                who,
                what,
                handling.outcome,
                milliseconds,
            )


def describe(update: object) -> tuple[str, str]:
    """``("user 42", "/post")``: who sent an update and what it asked, without its free text."""
    if not isinstance(update, Update):
        return "-", type(update).__name__
    who = f"user {update.effective_user.id}" if update.effective_user else "-"
    if update.callback_query is not None:
        return who, f"button {update.callback_query.data!r}"
    message = update.effective_message
    if message is None:
        return who, "other update"
    text = message.text or ""
    if text.startswith("/"):
        return who, text.split(maxsplit=1)[0].split("@", 1)[0].casefold()
    if text:
        return who, "text"
    return who, "message"
