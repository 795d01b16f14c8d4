"""When digests fall: local times in IANA zones → UTC, across DST changes and odd offsets."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.newsroom.schedule import latest_day, local_day, next_after, occurrence


def utc(*args: int) -> datetime:
    """A UTC datetime."""
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("zone", "at", "day", "expected"),
    [
        ("Asia/Bishkek", time(8, 30), date(2026, 2, 7), utc(2026, 2, 7, 2, 30)),
        ("Asia/Kathmandu", time(8, 0), date(2026, 2, 7), utc(2026, 2, 7, 2, 15)),
        ("Asia/Kolkata", time(9, 0), date(2026, 2, 7), utc(2026, 2, 7, 3, 30)),
        ("America/New_York", time(9, 0), date(2026, 3, 7), utc(2026, 3, 7, 14, 0)),
        ("America/New_York", time(9, 0), date(2026, 3, 8), utc(2026, 3, 8, 13, 0)),
        ("Europe/London", time(9, 0), date(2026, 3, 28), utc(2026, 3, 28, 9, 0)),
        ("Europe/London", time(9, 0), date(2026, 3, 29), utc(2026, 3, 29, 8, 0)),
        # Skipped by the spring-forward jump: as late after the jump as it was meant before it.
        ("America/New_York", time(2, 30), date(2026, 3, 8), utc(2026, 3, 8, 7, 30)),
        ("Europe/London", time(1, 30), date(2026, 3, 29), utc(2026, 3, 29, 1, 30)),
        # Repeated by the fall-back jump: the first of the two.
        ("America/New_York", time(1, 30), date(2026, 11, 1), utc(2026, 11, 1, 5, 30)),
        ("Europe/London", time(1, 30), date(2026, 10, 25), utc(2026, 10, 25, 0, 30)),
    ],
)
def test_occurrence_is_the_local_time_in_utc(
    zone: str, at: time, day: date, expected: datetime
) -> None:
    assert occurrence(day, at, ZoneInfo(zone)) == expected


def test_next_after_is_strictly_after_now() -> None:
    zone = ZoneInfo("Asia/Bishkek")
    assert next_after(utc(2026, 2, 7, 2, 29), time(8, 30), zone) == utc(2026, 2, 7, 2, 30)
    assert next_after(utc(2026, 2, 7, 2, 30), time(8, 30), zone) == utc(2026, 2, 8, 2, 30)
    # 23:30 in Bishkek is 17:30 UTC of the same day; at 20:00 UTC it is already tomorrow there.
    assert next_after(utc(2026, 2, 7, 20, 0), time(23, 30), zone) == utc(2026, 2, 8, 17, 30)


def test_next_digest_across_the_new_york_spring_forward() -> None:
    zone = ZoneInfo("America/New_York")
    first = next_after(utc(2026, 3, 7, 12, 0), time(9, 0), zone)
    second = next_after(first, time(9, 0), zone)
    assert (first, second) == (utc(2026, 3, 7, 14, 0), utc(2026, 3, 8, 13, 0))
    assert second - first == timedelta(hours=23)
    assert second.astimezone(zone).time() == time(9, 0)


def test_latest_day_after_downtime_is_the_most_recent_missed_day() -> None:
    zone = ZoneInfo("Asia/Bishkek")
    # Due on 4 February at 08:30, back on 7 February at 10:00 local: one digest, for the 7th.
    assert latest_day(utc(2026, 2, 7, 4, 0), time(8, 30), zone) == date(2026, 2, 7)
    # Back at 08:00 local on the 7th: the 6th's digest is the one missed.
    assert latest_day(utc(2026, 2, 7, 2, 0), time(8, 30), zone) == date(2026, 2, 6)
    assert local_day(utc(2026, 2, 7, 2, 30), time(8, 30), zone) == date(2026, 2, 7)


@pytest.mark.parametrize(
    "zone",
    [
        "Asia/Almaty",
        "Asia/Kathmandu",
        "America/New_York",
        "Europe/London",
        "Australia/Lord_Howe",  # a half-hour DST shift
        "America/Santiago",  # DST changes at midnight
        "Asia/Tehran",  # +03:30, DST until 2022
    ],
)
@pytest.mark.parametrize("at", [time(0, 0), time(0, 30), time(1, 30), time(2, 30), time(9, 0)])
def test_one_digest_per_local_day_all_year(zone: str, at: time) -> None:
    tz = ZoneInfo(zone)
    instant = utc(2021, 12, 30)
    days = []
    for _ in range(2 * 366):
        instant = next_after(instant, at, tz)
        days.append(local_day(instant, at, tz))
    assert days == [days[0] + timedelta(days=n) for n in range(len(days))]
