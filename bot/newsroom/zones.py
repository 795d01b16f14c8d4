"""Time zones as readers type them: IANA names, the region's cities, and fixed UTC offsets.

What is stored is always an IANA key that ``zoneinfo`` loads after a restart: a city becomes its
zone (``Bishkek`` → ``Asia/Bishkek``), a whole-hour offset becomes ``Etc/GMT-5`` for ``UTC+5``
(the ``Etc`` names invert the sign, as POSIX does). Offsets that are not whole hours have no
such name, so they are refused with a hint to name the city instead.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import mark
from bot.newsroom.amounts import shown_word
from bot.newsroom.problems import Problem


@dataclass(frozen=True, slots=True)
class City:
    """A city offered as a zone button: a short code for callback data, its name and zone."""

    code: str
    name: str
    zone: str


# The buttons of /settings, in their order; Astana keeps Almaty's time (one zone since 2024).
CITIES: tuple[City, ...] = (
    City("ala", "Almaty", "Asia/Almaty"),
    City("ast", "Astana", "Asia/Almaty"),
    City("fru", "Bishkek", "Asia/Bishkek"),
    City("tas", "Tashkent", "Asia/Tashkent"),
    City("skd", "Samarkand", "Asia/Samarkand"),
    City("dyu", "Dushanbe", "Asia/Dushanbe"),
    City("asb", "Ashgabat", "Asia/Ashgabat"),
    City("mow", "Moscow", "Europe/Moscow"),
)

# Names a reader may type for a city (casefolded, spaces and hyphens ignored): English,
# Russian and the usual local spellings.
_CITY_NAMES: dict[str, str] = {
    "almaty": "Asia/Almaty",
    "алматы": "Asia/Almaty",
    "алмаата": "Asia/Almaty",
    "almaata": "Asia/Almaty",
    "astana": "Asia/Almaty",
    "астана": "Asia/Almaty",
    "nursultan": "Asia/Almaty",
    "нурсултан": "Asia/Almaty",
    "bishkek": "Asia/Bishkek",
    "бишкек": "Asia/Bishkek",
    "tashkent": "Asia/Tashkent",
    "toshkent": "Asia/Tashkent",
    "ташкент": "Asia/Tashkent",
    "samarkand": "Asia/Samarkand",
    "samarqand": "Asia/Samarkand",
    "самарканд": "Asia/Samarkand",
    "dushanbe": "Asia/Dushanbe",
    "душанбе": "Asia/Dushanbe",
    "ashgabat": "Asia/Ashgabat",
    "ashkhabad": "Asia/Ashgabat",
    "ashgabad": "Asia/Ashgabat",
    "aşgabat": "Asia/Ashgabat",
    "ашхабад": "Asia/Ashgabat",
    "moscow": "Europe/Moscow",
    "москва": "Europe/Moscow",
}

_OFFSET = re.compile(
    r"^(?:utc|gmt)?\s*(?P<sign>[+\-−])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$"
)
_IGNORED = re.compile(r"[\s\-_]+")


def find_zone(text: str) -> ZoneInfo:
    """A city, an IANA name (any case) or a whole-hour offset → its zone; a ``Problem`` (a
    ValueError) otherwise."""
    cleaned = text.strip()
    if not cleaned:
        raise Problem(mark("Give a time zone."))
    city = _CITY_NAMES.get(_IGNORED.sub("", cleaned.casefold()))
    if city is not None:
        return ZoneInfo(city)
    offset = _OFFSET.match(cleaned.casefold())
    if offset is not None:
        return _fixed_offset(cleaned, offset)
    key = _iana_keys().get(cleaned.casefold())
    if key is None:
        raise Problem(
            mark(
                "'{value}' is not a time zone I know: send a city (Bishkek, Ташкент), a zone "
                "name (Asia/Almaty) or an offset (UTC+5)."
            ),
            value=shown_word(cleaned),
        )
    return load(key)


def load(key: str) -> ZoneInfo:
    """A stored IANA key → its zone; ValueError if this system no longer has it."""
    try:
        if not key or key.startswith(("/", ".")) or ".." in key:
            raise ValueError
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        shown = shown_word(key)
        raise ValueError(f"{shown!r} is not a time zone name like Asia/Bishkek") from None


def label(key: str) -> str:
    """How a stored zone is shown: ``Asia/Bishkek``, or ``UTC+5`` for ``Etc/GMT-5``."""
    match = re.fullmatch(r"Etc/GMT(?P<sign>[+-])(?P<hours>\d{1,2})", key)
    if match is None:
        return "UTC" if key in {"Etc/UTC", "Etc/GMT", "UTC"} else key
    sign = "-" if match["sign"] == "+" else "+"
    return f"UTC{sign}{int(match['hours'])}"


def city_of(code: str) -> City | None:
    """The button city with this code, if any."""
    return next((city for city in CITIES if city.code == code), None)


def _fixed_offset(text: str, match: re.Match[str]) -> ZoneInfo:
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    if minutes:
        raise Problem(
            mark(
                "'{value}' is not a whole number of hours: send the city instead "
                "(e.g. Asia/Kolkata)."
            ),
            value=shown_word(text),
        )
    east = match["sign"] == "+"
    if hours == 0:
        return ZoneInfo("Etc/UTC")
    if hours > (14 if east else 12):
        raise Problem(
            mark("'{value}' is not an offset from UTC-12 to UTC+14."), value=shown_word(text)
        )
    return ZoneInfo(f"Etc/GMT{'-' if east else '+'}{hours}")  # Etc/GMT-5 is UTC+5


@cache
def _iana_keys() -> dict[str, str]:
    """Every IANA key by its casefolded form (read once: tzdata does not change while we run)."""
    return {key.casefold(): key for key in zoneinfo.available_timezones()}
