"""``filmnews run``: start once Telegram can be reached, poll, and stop in time on SIGTERM.

PTB's ``run_polling`` gives up at once when the network is down at start (a container started
before its network is up would exit), logs every failure with its traceback, and on SIGTERM
waits for every handler to finish, however long that takes. This runner retries the start with
a backoff, logs a failure at most once a minute, and bounds the shutdown: what is still being
handled after the grace is cancelled (and handled again on the next start, see journal.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Iterator

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.context import App
from bot.updates.concurrency import PerChatUpdateProcessor

logger = logging.getLogger(__name__)

# Waits between attempts to reach Telegram at start (seconds); the last one repeats.
START_BACKOFF = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)
PROBE_TIMEOUT = 10.0  # seconds for one getMe at start
LOG_EVERY = 60.0  # seconds between two log lines about the same kind of failure
# Docker kills 10 s after SIGTERM. Polling stops (≤ POLL_STOP), the updates in hand get
# HANDLER_GRACE to finish, then are cancelled and get CANCEL_GRACE to unwind; the store closes.
POLL_STOP = 1.5
HANDLER_GRACE = 4.0
CANCEL_GRACE = 1.5


class ThrottledLog:
    """Log a recurring failure once, then at most once every ``every`` seconds."""

    def __init__(self, every: float = LOG_EVERY) -> None:
        self._every = every
        self._last: float | None = None
        self._missed = 0

    def __call__(self, message: str, *args: object) -> None:
        """Log ``message`` (with how many were left out since) unless one was logged lately."""
        now = asyncio.get_running_loop().time()
        if self._last is not None and now - self._last < self._every:
            self._missed += 1
            return
        suffix = f" ({self._missed} more since the last report)" if self._missed else ""
        logger.warning(message + suffix, *args)
        self._last, self._missed = now, 0


async def run(settings: Settings, build: Callable[[Settings], App]) -> None:
    """Wait until Telegram answers, build the bot with ``build`` and run it until SIGTERM or
    SIGINT; ``InvalidToken`` when Telegram refuses the token."""
    with stop_signals() as stopped:
        # The bot is built once Telegram answers: jobs scheduled "now" would be missed otherwise.
        if await reachable(settings, stopped):
            await _serve(build(settings), stopped)


@contextlib.contextmanager
def stop_signals() -> Iterator[asyncio.Event]:
    """An event set by SIGTERM or SIGINT while the block runs (both transports stop on it)."""
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for number in signals:
        loop.add_signal_handler(number, stopped.set)
    try:
        yield stopped
    finally:
        for number in signals:
            loop.remove_signal_handler(number)


async def _serve(application: App, stopped: asyncio.Event) -> None:
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        if not stopped.is_set():
            await _poll(application)
            logger.info("serving as @%s", application.bot.username)
            await stopped.wait()
            logger.info("stopping")
    finally:
        await stop(application)


async def reachable(settings: Settings, stopped: asyncio.Event) -> bool:
    """Call getMe until Telegram answers (True) or we are stopped meanwhile (False)."""
    report = ThrottledLog()
    for delay in _backoff():
        request = HTTPXRequest(connect_timeout=PROBE_TIMEOUT, read_timeout=PROBE_TIMEOUT)
        try:
            async with Bot(
                settings.token or "", base_url=f"{settings.api_url}/bot", request=request
            ):
                return True
        except InvalidToken:
            raise
        except NetworkError as error:
            report(
                "cannot reach the Bot API at %s (%s); trying again, with a backoff up to %.0f s",
                settings.api_url,
                error,
                START_BACKOFF[-1],
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopped.wait(), delay)
            return False
    raise AssertionError("unreachable")  # pragma: no cover


def _backoff() -> Iterator[float]:
    yield from START_BACKOFF
    while True:
        yield START_BACKOFF[-1]


async def _poll(application: App) -> None:
    """Start long polling (network failures logged once a minute) and the application."""
    report = ThrottledLog()

    def polling_failed(error: TelegramError) -> None:
        report("polling Telegram failed (%s); PTB tries again", error)

    assert application.updater is not None
    await application.updater.start_polling(
        allowed_updates=Update.ALL_TYPES, error_callback=polling_failed
    )
    await application.start()


async def stop(application: App) -> None:
    """Stop polling, give handlers in flight a bounded grace, close everything."""
    updater = application.updater
    if updater is not None and updater.running:
        try:
            await asyncio.wait_for(updater.stop(), POLL_STOP)
        except TimeoutError:
            logger.warning("polling did not stop within %.1f s; going on", POLL_STOP)
    if application.running:
        stopping = asyncio.create_task(application.stop())
        try:
            await asyncio.wait_for(asyncio.shield(stopping), HANDLER_GRACE)
        except TimeoutError:
            processor = application.update_processor
            cancelled = 0
            if isinstance(processor, PerChatUpdateProcessor):
                cancelled = processor.cancel_in_flight()
            logger.warning(
                "%d update(s) still being handled after %.0f s: cut short, to be handled again "
                "at the next start",
                cancelled,
                HANDLER_GRACE,
            )
            try:
                await asyncio.wait_for(stopping, CANCEL_GRACE)
            except TimeoutError:
                logger.warning("the application did not stop in time; closing anyway")
        if application.post_stop:
            await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)
