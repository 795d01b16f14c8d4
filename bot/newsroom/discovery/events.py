"""The events an article names: its mentions grouped by event (same loose key, alias or
link), each made one ``Discovered`` from its strongest name and the facts of all."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from storage.names import name_key

from .mentions import Facts, Mention
from .places import city_in_name
from .sentences import Sentence
from .words import loose_key

_T = TypeVar("_T")

KINDS = ("festival", "award", "camp", "lab")


@dataclass(frozen=True, slots=True)
class Discovered:
    """A festival, award, film camp or film lab that an article names."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    city: str | None = None
    country: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    edition: int | None = None
    evidence: str = ""


def group_mentions(mentions: Sequence[Mention], facts: Sequence[Facts]) -> list[list[int]]:
    """Mentions of the same event, in text order: same loose key, alias or explicit link."""
    parent = list(range(len(mentions)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owners: dict[str, int] = {}
    for index, mention in enumerate(mentions):
        for other in facts[index].links:
            parent[root(other)] = root(index)
        for name in (mention.name, *mention.aliases, *facts[index].aliases):
            key = loose_key(name)
            if key in owners:
                parent[root(index)] = root(owners[key])
            else:
                owners[key] = index
    grouped: dict[int, list[int]] = {}
    for index in range(len(mentions)):
        grouped.setdefault(root(index), []).append(index)
    return sorted(grouped.values(), key=lambda group: group[0])


def discovered(
    group: Sequence[int],
    mentions: Sequence[Mention],
    facts: Sequence[Facts],
    sentences: Sequence[Sentence],
) -> Discovered | None:
    """One event from its mentions; None when it was only ever named weakly."""
    strong = [i for i in group if not mentions[i].weak]
    if not strong:
        return None
    preferred = [i for i in strong if not facts[i].alias_only] or strong
    main = max(preferred, key=lambda i: (len(mentions[i].name.split()), -i))
    names = [n for i in group for n in (mentions[i].name, *mentions[i].aliases, *facts[i].aliases)]
    aliases: dict[str, str] = {name_key(mentions[main].name): mentions[main].name}
    for name in names:
        aliases.setdefault(name_key(name), name)
    place = city_in_name(mentions[main].name) or _first(facts[i].place for i in group)
    dates = _first(facts[i].dates for i in group)
    return Discovered(
        name=mentions[main].name,
        kind=mentions[main].kind,
        aliases=tuple(aliases.values())[1:],
        city=place.name if place else None,
        country=place.country if place else _first(facts[i].country for i in group),
        starts_on=dates[0] if dates else None,
        ends_on=dates[1] if dates else None,
        edition=_first(facts[i].edition for i in group),
        evidence=sentences[mentions[strong[0]].sentence].text,
    )


def _first(values: Iterable[_T | None]) -> _T | None:
    """The first value that is not None."""
    return next((value for value in values if value is not None), None)
