"""Daily digests: what goes into one, and composing the due ones into the outbox.

The schedule lives in the database: each subscriber's next digest is a UTC instant
(``subscribers.next_due_at``, indexed). The minute job (``bot.delivery.service``) asks the index
who is due; their digests are composed in batches, each batch one transaction: outbox rows, the
(chat, local day) record, the new watermark and the next instant together. After downtime the
first run finds the overdue subscribers and sends each one digest, for the most recent missed
day; the digest table refuses a second one for the same local day.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.delivery.filtered import FilteredDigests
from bot.delivery.kinds import OutboxKind
from bot.delivery.outbox import markup_json
from bot.i18n import DEFAULT, Catalogs, Translator
from bot.newsroom import schedule, zones
from bot.newsroom.tagging import tag_pending
from bot.render.digest import DIGEST_ARTICLES, digest_message
from storage import Store
from storage.models import Festival, Rate
from storage.outbox import Outgoing
from storage.subscribers import DigestRecord, Subscriber

logger = logging.getLogger(__name__)

COMPOSE_BATCH = 500
# A first digest leaves out the archive stored after the first of the day's articles by listing
# it; past this many (a big old archive ingested after today's news) it starts after them all.
FIRST_DIGEST_EXCLUDE = 500


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


async def compose_due(
    store: Store,
    now: datetime,
    *,
    batch: int = COMPOSE_BATCH,
    catalogs: Catalogs | None = None,
) -> ComposeReport:
    """Queue the digest of every subscriber due by ``now``, each in its subscriber's language;
    move each one's schedule on."""
    catalogs = catalogs or Catalogs.load()
    await tag_pending(store)  # an article edited since: its choosers see it as it is now
    rates = await store.rates.latest()
    festivals = await store.festivals.all()
    totals = ComposeReport()
    while True:
        async with store.transaction():
            due = await store.subscribers.due(now, batch)
            if not due:
                return totals
            report = await _compose_batch(store, now, due, rates, festivals, catalogs)
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
    catalogs: Catalogs,
) -> ComposeReport:
    plans: list[_Plan] = []
    for subscriber in due:
        try:
            zone = zones.load(subscriber.timezone)
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
    # Chats that chose what they receive get digests of their own (shared among equal choices).
    choices = await store.filters.many([p.subscriber.chat_id for p in todo])
    # Each chat's language: its choice (/language), else its app's when it subscribed.
    languages = await store.languages.of_subscribers([p.subscriber.chat_id for p in todo])
    filtered = FilteredDigests(store, rates, festivals)
    # Most chats share their language, watermark, day and (usually no) pushed articles: one
    # content each.
    contents: dict[tuple[str, int, date, frozenset[int]], tuple[int, str, str | None]] = {}
    outgoing: dict[date, list[Outgoing]] = defaultdict(list)
    records: list[DigestRecord] = []
    empty = 0
    for plan in todo:
        chat_id = plan.subscriber.chat_id
        watermark, archive = await first_digest_bounds(store, plan.subscriber)
        skip = pushed.get(chat_id, frozenset()) | archive
        t = catalogs.get(languages.get(chat_id, DEFAULT))
        key = (t.code, watermark, plan.day, skip)
        choice = choices.get(chat_id)
        if choice is not None and choice.narrows:
            count, text, chosen = await filtered.content(t, choice, watermark, plan.day, skip)
            markup = markup_json(chosen)
        else:
            if key not in contents:
                count, text, keyboard = await digest_content(
                    t, store, watermark, plan.day, rates, festivals, exclude=skip
                )
                contents[key] = count, text, markup_json(keyboard)
            count, text, markup = contents[key]
        records.append(DigestRecord(chat_id, plan.day, max(watermark, newest), count))
        if count:
            outgoing[plan.day].append(Outgoing(chat_id, text, markup))
        else:
            empty += 1
    for day, messages in outgoing.items():
        await store.outbox.add(OutboxKind.DIGEST, day.isoformat(), messages, now)
    await store.subscribers.record_digests(records)
    await store.subscribers.reschedule([(p.subscriber.chat_id, p.next_due) for p in plans])
    return ComposeReport(len(due), len(records) - empty, empty, len(plans) - len(records))


async def pushed_articles(
    store: Store, watermarks: Mapping[int, int]
) -> dict[int, frozenset[int]]:
    """The articles after each chat's watermark (chat id → watermark) that "publish now"
    already sent it (or may have: a timed-out send counts, a failed one does not); chats with
    none are left out."""
    refs = await store.outbox.reached(OutboxKind.PUBLISH, list(watermarks))
    pushed: dict[int, frozenset[int]] = {}
    for chat_id, chat_refs in refs.items():
        if newer := frozenset(i for i in map(int, chat_refs) if i > watermarks[chat_id]):
            pushed[chat_id] = newer
    return pushed


async def digest_content(
    t: Translator,
    store: Store,
    watermark: int,
    day: date,
    rates: Sequence[Rate],
    festivals: Sequence[Festival],
    *,
    exclude: frozenset[int] = frozenset(),
) -> tuple[int, str, InlineKeyboardMarkup | None]:
    """(how many new articles, the digest's HTML in ``t``'s language, its markup) for one
    watermark and day, leaving out the ``exclude`` articles (0 and no text when nothing is
    left)."""
    count = await store.articles.count_newer_than(watermark, exclude=exclude)
    if not count:
        return 0, "", None
    articles = await store.articles.newer_than(watermark, DIGEST_ARTICLES, exclude=exclude)
    text, markup = digest_message(t, day, articles, count, rates, festivals)
    return count, text, markup


async def preview(
    store: Store, chat_id: int, watermark: int, day: date, t: Translator | None = None
) -> tuple[int, str, InlineKeyboardMarkup | None]:
    """The digest a chat with this watermark would get on ``day`` (``/digest``), in ``t``'s
    language (English by default): composed as the minute job composes it (a subscriber's
    first digest included), sending nothing and moving nothing."""
    t = t or Catalogs.load().get(DEFAULT)
    subscriber = await store.subscribers.find(chat_id)
    archive: frozenset[int] = frozenset()
    if subscriber is not None and subscriber.active and subscriber.last_article_id == watermark:
        watermark, archive = await first_digest_bounds(store, subscriber)
    pushed = await pushed_articles(store, {chat_id: watermark})
    rates, festivals = await store.rates.latest(), await store.festivals.all()
    skip = pushed.get(chat_id, frozenset()) | archive
    choice = await store.filters.get(chat_id)
    if choice.narrows:  # what this chat chose to receive
        filtered = FilteredDigests(store, rates, festivals)
        return await filtered.content(t, choice, watermark, day, skip)
    return await digest_content(t, store, watermark, day, rates, festivals, exclude=skip)


async def start_watermark(store: Store, first_day: date) -> int:
    """A new subscriber's watermark: just before the first article dated ``first_day`` or
    later (their local today), so the first digest brings today's news; the archive stored
    after it is left out by ``first_digest_bounds``."""
    first = await store.articles.first_id_dated_from(first_day)
    return await store.articles.last_id() if first is None else first - 1


async def first_digest_bounds(store: Store, subscriber: Subscriber) -> tuple[int, frozenset[int]]:
    """(watermark, archive articles to leave out) of a subscriber's next digest: the archive is
    only left out of a first digest, which starts from the news dated from ``first_day``."""
    watermark = subscriber.last_article_id
    if subscriber.first_day is None:
        return watermark, frozenset()
    archive = await store.articles.dated_before(
        watermark, subscriber.first_day, FIRST_DIGEST_EXCLUDE + 1
    )
    if len(archive) > FIRST_DIGEST_EXCLUDE:
        return archive[0], frozenset()  # start after the newest archived article instead
    return watermark, frozenset(archive)


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
