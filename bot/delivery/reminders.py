"""Festival reminders: asking for them, and composing the due ones into the outbox.

A reader's reminder of a festival goes out twice: ``REMIND_DAYS`` days before the opening and
on the opening day, each at the chat's digest time in its zone (or the default time and zone
when the chat has no digest). The minute job (``bot.delivery.service``) calls ``compose_due``;
what each reminder was sent for is the festival's opening day, so a festival that moves is
reminded of again for its new dates, and nothing is sent twice for the same one. After
downtime a missed reminder still goes out, unless the next one is already due (a week-before
reminder is dropped once the festival opens; an opening-day one once it is over).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import parse_time, parse_zone
from bot.delivery.kinds import OutboxKind
from bot.delivery.outbox import markup_json
from bot.i18n import DEFAULT, Catalogs
from bot.newsroom import schedule
from bot.newsroom.filters import admits_festival
from bot.render.reminders import REMIND_DAYS, reminder_message
from storage import Store
from storage.models import Festival
from storage.outbox import Outgoing
from storage.reminders import DueReminder, Stage

logger = logging.getLogger(__name__)

DAYS_BEFORE = {Stage.WEEK: REMIND_DAYS, Stage.DAY: 0}
# The widest gap between UTC's date and a zone's: a festival opening since then may be due.
_ZONE_SLACK = timedelta(days=2)


def _due_at(stage: Stage, starts_on: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant a stage of a festival's reminder is due."""
    return schedule.occurrence(starts_on - timedelta(days=DAYS_BEFORE[stage]), at, zone)


def _stale(stage: Stage, reminder: DueReminder, now: datetime, at: time, zone: ZoneInfo) -> bool:
    """Whether a due stage is too late to send: the next one is due, or the festival is over."""
    if stage is Stage.WEEK:
        return now >= _due_at(Stage.DAY, reminder.starts_on, at, zone)
    return now.astimezone(zone).date() > reminder.ends_on


def passed_stages(
    starts_on: date | None, now: datetime, at: time, zone: ZoneInfo
) -> dict[Stage, date]:
    """The stages already due when a reader asks (they are not sent late): stage → the
    opening day they count as done for."""
    if starts_on is None:
        return {}
    return {stage: starts_on for stage in Stage if now >= _due_at(stage, starts_on, at, zone)}


def _when(
    reminder: DueReminder, default_at: time, default_zone: ZoneInfo
) -> tuple[time, ZoneInfo]:
    """The chat's digest time and zone, else the defaults."""
    if reminder.digest_time is None or reminder.timezone is None:
        return default_at, default_zone
    try:
        return parse_time(reminder.digest_time), parse_zone(reminder.timezone)
    except ValueError:
        return default_at, default_zone


async def ask(
    store: Store,
    chat_id: int,
    festival: Festival,
    now: datetime,
    at: time,
    zone: ZoneInfo,
    *,
    language: str | None = None,
) -> bool:
    """A reader pressed "Remind me" (``at``/``zone``: their digest's, or the defaults;
    ``language``: their app's, which the reminders speak unless the chat chooses one)."""
    done = passed_stages(festival.starts_on, now, at, zone)
    return await store.reminders.add(chat_id, festival.id, done, language)


async def compose_due(
    store: Store,
    now: datetime,
    default_at: time,
    default_zone: ZoneInfo,
    *,
    catalogs: Catalogs | None = None,
) -> int:
    """Queue every reminder due by ``now`` that was not sent for its festival's current
    opening day, each in its chat's language; returns how many were queued."""
    catalogs = catalogs or Catalogs.load()
    # One rendering per festival, days left and language, however many chats it goes to.
    rendered: dict[tuple[int, int, str], tuple[str, str | None]] = {}
    async with store.transaction():
        pending = await store.reminders.due((now - _ZONE_SLACK).date())
        if not pending:
            return 0
        festivals = {f.id: f for f in await store.festivals.many({r.festival_id for r in pending})}
        choices = await store.filters.many(sorted({r.chat_id for r in pending}))
        done: list[tuple[int, int, Stage, date]] = []
        queued = 0
        for reminder in pending:
            at, zone = _when(reminder, default_at, default_zone)
            for stage in Stage:
                if reminder.done(stage) or now < _due_at(stage, reminder.starts_on, at, zone):
                    continue
                done.append((reminder.chat_id, reminder.festival_id, stage, reminder.starts_on))
                festival = festivals.get(reminder.festival_id)
                if festival is None or _stale(stage, reminder, now, at, zone):
                    continue
                choice = choices.get(reminder.chat_id)
                if choice is not None and not admits_festival(choice, festival):
                    continue  # the chat chose other news since it asked
                # Caught up after downtime, it says how many days are really left.
                days_left = (reminder.starts_on - now.astimezone(zone).date()).days
                key = (festival.id, max(days_left, 0), reminder.language or DEFAULT)
                if key not in rendered:
                    text, markup = reminder_message(catalogs.get(key[2]), festival, key[1])
                    rendered[key] = text, markup_json(markup)
                text, markup_data = rendered[key]
                ref = f"{festival.id}:{stage}:{reminder.starts_on.isoformat()}"
                queued += await store.outbox.add(
                    OutboxKind.REMINDER,
                    ref,
                    [Outgoing(reminder.chat_id, text, markup_data)],
                    now,
                )
        await store.reminders.mark(done)
    if queued:
        logger.info("festival reminders: %d queued", queued)
    return queued
