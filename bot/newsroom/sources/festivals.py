"""The curated festivals file (TOML) shipped in ``seeds/``."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from storage.models import NewFestival

_TEXT_FIELDS = ("kind", "city", "country", "description", "url")


class FestivalFileError(ValueError):
    """A festivals file that cannot be read; the message names the file and the entry."""


def read_festivals(path: Path) -> list[NewFestival]:
    """Every ``[[festival]]`` entry of a TOML file."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise FestivalFileError(f"{path}: {error}") from None
    entries = data.get("festival", [])
    if not isinstance(entries, list):
        raise FestivalFileError(f"{path}: 'festival' must be an array of tables ([[festival]])")
    festivals = [_festival(path, number, entry) for number, entry in enumerate(entries, start=1)]
    _check_names_unique(path, festivals)
    return festivals


def _check_names_unique(path: Path, festivals: list[NewFestival]) -> None:
    """Two festivals sharing a name or alias would make mentions and upserts ambiguous."""
    owners: dict[str, tuple[int, str]] = {}
    for number, festival in enumerate(festivals, start=1):
        for name in dict.fromkeys(" ".join(n.split()).casefold() for n in festival.names):
            first = owners.setdefault(name, (number, festival.name))
            if first[0] != number:
                raise FestivalFileError(
                    f"{path}: festival #{number} ({festival.name}): the name {name!r} is "
                    f"already used by festival #{first[0]} ({first[1]})"
                )


def _festival(path: Path, number: int, entry: Any) -> NewFestival:
    where = f"{path}: festival #{number}"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
        raise FestivalFileError(f"{where}: a festival needs a name")
    where = f"{where} ({entry['name']})"
    unknown = set(entry) - {"name", "aliases", "starts_on", "ends_on", "edition", *_TEXT_FIELDS}
    if unknown:
        raise FestivalFileError(f"{where}: unknown keys {sorted(unknown)}")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise FestivalFileError(f"{where}: aliases must be a list of names")
    for key in ("starts_on", "ends_on"):
        if key in entry and not isinstance(entry[key], date):
            raise FestivalFileError(f"{where}: {key} must be a date like 2025-06-11")
    edition = entry.get("edition")
    if edition is not None and (not isinstance(edition, int) or edition < 1):
        raise FestivalFileError(f"{where}: edition must be a positive number")
    starts_on, ends_on = entry.get("starts_on"), entry.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise FestivalFileError(f"{where}: ends_on is before starts_on")
    text = {key: " ".join(str(entry[key]).split()) for key in _TEXT_FIELDS if key in entry}
    return NewFestival(
        name=entry["name"].strip(),
        aliases=tuple(alias.strip() for alias in aliases),
        starts_on=starts_on,
        ends_on=ends_on,
        edition=edition,
        **text,
    )
