"""What discovery records of a name: the mention found in a sentence, and the facts the text
gives about it while the sentences are read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .places import Place


@dataclass(frozen=True, slots=True)
class Mention:
    """One name of an event in one sentence."""

    name: str
    kind: str
    sentence: int
    start: int
    end: int
    edition: int | None = None
    aliases: tuple[str, ...] = ()
    weak: bool = False  # "the Bishkek festival": kept only as another name of a strong mention


@dataclass(slots=True)
class Facts:
    """What the text says about one mention (mutable while the sentences are read)."""

    aliases: list[str] = field(default_factory=list)
    links: list[int] = field(default_factory=list)  # other mentions of the same event
    alias_only: bool = False  # named in parentheses or after "also known as"
    dates: tuple[date, date] | None = None
    place: Place | None = None
    country: str | None = None
    edition: int | None = None
