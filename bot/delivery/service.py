"""The running delivery service: the minute job that queues due digests, the outbox sender
beside it, the pacer that hears of readers' replies, and the hourly tidy-up.

``bot.app`` builds one per application, keeps it in the typed bot data and registers its jobs
and its pacer hooks; handlers reach it through ``bot.context.delivery_of``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from telegram import Bot

from bot.config import Settings
from bot.context import App, Context, application_of
from bot.delivery import reminders
from bot.delivery.digests import ComposeReport, compose_due
from bot.delivery.outbox import Clock, utc_now
from bot.delivery.pacer import Pacer
from bot.delivery.report import SendReport
from bot.delivery.sender import LANES, Sender, sender_bot
from storage import Store

logger = logging.getLogger(__name__)

JOB = "digest"
# Sent messages are kept a week (for /stats and reports); the record of a digest day, which
# keeps a chat from a second digest that day, a month (the last one shows in /settings).
KEEP_MESSAGES = timedelta(days=7)
KEEP_DIGESTS = timedelta(days=31)
TIDY_EVERY = timedelta(hours=1)
TICK = timedelta(minutes=1)
IDLE = 1.0  # seconds between looks at the outbox when nothing woke the sender
LOCK_RETRY = 2.0  # seconds between tries to become the sender when another process is
SENDER = "sender"  # the outbox sender's runner lock (storage/runner_locks.py)
STOP_POLL = 0.05  # how soon an idle sender notices that the application stops


async def tidy(store: Store, now: datetime) -> None:
    """Forget sent messages and old digest records: the outbox would grow by every text."""
    messages = await store.outbox.prune(now - KEEP_MESSAGES)
    records = await store.subscribers.forget_digests((now - KEEP_DIGESTS).date())
    if messages or records:
        logger.info("forgot %d sent messages and %d digest records", messages, records)


class DeliveryService:
    """The deliveries of one running bot: the minute job and the outbox sender beside it."""

    def __init__(
        self, *, clock: Clock = utc_now, lanes: int = LANES, pacer: Pacer | None = None
    ) -> None:
        self.clock = clock
        self.lanes = lanes
        self.pacer = pacer or Pacer()
        self._wake = asyncio.Event()
        self._sender: asyncio.Task[None] | None = None
        self._worker = False  # this process holds the sender's lock (and has caught up)
        self._became_worker = asyncio.Event()
        self._composing = asyncio.Lock()  # the minute job's and a new worker's, one at a time
        self._tidied: datetime | None = None

    def schedule(self, application: App) -> None:
        """Run ``tick`` every minute (aligned to the minute) and once at start to catch up."""
        queue = application.job_queue
        if queue is None:
            raise RuntimeError(
                "digests need PTB's job queue: pip install 'python-telegram-bot[job-queue]'"
            )
        # Run however late (APScheduler drops runs missed by more than 1 s by default), never two
        # at once, and one catch-up run for many missed ones: the database knows what is due.
        options = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
        now = datetime.now(UTC)
        next_minute = now.replace(second=0, microsecond=0) + TICK
        queue.run_repeating(
            self.tick, interval=TICK, first=next_minute, name=JOB, job_kwargs=options
        )
        queue.run_once(self.tick, when=0, name=f"{JOB} catch-up", job_kwargs=options)

    async def tick(self, context: Context) -> None:
        """The job: keep the sender running and, in the one process that holds the sender's
        lock (the worker: one of several replicas), queue the digests that are due."""
        application = application_of(context)
        self.wake(application)
        if self._worker:
            await self.compose(application)

    async def became_worker(self) -> None:
        """Wait until this process holds the worker role and has caught up."""
        await self._became_worker.wait()

    async def compose(self, application: App) -> ComposeReport:
        """Queue the digests due now and wake the sender (tests call this to skip waiting)."""
        async with self._composing:
            return await self._compose(application)

    async def _compose(self, application: App) -> ComposeReport:
        store, now = application.bot_data.store, self.clock()
        report = await compose_due(store, now, catalogs=application.bot_data.catalogs)
        settings = application.bot_data.settings
        await reminders.compose_due(
            store,
            now,
            settings.digest_time,
            settings.timezone,
            catalogs=application.bot_data.catalogs,
        )
        if self._tidied is None or now - self._tidied >= TIDY_EVERY:
            await tidy(store, now)
            self._tidied = now
        if report.due:
            logger.info(
                "digests: %d due, %d queued, %d with nothing new, %d already sent that day",
                report.due,
                report.queued,
                report.empty,
                report.repeated,
            )
        self.wake(application)
        return report

    def wake(self, application: App) -> None:
        """Make the sender look at the outbox now (something was queued); start it if need be."""
        if application.running and (self._sender is None or self._sender.done()):
            self._sender = application.create_task(self._send(application), name="outbox sender")
        self._wake.set()

    async def expect_reply(self, update: object, context: Context) -> None:
        """A reader's update came in (before any handler): its reply goes before digests."""
        await self.pacer.admit_reply()

    async def replied(self, update: object, context: Context) -> None:
        """The update's handlers are done (after every group): its reply went out."""
        self.pacer.replied()

    def now(self) -> datetime:
        """The service's clock (tests replace ``clock``; the sender reads it through this)."""
        return self.clock()

    async def _send(self, application: App) -> None:
        """Send the outbox until the application stops (PTB awaits this task on stop).

        The sender's own ``Bot`` is made only once there is something to send.
        """
        settings = application.bot_data.settings
        store = application.bot_data.store
        lock = store.runner_lock(SENDER)
        sender: Sender | None = None
        bot: Bot | None = None

        def stopping() -> bool:
            return not application.running

        # Every replica shares its readers' replies a second, so that the one that sends gives
        # digests only what all of them leave of Telegram's budget.
        application.create_task(self.pacer.share(store.reply_counts, stopping), name="pacer")
        try:
            if not await lock.acquire():
                logger.info("another process sends the outbox of this database")
            while not await lock.acquire():
                self._wake.clear()  # set, _idle returns at once: this loop would never yield
                await self._idle(LOCK_RETRY, stopping)
                if stopping():
                    return
            logger.info("this process is the worker now: it queues the digests and sends them")
            if recovered := await store.outbox.recover():
                logger.warning(
                    "%d messages were in flight when the last sender stopped: sending them "
                    "again (each may arrive twice)",
                    recovered,
                )
            await self.compose(application)  # what fell due while no process was the worker
            self._worker = True
            self._became_worker.set()
            while not stopping():
                self._wake.clear()
                if await store.outbox.ready(self.now(), 1):
                    if bot is None:
                        bot = sender_bot(settings, self.lanes)
                        await bot.initialize()
                    sender = sender or Sender(
                        store, bot, clock=self.now, pacer=self.pacer, lanes=self.lanes
                    )
                    await sender.drain(stopping)
                await self._idle(IDLE, stopping)
        finally:
            self._worker = False
            self._became_worker.clear()
            await lock.release()
            if bot is not None:
                await bot.shutdown()

    async def _idle(self, seconds: float, stopping: Callable[[], bool]) -> None:
        """Wait until woken, stopping, or ``seconds`` passed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self._wake.is_set() and not stopping():
            left = deadline - loop.time()
            if left <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), min(left, STOP_POLL))


async def send_due(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    lanes: int = LANES,
    pacer: Pacer | None = None,
) -> tuple[ComposeReport, SendReport | None]:
    """``filmnews digest --now``: queue every due digest and send the whole outbox, waiting
    out retries; the send report is None when another process holds the sender lock (it will
    send them)."""
    store = await Store.open(settings.store_location)
    try:
        composed = await compose_due(store, clock())
        await reminders.compose_due(store, clock(), settings.digest_time, settings.timezone)
        await tidy(store, clock())
        lock = store.runner_lock(SENDER)
        try:  # released even when refused: a PostgreSQL lock holds a connection while it tries
            if not await lock.acquire():
                return composed, None
            if recovered := await store.outbox.recover():
                logger.warning("sending again %d messages left in flight by a crash", recovered)
            totals = SendReport()
            async with sender_bot(settings, lanes) as bot:
                sender = Sender(store, bot, clock=clock, pacer=pacer, lanes=lanes)
                while True:
                    totals.add(await sender.drain())
                    retry_at = await store.outbox.next_retry_at()
                    if retry_at is None:
                        return composed, totals
                    await asyncio.sleep(max(0.0, (retry_at - clock()).total_seconds()))
        finally:
            await lock.release()
    finally:
        await store.close()
