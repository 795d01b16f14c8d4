"""The outbox sender: fan-outs paced under Telegram's limits, beside the bot's replies.

Digests and broadcasts never go through the application's ``AIORateLimiter``: it serves requests
first in, first out, so a reader's reply would queue behind thousands of digests. The sender has
its own ``Bot`` (its own HTTP connections) and its own pace, which counts the readers' replies
too (``bot.delivery.pacer``), so that replies go at once and replies and digests together stay
under Telegram's limit.

Each message is marked ``sending`` (committed) before its HTTP call and settled after it. A
sender that dies (SIGKILL, power cut) leaves at most one message per lane ``sending``: the next
sender sends it again, so it may arrive twice. That is the price of never losing a digest; with
the default single lane it is at most one repeated message per crash. A timed-out send is
different: the process saw it and knows nothing of its fate, so it is marked ``uncertain`` and
not repeated. One sender runs per database, enforced by a lock file
(``bot.delivery.lock``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

import httpx
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.delivery.outbox import Clock, utc_now
from bot.delivery.pacer import Pacer
from storage import Store
from storage.outbox import OutboxMessage, OutboxState

logger = logging.getLogger(__name__)

# Telegram allows one message a second to one chat (and about 30 a second in all: see pacer).
CHAT_GAP = 1.0
LANES = 1  # messages in flight at once; each one may be repeated after a crash
MAX_ATTEMPTS = 5  # network failures before a message is given up as failed
MAX_BACKOFF = 300.0
THROTTLED_RESENDS = 5  # 429s waited out in place before the message goes back in the queue
FETCH = 100
_POLL = 0.25  # how often a long wait looks whether the sender should stop
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def _never() -> bool:
    return False


@dataclass
class SendReport:
    """What one drain of the outbox did."""

    sent: int = 0
    blocked: int = 0
    failed: int = 0
    uncertain: int = 0
    retrying: int = 0  # put back in the queue for later (network errors, long floods)

    def __bool__(self) -> bool:
        return bool(self.sent or self.blocked or self.failed or self.uncertain or self.retrying)

    def add(self, other: SendReport) -> None:
        """Count ``other`` in too."""
        self.sent += other.sent
        self.blocked += other.blocked
        self.failed += other.failed
        self.uncertain += other.uncertain
        self.retrying += other.retrying


def sender_bot(settings: Settings, lanes: int = LANES) -> Bot:
    """A ``Bot`` with HTTP connections of its own and no rate limiter (the sender paces)."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    return Bot(
        settings.token,
        base_url=f"{settings.api_url}/bot",
        base_file_url=f"{settings.api_url}/file/bot",
        request=HTTPXRequest(connection_pool_size=lanes + 1),
    )


@dataclass
class _Chats:
    """When each chat last got a message, to keep one message a second per chat."""

    last: dict[int, float] = field(default_factory=dict)

    def delay(self, chat_id: int) -> float:
        """Seconds to wait before the next message to ``chat_id``."""
        return max(0.0, self.last.get(chat_id, -CHAT_GAP) + CHAT_GAP - time.monotonic())

    def sent(self, chat_id: int) -> None:
        now = time.monotonic()
        if len(self.last) > 4 * FETCH:
            self.last = {chat: at for chat, at in self.last.items() if at > now - CHAT_GAP}
        self.last[chat_id] = now


Settle = Callable[[], Awaitable[None]]


class Sender:
    """Sends what the outbox holds, paced, recording each message before and after.

    When no wait is due, recording one message's outcome and claiming the next share one
    commit; either way, a lane never has more than one message marked ``sending``.
    """

    def __init__(
        self,
        store: Store,
        bot: Bot,
        *,
        clock: Clock = utc_now,
        pacer: Pacer | None = None,
        lanes: int = LANES,
    ) -> None:
        self._store = store
        self._bot = bot
        self._clock = clock
        self._pacer = pacer or Pacer()
        self._lanes = lanes
        self._buffer: deque[OutboxMessage] = deque()
        self._fetching = asyncio.Lock()
        self._chats = _Chats()
        self._report = SendReport()

    async def drain(self, stop: Callable[[], bool] = _never) -> SendReport:
        """Send every message whose time has come; return when none is left (or on ``stop``)."""
        self._report = SendReport()
        self._buffer.clear()
        await asyncio.gather(*(self._lane(stop) for _ in range(self._lanes)))
        if self._report:
            logger.info(
                "outbox: %d sent, %d blocked, %d failed, %d uncertain, %d to retry",
                self._report.sent,
                self._report.blocked,
                self._report.failed,
                self._report.uncertain,
                self._report.retrying,
            )
        return self._report

    async def _lane(self, stop: Callable[[], bool]) -> None:
        settle: Settle | None = None
        try:
            while not stop():
                message = await self._next(settle, stop)
                settle = None
                if message is None:
                    return
                settle = await self._send(message, stop)
        finally:
            if settle is not None:
                await settle()

    async def _next(self, settle: Settle | None, stop: Callable[[], bool]) -> OutboxMessage | None:
        """Record the previous outcome (``settle``) and claim the next ready message, pace and
        per-chat gap respected; None when no message is ready (or on ``stop``)."""
        outbox = self._store.outbox
        async with self._fetching:
            while True:
                if not self._buffer:
                    if settle is not None:
                        await settle()
                        settle = None
                    self._buffer.extend(await outbox.ready(self._clock(), FETCH))
                    if not self._buffer:
                        return None
                message = self._buffer.popleft()
                wait = max(self._chats.delay(message.chat_id), self._pacer.delay())
                if settle is not None and wait > 0:
                    await settle()  # don't leave a sent message marked in flight while waiting
                    settle = None
                if wait > 0 and not await _sleep(self._chats.delay(message.chat_id), stop):
                    return None
                await self._pacer.wait()
                async with self._store.transaction():
                    if settle is not None:
                        await settle()
                        settle = None
                    if await outbox.claim(message.id):
                        return message

    async def _send(self, message: OutboxMessage, stop: Callable[[], bool]) -> Settle:
        """Send one claimed message; return how to record its outcome."""
        outbox = self._store.outbox
        # The markup goes out as the JSON the outbox keeps: no round trip through PTB objects.
        markup = {"reply_markup": message.reply_markup} if message.reply_markup else None
        for _ in range(THROTTLED_RESENDS):
            try:
                sent = await self._bot.send_message(
                    message.chat_id,
                    message.text,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                    api_kwargs=markup,
                )
            except RetryAfter as error:
                wait = _seconds(error)
                logger.warning("outbox: flood control, waiting %.0f s", wait)
                self._pacer.hold(wait)
                if not await _sleep(wait, stop):
                    break
                await self._pacer.wait()
                continue
            except InvalidToken:
                await outbox.retry_later(message.id, self._clock(), "invalid token")
                raise
            except TelegramError as error:
                if isinstance(error, TimedOut):
                    self._chats.sent(message.chat_id)  # it may have arrived
                return self._failure(message, error)
            self._chats.sent(message.chat_id)
            self._report.sent += 1
            at = self._clock()
            return partial(outbox.mark_sent, message.id, sent.message_id, at)
        # Still throttled (or stopping): back in the queue, no longer in flight.
        self._report.retrying += 1
        return partial(outbox.retry_later, message.id, self._clock(), "flood control")

    def _failure(self, message: OutboxMessage, error: TelegramError) -> Settle:
        """How to record a message Telegram did not take."""
        outbox = self._store.outbox
        reason = _describe(error)
        if isinstance(error, TimedOut) and not isinstance(
            error.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout
        ):
            self._report.uncertain += 1  # it may have arrived: not sent again
            return partial(outbox.give_up, message.id, OutboxState.UNCERTAIN, reason)
        if isinstance(error, Forbidden) or (
            isinstance(error, BadRequest) and "chat not found" in error.message.lower()
        ):
            self._report.blocked += 1
            return partial(self._blocked, message.chat_id, message.id, reason)
        tries = message.attempts + 1  # this one included
        if (
            isinstance(error, NetworkError)
            and not isinstance(error, BadRequest)
            and tries < MAX_ATTEMPTS
        ):
            self._report.retrying += 1
            later = self._clock() + timedelta(seconds=min(MAX_BACKOFF, 2.0**tries))
            return partial(outbox.retry_later, message.id, later, reason)
        self._report.failed += 1
        logger.error(
            "outbox: message %d to chat %d failed: %s", message.id, message.chat_id, reason
        )
        return partial(outbox.give_up, message.id, OutboxState.FAILED, reason)

    async def _blocked(self, chat_id: int, message_id: int, reason: str) -> None:
        async with self._store.transaction():
            await self._store.outbox.give_up(message_id, OutboxState.BLOCKED, reason)
            if await self._store.subscribers.deactivate(chat_id, reason):
                logger.info("chat %d unsubscribed: %s", chat_id, reason)


def _seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _describe(error: TelegramError) -> str:
    return f"{type(error).__name__}: {error.message}"


async def _sleep(seconds: float, stop: Callable[[], bool]) -> bool:
    """Sleep, looking now and then whether to stop; False if stopped early."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        if stop():
            return False
        await asyncio.sleep(min(left, _POLL))
    return not stop()
