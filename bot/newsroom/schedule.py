"""When a daily digest falls: a local time of day in an IANA zone → UTC instants.

A local time that a daylight-saving jump skips (02:30 on a spring-forward night in New York)
falls as far after the jump as it would have been after the old offset: 03:30 that day, so the
digest still comes that day. A local time that happens twice (01:30 on a fall-back night) is the
first of the two. Both are what ``zoneinfo`` gives for ``fold=0``; no day is missed or doubled.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Local days looked at around "today": enough for any offset and any DST jump.
_AROUND = range(-2, 3)


def occurrence(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of local time ``at`` on ``day`` in ``zone``."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_after(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The first digest instant strictly after ``now``."""
    today = now.astimezone(zone).date()
    return min(
        instant
        for offset in _AROUND
        if (instant := occurrence(today + timedelta(days=offset), at, zone)) > now
    )


def latest_day(now: datetime, at: time, zone: ZoneInfo) -> date:
    """The local day of the latest digest instant at or before ``now``: the day a digest sent
    now stands for (after downtime, the most recent missed day, never one per missed day)."""
    today = now.astimezone(zone).date()
    return max(
        day
        for offset in _AROUND
        if occurrence(day := today + timedelta(days=offset), at, zone) <= now
    )


def local_day(instant: datetime, at: time, zone: ZoneInfo) -> date:
    """The local day whose digest falls at ``instant`` (an instant from ``next_after``)."""
    return latest_day(instant, at, zone)
