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
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import TypeHandler

from bot import schedule
from bot.context import App, Context
from bot.delivery import LANES, SEND_RATE, Clock, Pacer, Sender, SenderLock, sender_bot, utc_now
from bot.delivery import markup_json as _markup_json
from bot.render.digest import DIGEST_ARTICLES, DIGEST_FESTIVALS, digest_message
from bot.render.festivals import order_festivals
from storage import Store
from storage.models import Festival, Rate
from storage.outbox import Outgoing
from storage.subscribers import DigestRecord, Subscriber

logger = logging.getLogger(__name__)

KIND = "digest"  # the outbox kind of digests; their ref is the local day
JOB = "digest"
COMPOSE_BATCH = 500
TICK = timedelta(minutes=1)
IDLE = 1.0  # seconds between looks at the outbox when nothing woke the sender
# Handlers in this group run for every update before the command handlers (group 0).
RESERVE_GROUP = -50


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
            zone = ZoneInfo(subscriber.timezone)
        except (ValueError, OSError):  # ZoneInfoNotFoundError is both; a zone tzdata dropped
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
    newest = await store.articles.last_id()
    contents: dict[tuple[int, date], tuple[int, str, str | None]] = {}
    outgoing: dict[date, list[Outgoing]] = defaultdict(list)
    records: list[DigestRecord] = []
    empty = 0
    for plan in plans:
        chat_id, watermark = plan.subscriber.chat_id, plan.subscriber.last_article_id
        if (chat_id, plan.day) in done:
            continue
        key = (watermark, plan.day)
        if key not in contents:
            contents[key] = await _content(store, watermark, plan.day, rates, festivals)
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


async def _content(
    store: Store, watermark: int, day: date, rates: list[Rate], festivals: list[Festival]
) -> tuple[int, str, str | None]:
    """(how many new articles, the digest's HTML, its markup) for one watermark and day."""
    count = await store.articles.count_newer_than(watermark)
    if not count:
        return 0, "", None
    articles = await store.articles.newer_than(watermark, DIGEST_ARTICLES)
    upcoming = order_festivals(festivals, day)[0][:DIGEST_FESTIVALS]
    text, markup = digest_message(day, articles, count, rates, upcoming)
    return count, text, _markup_json(markup)


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
        self, *, clock: Clock = utc_now, lanes: int = LANES, rate: float = SEND_RATE
    ) -> None:
        self.clock = clock
        self.lanes = lanes
        self.pacer = Pacer(rate)
        self._wake = asyncio.Event()
        self._sender: asyncio.Task[None] | None = None

    async def tick(self, context: Context) -> None:
        """The job: queue the digests that are due and keep the sender running."""
        await self.compose(context.application)

    async def compose(self, application: App) -> ComposeReport:
        """Queue the digests due now and wake the sender (tests call this to skip waiting)."""
        report = await compose_due(application.bot_data.store, self.clock())
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

    async def reserve(self, update: object, context: Context) -> None:
        """Every reader's update gets a reply: keep a slot of the sending pace for it."""
        self.pacer.reserve()

    async def _send(self, application: App) -> None:
        """Send the outbox until the application stops (PTB awaits this task on stop)."""
        settings = application.bot_data.settings
        lock = SenderLock.beside(settings.database)

        def stopping() -> bool:
            return not application.running

        while not lock.acquire():
            if stopping():
                return
            logger.info("another process sends the outbox of %s; waiting", settings.database)
            await self._idle(10 * IDLE)
        try:
            store = application.bot_data.store
            recovered = await store.outbox.recover()
            if recovered:
                logger.warning(
                    "%d messages were in flight when the last sender stopped: sending them "
                    "again (each may arrive twice)",
                    recovered,
                )
            async with sender_bot(settings, self.lanes) as bot:
                sender = Sender(store, bot, clock=self.clock, pacer=self.pacer, lanes=self.lanes)
                while not stopping():
                    self._wake.clear()
                    await sender.drain(stopping)
                    await self._idle(IDLE)
        finally:
            lock.release()

    async def _idle(self, seconds: float) -> None:
        """Wait until woken or for ``seconds``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)


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
    application.add_handler(TypeHandler(Update, service.reserve, block=False), group=RESERVE_GROUP)
    return service
