"""When festivals happen: the next edition of each, the order of /festivals, and what is
coming up soon (the digest's line, the reminders)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from storage.models import Festival

# Festivals and awards come back every year: a past edition announces the next one, expected
# at the same time of year, until it has not been heard of for this many years.
ANNUAL_KINDS = frozenset({"festival", "award"})
MAX_SILENT_YEARS = 2
COMING_UP_DAYS = 14


@dataclass(frozen=True, slots=True)
class Edition:
    """The dates of one edition; ``expected`` when they are a year on from a past edition
    rather than announced."""

    starts_on: date
    ends_on: date
    expected: bool = False

    def running(self, today: date) -> bool:
        """Whether the edition is on today."""
        return not self.expected and self.starts_on <= today <= self.ends_on


@dataclass(slots=True)
class Listing:
    """/festivals: upcoming (soonest first), without a known next date (by name), and past
    editions of festivals that are not expected back (latest first)."""

    upcoming: list[tuple[Festival, Edition]] = field(default_factory=list)
    undated: list[Festival] = field(default_factory=list)
    past: list[Festival] = field(default_factory=list)

    @property
    def ordered(self) -> list[Festival]:
        """Every festival in the order listed."""
        return [festival for festival, _ in self.upcoming] + self.undated + self.past


def known_edition(festival: Festival) -> Edition | None:
    """The edition the festival's dates give, if it has any."""
    first = festival.starts_on or festival.ends_on
    last = festival.ends_on or festival.starts_on
    if first is None or last is None:
        return None
    return Edition(first, last)


def next_edition(festival: Festival, today: date) -> Edition | None:
    """The edition running or next to come: the announced one, else for a yearly festival
    the same dates a year (or two) on; None when neither is known."""
    known = known_edition(festival)
    if known is None or known.ends_on >= today:
        return known
    if festival.kind not in ANNUAL_KINDS:
        return None
    for years in range(1, MAX_SILENT_YEARS + 1):
        starts, ends = _years_on(known.starts_on, years), _years_on(known.ends_on, years)
        if ends >= today:
            return Edition(starts, ends, expected=True)
    return None


def _years_on(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def listing(festivals: Sequence[Festival], today: date) -> Listing:
    """The festivals in the order of /festivals."""
    result = Listing()
    for festival in festivals:
        edition = next_edition(festival, today)
        if edition is not None:
            result.upcoming.append((festival, edition))
        elif known_edition(festival) is None:
            result.undated.append(festival)
        else:
            result.past.append(festival)
    result.upcoming.sort(key=lambda pair: (pair[1].starts_on, pair[0].name.casefold()))
    result.undated.sort(key=lambda festival: festival.name.casefold())
    result.past.sort(key=lambda festival: _last_day(festival), reverse=True)
    return result


def _last_day(festival: Festival) -> date:
    return festival.ends_on or festival.starts_on or date.min


def coming_up(
    festivals: Sequence[Festival], today: date, days: int = COMING_UP_DAYS
) -> list[Festival]:
    """Festivals whose announced opening is today or within ``days``, soonest first."""
    horizon = today + timedelta(days=days)
    soon = [f for f in festivals if f.starts_on is not None and today <= f.starts_on <= horizon]
    return sorted(soon, key=lambda festival: (festival.starts_on, festival.name.casefold()))
