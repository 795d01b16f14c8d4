"""A reply lost to a network error or a 5xx is sent again, a few times, a little later."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

# Waits before each new try of a reply (seconds): a 502 or a dropped connection usually passes
# within a second or two; past these, the error handler takes over.
REPLY_RETRY_DELAYS = (0.5, 1.0, 2.0)

# The task handling an update. Tasks it starts inherit the value but are other tasks: the
# outbox sender has retries of its own, and must not get these on top.
_replying: contextvars.ContextVar[asyncio.Task[Any] | None] = contextvars.ContextVar(
    "filmnews_replying", default=None
)


@contextmanager
def replying() -> Iterator[None]:
    """Mark the current task as handling an update: its Bot API calls are replies."""
    token = _replying.set(asyncio.current_task())
    try:
        yield
    finally:
        _replying.reset(token)


def is_reply() -> bool:
    """Whether the running task is handling an update."""
    task = asyncio.current_task()
    return task is not None and _replying.get() is task


def retryable(error: Exception) -> bool:
    """A failure where Telegram surely did nothing: no answer, or a 5xx.

    A timeout is not retried: the message may have arrived, and a reader would see it twice.
    (PTB's BadRequest is a NetworkError too: Telegram refused it, so trying again cannot help.)
    """
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest | TimedOut)


class ReplyRetryingRateLimiter(AIORateLimiter):
    """PTB's rate limiter (flood limits, waits out 429s) that also retries failed replies."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send through the limiter; a reply failing with a network error or 5xx is retried."""
        delays = iter(REPLY_RETRY_DELAYS)
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as error:
                delay = next(delays, None) if retryable(error) and is_reply() else None
                if delay is None:
                    raise
                logger.warning("%s failed (%s); trying again in %.1f s", endpoint, error, delay)
                await asyncio.sleep(delay)
