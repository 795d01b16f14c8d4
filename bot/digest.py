"""Daily digests: what goes into one, the minute job that queues the due ones, the sender.

The schedule lives in the database: each subscriber's next digest is a UTC instant
(``subscribers.next_due_at``, indexed). One job a minute — not one per subscriber, and with no
reliance on APScheduler's memory or its one-second misfire grace — asks the index who is due,
composes their digests in batches (each batch one transaction: outbox rows, the (chat, local
day) record, the new watermark and the next instant together) and wakes the outbox sender.
After downtime the first run finds the overdue subscribers and sends each one digest, for the
most recent missed day; the digest table refuses a second one for the same local day.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.ext import TypeHandler

from bot import schedule
from bot.config import Settings, parse_zone
from bot.context import App, Context
from bot.delivery import (
    LANES,
    Clock,
    Sender,
    SenderLock,
    SendReport,
    markup_json,
    sender_bot,
    utc_now,
)
from bot.pacer import Pacer
from bot.render.digest import DIGEST_ARTICLES, DIGEST_FESTIVALS, digest_message
from bot.render.festivals import order_festivals
from storage import Store
from storage.models import Festival, Rate
from storage.outbox import Outgoing
from storage.subscribers import DigestRecord, Subscriber

logger = logging.getLogger(__name__)

KIND = "digest"  # the outbox kind of digests; their ref is the local day
# The outbox kind of "publish now" (one article to every subscriber); its ref is the article
# id. A digest leaves out the articles already pushed to its chat this way.
PUBLISH_KIND = "publish"
JOB = "digest"
COMPOSE_BATCH = 500
# Sent messages are kept a week (for /stats and reports); the record of a digest day, which
# keeps a chat from a second digest that day, a month (the last one shows in /settings).
KEEP_MESSAGES = timedelta(days=7)
KEEP_DIGESTS = timedelta(days=31)
TIDY_EVERY = timedelta(hours=1)
TICK = timedelta(minutes=1)
IDLE = 1.0  # seconds between looks at the outbox when nothing woke the sender
LOCK_RETRY = 10.0  # seconds between tries to become the sender when another process is
STOP_POLL = 0.05  # how soon an idle sender notices that the application stops
# The pacer hears of every update before the command handlers (group 0) and after them all.
FIRST_GROUP = -50
LAST_GROUP = 1000


@dataclass(frozen=True, slots=True)
class ComposeReport:
    """What one composing run did."""

    due: int = 0  # subscribers that were due
    queued: int = 0  # digests put in the outbox
    empty: int = 0  # days with nothing new: recorded, no message
    repeated: int = 0  # days that already had their digest (the time was changed that day)


@dataclass(frozen=True, slots=True)
class _Plan:
    subscriber: Subscriber
    day: date
    next_due: datetime


async def compose_due(store: Store, now: datetime, *, batch: int = COMPOSE_BATCH) -> ComposeReport:
    """Queue the digest of every subscriber due by ``now``; move each one's schedule on."""
    rates = await store.rates.latest()
    festivals = await store.festivals.all()
    totals = ComposeReport()
    while True:
        async with store.transaction():
            due = await store.subscribers.due(now, batch)
            if not due:
                return totals
            report = await _compose_batch(store, now, due, rates, festivals)
        totals = ComposeReport(
            totals.due + report.due,
            totals.queued + report.queued,
            totals.empty + report.empty,
            totals.repeated + report.repeated,
        )


async def _compose_batch(
    store: Store,
    now: datetime,
    due: list[Subscriber],
    rates: list[Rate],
    festivals: list[Festival],
) -> ComposeReport:
    plans: list[_Plan] = []
    for subscriber in due:
        try:
            zone = parse_zone(subscriber.timezone)
        except ValueError:  # a zone that tzdata dropped since
            logger.error("chat %d: unknown zone %r", subscriber.chat_id, subscriber.timezone)
            await store.subscribers.deactivate(subscriber.chat_id, "unknown time zone")
            continue
        at = subscriber.digest_time
        plans.append(
            _Plan(
                subscriber,
                schedule.latest_day(now, at, zone),
                schedule.next_after(now, at, zone),
            )
        )
    done = await store.subscribers.digested((p.subscriber.chat_id, p.day) for p in plans)
    todo = [p for p in plans if (p.subscriber.chat_id, p.day) not in done]
    pushed = await pushed_articles(
        store, {p.subscriber.chat_id: p.subscriber.last_article_id for p in todo}
    )
    newest = await store.articles.last_id()
    # Most chats share their watermark, day and (usually no) pushed articles: one content each.
    contents: dict[tuple[int, date, frozenset[int]], tuple[int, str, str | None]] = {}
    outgoing: dict[date, list[Outgoing]] = defaultdict(list)
    records: list[DigestRecord] = []
    empty = 0
    for plan in todo:
        chat_id, watermark = plan.subscriber.chat_id, plan.subscriber.last_article_id
        skip = pushed.get(chat_id, frozenset())
        key = (watermark, plan.day, skip)
        if key not in contents:
            count, text, markup = await digest_content(
                store, watermark, plan.day, rates, festivals, exclude=skip
            )
            contents[key] = count, text, markup_json(markup)
        count, text, markup = contents[key]
        records.append(DigestRecord(chat_id, plan.day, max(watermark, newest), count))
        if count:
            outgoing[plan.day].append(Outgoing(chat_id, text, markup))
        else:
            empty += 1
    for day, messages in outgoing.items():
        await store.outbox.add(KIND, day.isoformat(), messages, now)
    await store.subscribers.record_digests(records)
    await store.subscribers.reschedule([(p.subscriber.chat_id, p.next_due) for p in plans])
    return ComposeReport(len(due), len(records) - empty, empty, len(plans) - len(records))


async def pushed_articles(
    store: Store, watermarks: Mapping[int, int]
) -> dict[int, frozenset[int]]:
    """The articles after each chat's watermark (chat id → watermark) that "publish now"
    already sent it (or may have: a timed-out send counts, a failed one does not); chats with
    none are left out."""
    refs = await store.outbox.reached(PUBLISH_KIND, list(watermarks))
    pushed: dict[int, frozenset[int]] = {}
    for chat_id, chat_refs in refs.items():
        if newer := frozenset(i for i in map(int, chat_refs) if i > watermarks[chat_id]):
            pushed[chat_id] = newer
    return pushed


async def digest_content(
    store: Store,
    watermark: int,
    day: date,
    rates: Sequence[Rate],
    festivals: Sequence[Festival],
    *,
    exclude: frozenset[int] = frozenset(),
) -> tuple[int, str, InlineKeyboardMarkup | None]:
    """(how many new articles, the digest's HTML, its markup) for one watermark and day,
    leaving out the ``exclude`` articles (0 and no text when nothing is left)."""
    count = await store.articles.count_newer_than(watermark, exclude=exclude)
    if not count:
        return 0, "", None
    articles = await store.articles.newer_than(watermark, DIGEST_ARTICLES, exclude=exclude)
    upcoming = order_festivals(festivals, day)[0][:DIGEST_FESTIVALS]
    text, markup = digest_message(day, articles, count, rates, upcoming)
    return count, text, markup


async def preview(
    store: Store, chat_id: int, watermark: int, day: date
) -> tuple[int, str, InlineKeyboardMarkup | None]:
    """The digest a chat with this watermark would get on ``day`` (``/digest``): composed as
    the minute job composes it, sending nothing and moving nothing."""
    pushed = await pushed_articles(store, {chat_id: watermark})
    rates, festivals = await store.rates.latest(), await store.festivals.all()
    return await digest_content(
        store, watermark, day, rates, festivals, exclude=pushed.get(chat_id, frozenset())
    )


async def tidy(store: Store, now: datetime) -> None:
    """Forget sent messages and old digest records: the outbox would grow by every text."""
    messages = await store.outbox.prune(now - KEEP_MESSAGES)
    records = await store.subscribers.forget_digests((now - KEEP_DIGESTS).date())
    if messages or records:
        logger.info("forgot %d sent messages and %d digest records", messages, records)


async def next_digest(
    store: Store, chat_id: int, now: datetime, at: time, zone: ZoneInfo
) -> datetime:
    """The instant of a chat's next digest at ``at`` in ``zone``: the first after ``now``
    whose local day has not had its digest yet."""
    instant = schedule.next_after(now, at, zone)
    day = schedule.local_day(instant, at, zone)
    while await store.subscribers.digested([(chat_id, day)]):
        instant = schedule.next_after(instant, at, zone)
        day = schedule.local_day(instant, at, zone)
    return instant


class DigestService:
    """The digests of one running bot: the minute job and the outbox sender beside it."""

    def __init__(
        self, *, clock: Clock = utc_now, lanes: int = LANES, pacer: Pacer | None = None
    ) -> None:
        self.clock = clock
        self.lanes = lanes
        self.pacer = pacer or Pacer()
        self._wake = asyncio.Event()
        self._sender: asyncio.Task[None] | None = None
        self._tidied: datetime | None = None

    async def tick(self, context: Context) -> None:
        """The job: queue the digests that are due and keep the sender running."""
        await self.compose(context.application)

    async def compose(self, application: App) -> ComposeReport:
        """Queue the digests due now and wake the sender (tests call this to skip waiting)."""
        store, now = application.bot_data.store, self.clock()
        report = await compose_due(store, now)
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
        self.start_sender(application)
        self.wake()
        return report

    def wake(self) -> None:
        """Make the sender look at the outbox now (something was queued)."""
        self._wake.set()

    def start_sender(self, application: App) -> None:
        """Start the sender task unless it runs."""
        if application.running and (self._sender is None or self._sender.done()):
            self._sender = application.create_task(self._send(application), name="outbox sender")

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
        lock = SenderLock.beside(settings.database)
        sender: Sender | None = None
        bot: Bot | None = None

        def stopping() -> bool:
            return not application.running

        try:
            if not lock.acquire():
                logger.info("another process sends the outbox of %s", settings.database)
            while not lock.acquire():
                await self._idle(LOCK_RETRY, stopping)
                if stopping():
                    return
            if recovered := await store.outbox.recover():
                logger.warning(
                    "%d messages were in flight when the last sender stopped: sending them "
                    "again (each may arrive twice)",
                    recovered,
                )
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
            lock.release()
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
    store = await Store.open(settings.database)
    try:
        composed = await compose_due(store, clock())
        await tidy(store, clock())
        lock = SenderLock.beside(settings.database)
        if not lock.acquire():
            return composed, None
        try:
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
            lock.release()
    finally:
        await store.close()


def service_of(application: App) -> DigestService:
    """The digest service of an application (it rides on its minute job)."""
    queue = application.job_queue
    jobs = queue.get_jobs_by_name(JOB) if queue is not None else ()
    service = jobs[0].data if jobs else None
    if not isinstance(service, DigestService):
        raise RuntimeError("digests are not scheduled: call bot.digest.register(application)")
    return service


def register(application: App) -> DigestService:
    """Schedule the minute job (aligned to the minute) and a catch-up run at start."""
    queue = application.job_queue
    if queue is None:
        raise RuntimeError(
            "digests need PTB's job queue: pip install 'python-telegram-bot[job-queue]'"
        )
    service = DigestService()
    # Run however late (APScheduler drops runs missed by more than 1 s by default), never two at
    # once, and one catch-up run for many missed ones: the database knows what is due.
    options = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
    now = datetime.now(UTC)
    next_minute = now.replace(second=0, microsecond=0) + TICK
    queue.run_repeating(
        service.tick, interval=TICK, first=next_minute, name=JOB, data=service, job_kwargs=options
    )
    queue.run_once(service.tick, when=0, name=f"{JOB} catch-up", data=service, job_kwargs=options)
    application.add_handler(TypeHandler(Update, service.expect_reply), group=FIRST_GROUP)
    application.add_handler(TypeHandler(Update, service.replied), group=LAST_GROUP)
    return service
