"""Which facts of a festival win a merge (pure, no SQL).

Each fact keeps who gave it (``FactSource``): an admin's fact is never overwritten by the
festivals file, the news only fills in what nobody gave (or moves a festival to a later
edition), and a merge that changes nothing says so, so that nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.models import FESTIVAL_FACTS, FactSource, Festival, NewFestival
from storage.names import name_key

_TEXT_FACTS = ("kind", "city", "country", "description", "url")


@dataclass(frozen=True, slots=True)
class Change:
    """A festival as a merge leaves it: its name, facts (as ``given`` names them), who gave
    each fact, and who it comes from."""

    name: str
    facts: dict[str, Any]
    sources: dict[str, FactSource]
    origin: FactSource


def merge_facts(existing: Festival, new: NewFestival, source: FactSource) -> Change | None:
    """``new``'s facts, given by ``source``, merged into ``existing``'s; None if none changes."""
    facts = _stored(existing)
    old_sources = {fact: existing.source(fact) for fact in FESTIVAL_FACTS}
    sources = {fact: old_sources[fact] for fact in FESTIVAL_FACTS if facts[fact] is not None}
    changed = False
    for fact, value in given(new).items():
        merged = _merged_value(fact, value, facts[fact], old_sources[fact], source)
        if merged is not None and (merged[0], merged[1]) != (facts[fact], old_sources[fact]):
            facts[fact], sources[fact] = merged
            changed = True
    moved = source is FactSource.NEWS and facts["dates"] != _stored(existing)["dates"]
    if moved and new.edition is not None and old_sources["edition"] is FactSource.NEWS:
        facts["edition"], sources["edition"] = new.edition, source
    name = existing.name
    if source is FactSource.ADMIN and name_key(new.name) == name_key(existing.name):
        changed |= new.name != name
        name = new.name
    origin = existing.origin
    if source is FactSource.ADMIN and origin is FactSource.NEWS:
        origin, changed = FactSource.ADMIN, True  # an admin confirmed it
    if not changed:
        return None
    return Change(name, facts, sources, origin)


def given(new: NewFestival) -> dict[str, Any]:
    """The facts a new festival gives (None and empty values are not given)."""
    facts: dict[str, Any] = {fact: getattr(new, fact) or None for fact in _TEXT_FACTS}
    facts["aliases"] = tuple(new.aliases) or None
    facts["dates"] = (new.starts_on, new.ends_on or new.starts_on) if new.starts_on else None
    facts["edition"] = new.edition
    return {fact: value for fact, value in facts.items() if value is not None}


def _stored(festival: Festival) -> dict[str, Any]:
    """The facts of a stored festival, as ``given`` names them."""
    facts: dict[str, Any] = {fact: getattr(festival, fact) or None for fact in _TEXT_FACTS}
    facts["aliases"] = festival.aliases or None
    dated = festival.starts_on is not None
    facts["dates"] = (festival.starts_on, festival.ends_on) if dated else None
    facts["edition"] = festival.edition
    return facts


def _merged_value(
    fact: str, new: Any, old: Any, old_source: FactSource, source: FactSource
) -> tuple[Any, FactSource] | None:
    """The value and source a fact takes, or None to leave it as it is."""
    if source is FactSource.ADMIN:
        return new, source
    if source is FactSource.SEED:
        if old_source is FactSource.ADMIN or new == old:
            return None  # an admin's fact stands; the same value keeps its source (the news)
        return new, source
    if old is None:
        return new, source
    if new == old:
        # The articles give what the file said: say so on the card.
        return (old, source) if old_source is FactSource.SEED else None
    if old_source is FactSource.NEWS and fact == "aliases":
        return tuple(dict.fromkeys((*old, *new))), source
    if old_source is FactSource.NEWS and fact == "dates" and new[0] > old[1]:
        return new, source  # a later edition in the news
    return None
