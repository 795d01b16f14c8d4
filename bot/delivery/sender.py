"""The outbox sender: fan-outs paced under Telegram's limits, beside the bot's replies.

Digests and broadcasts never go through the application's ``AIORateLimiter``: it serves requests
first in, first out, so a reader's reply would queue behind thousands of digests. The sender has
its own ``Bot`` (its own HTTP connections) and its own pace, which counts the readers' replies
too (``bot.delivery.pacer``), so that replies go at once and replies and digests together stay
under Telegram's limit.

One dispatcher takes the messages in turn, each when the pace and its chat allow, and puts it on
the wire without waiting for the previous answers: at Telegram's pace of ~30 a second a call of
150 ms has about five messages in the air. Each message is marked ``sending`` (committed) before
its call; its outcome is recorded in the commit that marks the next one (or before any longer
wait), so a message costs one commit. At most ``lanes`` messages are marked ``sending`` at once,
answered or not: a sender that dies (SIGKILL, power cut) leaves at most that many, which the next
sender sends again, so each may arrive twice. That is the price of never losing a digest. A
timed-out send is different: the process saw it and knows nothing of its fate, so it is marked
``uncertain`` and not repeated. One sender runs per database, enforced by a runner lock
(``storage.runner_locks``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial

import httpx
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.config import SENDER_LANES, Settings
from bot.delivery.outbox import Clock, utc_now
from bot.delivery.pacer import Pacer
from bot.delivery.report import SendReport
from bot.delivery.spacing import ChatSpacing
from storage import Store
from storage.outbox import OutboxMessage, OutboxState

logger = logging.getLogger(__name__)

# Messages marked in flight at most, answered or not: what a crash may repeat (the default of
# FILMNEWS_SENDER_LANES).
LANES = SENDER_LANES
MAX_ATTEMPTS = 5  # network failures before a message is given up as failed
MAX_BACKOFF = 300.0
THROTTLED_RESENDS = 5  # 429s waited out in place before the message goes back in the queue
FETCH = 100
SETTLE_BEFORE_WAIT = 0.1  # a wait this long records the answers in hand first
_POLL = 0.25  # how often a long wait looks whether the sender should stop
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

Settle = Callable[[], Awaitable[None]]


def _never() -> bool:
    return False


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


class Sender:
    """Sends what the outbox holds, paced, recording each message before and after."""

    def __init__(
        self,
        store: Store,
        bot: Bot,
        *,
        clock: Clock = utc_now,
        pacer: Pacer | None = None,
        lanes: int = LANES,
        spacing: ChatSpacing | None = None,
    ) -> None:
        self._store = store
        self._bot = bot
        self._clock = clock
        self._pacer = pacer or Pacer()
        self._lanes = lanes
        self._spacing = spacing or ChatSpacing()
        self._buffer: list[OutboxMessage] = []
        self._answered: list[Settle] = []  # outcomes not recorded yet
        self._in_flight = 0  # marked ``sending`` and not settled in the database yet
        self._progress = asyncio.Event()  # a send was answered
        self._error: BaseException | None = None
        self._report = SendReport()

    async def drain(self, stop: Callable[[], bool] = _never) -> SendReport:
        """Send every message whose time has come; return when none is left (or on ``stop``)."""
        self._report = SendReport()
        self._buffer.clear()
        self._error = None
        sends: list[asyncio.Task[None]] = []
        try:
            while (taken := await self._next(stop)) is not None:
                sends = [task for task in sends if not task.done()]
                sends.append(asyncio.create_task(self._fly(*taken, stop)))
        finally:
            await asyncio.gather(*sends)
            await self._settle()
        if self._error is not None:
            raise self._error
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

    async def _next(self, stop: Callable[[], bool]) -> tuple[OutboxMessage, float] | None:
        """Claim the next message that may go now (recording the answers in hand in the same
        commit) and take its slot; None when no message is ready (or on ``stop``)."""
        while not stop() and self._error is None:
            if self._in_flight >= self._lanes:
                if self._answered:
                    await self._settle()
                else:
                    await self._pause(_POLL, stop)
                continue
            if not self._buffer:
                self._buffer = await self._store.outbox.ready(self._clock(), FETCH)
                if not self._buffer:
                    return None
            message, wait = self._pick()
            if message is not None:
                wait = self._pacer.delay()
            if message is None or wait >= SETTLE_BEFORE_WAIT:
                if wait >= SETTLE_BEFORE_WAIT:
                    await self._settle()  # no answered message stays marked in flight that long
                await self._pause(wait, stop)
                continue
            # The next slot is near: claim the message now, and send it when the slot comes.
            self._buffer.remove(message)
            async with self._store.transaction():
                settled = await self._record_answered()
                claimed = await self._store.outbox.claim(message.id)
            self._in_flight -= settled
            if claimed:
                self._in_flight += 1
                self._report.most_in_flight = max(self._report.most_in_flight, self._in_flight)
                self._spacing.sending(message.chat_id)
                # The slot is taken just before the call, the commit done: the pacer counts
                # it when Telegram will, give or take the same round trip.
                return message, await self._pacer.wait()
        return None

    def _pick(self) -> tuple[OutboxMessage | None, float]:
        """The oldest buffered message whose chat may get one now; else how long until one may."""
        soonest = math.inf
        for message in self._buffer:
            wait = self._spacing.delay(message.chat_id)
            if wait <= 0:
                return message, 0.0
            soonest = min(soonest, wait)
        return None, soonest

    async def _pause(self, seconds: float, stop: Callable[[], bool]) -> None:
        """Wait ``seconds`` at most, less when a send is answered."""
        self._progress.clear()
        if stop():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._progress.wait(), min(seconds, _POLL))

    async def _settle(self) -> None:
        """Record the outcomes in hand in one commit."""
        if not self._answered:
            return
        async with self._store.transaction():
            settled = await self._record_answered()
        self._in_flight -= settled

    async def _record_answered(self) -> int:
        """Record the outcomes in hand (inside the caller's transaction); returns how many."""
        answered, self._answered = self._answered, []
        for settle in answered:
            await settle()
        return len(answered)

    async def _fly(self, message: OutboxMessage, taken: float, stop: Callable[[], bool]) -> None:
        """Send one claimed message and hand its outcome to the dispatcher."""
        settle: Settle | None = None
        try:
            settle = await self._send(message, stop)
            self._pacer.answered(taken)
        except InvalidToken as error:
            settle = partial(
                self._store.outbox.retry_later, message.id, self._clock(), "invalid token"
            )
            self._error = error
        except Exception as error:  # a bug: the message stays in flight, sent again on restart
            logger.exception("outbox: message %d to chat %d", message.id, message.chat_id)
            self._error = error
        finally:
            self._spacing.done(message.chat_id)
            if settle is not None:
                self._answered.append(settle)
            self._progress.set()

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
                    message_thread_id=message.thread_id,
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
                raise
            except TelegramError as error:
                if isinstance(error, TimedOut):
                    self._spacing.arrived(message.chat_id)  # it may have arrived
                return self._failure(message, error)
            self._spacing.arrived(message.chat_id)
            self._report.sent += 1
            return partial(outbox.mark_sent, message.id, sent.message_id, self._clock())
        # Still throttled (or stopping): back in the queue, no longer in flight.
        self._report.retrying += 1
        return partial(outbox.retry_later, message.id, self._clock(), "flood control")

    def _failure(self, message: OutboxMessage, error: TelegramError) -> Settle:
        """How to record a message Telegram did not take."""
        outbox = self._store.outbox
        reason = _describe(error)
        if isinstance(error, ChatMigrated):  # a group became a supergroup: follow it there
            self._report.retrying += 1
            return partial(self._migrated, message.chat_id, error.new_chat_id, message.id)
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

    async def _migrated(self, old: int, new: int, message_id: int) -> None:
        async with self._store.transaction():
            await self._store.chats.move(old, new)
            await self._store.outbox.redirect(message_id, new)
        logger.info("chat %d is now chat %d: its subscription and messages follow it", old, new)

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
