"""``sources.toml``: the live sources the bot polls (news feeds and central banks' rates)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.i18n import mark
from bot.newsroom.problems import Problem
from storage.sources import SourceKind, SourceSpec

FEED_EVERY = timedelta(minutes=30)
RATES_EVERY = timedelta(hours=1)
SHORTEST = timedelta(minutes=1)
LONGEST = timedelta(days=7)
PROVIDERS = ("nbk", "nbkr", "cbu", "nbt", "cbt")
NAME_LIMIT = 40

_EVERY = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_NAME = re.compile(rf"^[a-z0-9][a-z0-9._-]{{0,{NAME_LIMIT - 1}}}$")
_NOT_NAME = re.compile(r"[^a-z0-9]+")


class SourcesFileError(ValueError):
    """A sources file that cannot be used; the message names the file and the entry."""


def parse_every(text: str) -> timedelta:
    """``30m``, ``1h``, ``90s``, ``1h30m`` → timedelta, 1 minute to 7 days; else a ``Problem``
    (a ValueError)."""
    cleaned = text.strip().lower()
    pieces = _EVERY.findall(cleaned)
    if not pieces or _EVERY.sub("", cleaned).strip():
        raise Problem(mark("“{typed}” is not an interval like 30m, 1h or 90s."), typed=text)
    every = sum((timedelta(**{_UNITS[unit]: int(number)}) for number, unit in pieces), timedelta())
    if not SHORTEST <= every <= LONGEST:
        raise Problem(mark("“{typed}”: an interval is between 1 minute and 7 days."), typed=text)
    return every


def format_every(every: timedelta) -> str:
    """timedelta → the shortest ``1h30m`` spelling."""
    seconds = int(every.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def name_for(url: str, taken: Sequence[str] = ()) -> str:
    """A source name made from a feed's address (``timesca.com/tag/cinema/feed/`` →
    ``timesca-com-tag-cinema``), with a number added when it is taken."""
    parts = urlsplit(url)
    host = (parts.hostname or "feed").removeprefix("www.")
    path = re.sub(r"/(feed|rss|atom)(\.xml)?/?$", "", parts.path)
    base = _NOT_NAME.sub("-", f"{host}{path}".lower()).strip("-")[: NAME_LIMIT - 3] or "feed"
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}-{number}"
    return name


def read_sources(path: Path) -> list[SourceSpec]:
    """The sources of a TOML file; ``SourcesFileError`` for anything it cannot use."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as error:
        raise SourcesFileError(f"{path}: cannot read it ({error.strerror or error})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SourcesFileError(f"{path}: not valid TOML ({error})") from None
    unknown = sorted(set(data) - {"feeds", "rates"})
    if unknown:
        raise SourcesFileError(f"{path}: unknown section {unknown[0]!r} (feeds or rates)")
    specs = [
        *(_feed(path, number, entry) for number, entry in _entries(path, data, "feeds")),
        *(_rates(path, number, entry) for number, entry in _entries(path, data, "rates")),
    ]
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise SourcesFileError(f"{path}: two sources are named {spec.name!r}")
        seen.add(spec.name)
    return specs


def _entries(path: Path, data: Mapping[str, Any], section: str) -> list[tuple[int, Any]]:
    entries = data.get(section, [])
    if not isinstance(entries, list):
        raise SourcesFileError(f"{path}: write each of {section} as [[{section}]]")
    return list(enumerate(entries, 1))


def _feed(path: Path, number: int, entry: Any) -> SourceSpec:
    where = f"{path}: feeds entry {number}"
    fields = _table(where, entry, required=("name", "url"), optional=("every",))
    name = fields["name"]
    if not _NAME.match(name):
        raise SourcesFileError(
            f"{where}: name {name!r}: lower-case letters, digits, '.', '_' and '-', "
            f"at most {NAME_LIMIT}"
        )
    return SourceSpec(
        name=name,
        kind=SourceKind.FEED,
        url=_url(where, fields["url"]),
        every=_every(where, fields.get("every"), FEED_EVERY),
    )


def _rates(path: Path, number: int, entry: Any) -> SourceSpec:
    where = f"{path}: rates entry {number}"
    fields = _table(where, entry, required=("provider",), optional=("url", "every", "name"))
    provider = fields["provider"].strip().lower()
    if provider not in PROVIDERS:
        raise SourcesFileError(
            f"{where}: unknown provider {fields['provider']!r} (one of {', '.join(PROVIDERS)})"
        )
    url = fields.get("url")
    return SourceSpec(
        name=fields.get("name", provider),
        kind=SourceKind.RATES,
        url=None if url is None else _url(where, url),
        every=_every(where, fields.get("every"), RATES_EVERY),
        provider=provider,
    )


def _table(
    where: str, entry: Any, *, required: Sequence[str], optional: Sequence[str]
) -> dict[str, str]:
    if not isinstance(entry, dict):
        raise SourcesFileError(f"{where}: not a table")
    for key in required:
        if key not in entry:
            raise SourcesFileError(f"{where}: {key} is missing")
    for key, value in entry.items():
        if key not in (*required, *optional):
            raise SourcesFileError(f"{where}: unknown key {key!r}")
        if not isinstance(value, str) or not value.strip():
            raise SourcesFileError(f"{where}: {key} must be a non-empty string")
    return {key: value.strip() for key, value in entry.items()}


def _url(where: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourcesFileError(f"{where}: {url!r} is not an http(s) URL")
    return url


def _every(where: str, raw: str | None, default: timedelta) -> timedelta:
    if raw is None:
        return default
    try:
        return parse_every(raw)
    except ValueError as error:
        raise SourcesFileError(f"{where}: every {error}") from None
