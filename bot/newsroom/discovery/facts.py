"""What the sentences say about each name: aliases, dates, city, country and edition, given to
the nearest name, or to the paragraph's when a sentence refers back to it ("the festival")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from storage.names import ordinal as _ordinal

from .aliases import read_aliases
from .dates import dates_in, resolve
from .mentions import Facts, Mention
from .places import CITY_HOSTS, CITY_IN, COUNTRY_IN, country_of, place_of
from .sentences import Sentence
from .words import loose_key

CITY_REACH = 100  # characters between a name and the "in Samarkand" that belongs to it
COUNTRY_REACH = 12  # characters between a name and the "in Kyrgyzstan" that belongs to it

_ANAPHOR = re.compile(
    r"\b(?:festival|event|awards|ceremony|camp|lab|fest|фестивал\w*|кинофестивал\w*|"
    r"преми\w*|церемони\w*|мероприяти\w*|форум\w*)\b",
    re.IGNORECASE,
)
_EDITION = re.compile(
    r"""(?P<ordinal>[\w-]+)\s+(?:edition|installment|instalment)\b    # the third edition
      | в\s+(?P<ru>[\w-]+)\s+раз\b                                     # в седьмой раз""",
    re.VERBOSE | re.IGNORECASE,
)


def _nearest(mentions: Sequence[tuple[int, Mention]], start: int, end: int) -> tuple[int, int]:
    """The mention closest to a span, one before it winning a tie, and the gap in characters."""
    best: tuple[int, int, int] | None = None
    for index, mention in mentions:
        before = mention.end <= start
        gap = start - mention.end if before else max(mention.start - end, 0)
        candidate = (gap, 0 if before else 1, index)
        best = candidate if best is None or candidate < best else best
    assert best is not None
    return best[2], best[0]


@dataclass(frozen=True, slots=True)
class _Context:
    """One sentence being read: its mentions, the paragraph's earlier ones, whether it refers
    back to one of those ("the festival"), and whether they all name one event."""

    text: str
    here: Sequence[tuple[int, Mention]]
    earlier: Sequence[int]
    refers: bool
    one_event: bool

    def owner(self, start: int, end: int, refers: bool, reach: int | None = None) -> int | None:
        """The mention a fact at ``start:end`` belongs to: the nearest one in the sentence, or
        else the last one of the paragraph when ``refers``."""
        if self.here:
            index, gap = _nearest(self.here, start, end)
            return index if reach is None or gap <= reach else None
        return self.earlier[-1] if refers and self.earlier else None


def read_facts(
    sentences: Sequence[Sentence], mentions: Sequence[Mention], published: date | None
) -> list[Facts]:
    """Aliases, dates, city, country and edition of each mention, sentence by sentence."""
    facts = [Facts(edition=mention.edition) for mention in mentions]
    by_sentence: dict[int, list[tuple[int, Mention]]] = {}
    for index, mention in enumerate(mentions):
        by_sentence.setdefault(mention.sentence, []).append((index, mention))
    earlier: list[int] = []  # mentions of the paragraph read so far
    loose: set[str] = set()  # and their loose keys
    for number, sentence in enumerate(sentences):
        if number and sentence.paragraph != sentences[number - 1].paragraph:
            earlier, loose = [], set()
        here = by_sentence.get(number, [])
        if not (here or earlier):
            continue  # nothing named yet in this paragraph: no fact has an owner
        refers = _ANAPHOR.search(sentence.text) is not None
        context = _Context(sentence.text, here, earlier, refers, len(loose) == 1)
        read_aliases(sentence.text, here, facts)
        # A sentence without a name gives facts only to the paragraph's names, and only when it
        # refers back to them (or, for a range of dates, when they all name one event).
        if here or (earlier and (refers or context.one_event)):
            _read_dates(context, facts, published)
        if here or (earlier and refers):
            _read_cities(context, facts)
            _read_editions(context, facts)
        _read_countries(context, facts)
        earlier.extend(index for index, _ in here)
        loose.update(loose_key(mention.name) for _, mention in here)
    return facts


def _read_dates(context: _Context, facts: list[Facts], published: date | None) -> None:
    """Dates go to the nearest name; a range in a sentence without one to the paragraph's."""
    for span in dates_in(context.text):
        refers = context.refers or (span.is_range and context.one_event)
        owner = context.owner(span.start, span.end, refers)
        if owner is not None and facts[owner].dates is None:
            facts[owner].dates = resolve(span, published)


def _read_cities(context: _Context, facts: list[Facts]) -> None:
    """ "in Samarkand", "в Бишкеке", "Almaty hosts": the city of the nearest name."""
    for pattern in (CITY_IN, CITY_HOSTS):
        for match in pattern.finditer(context.text):
            owner = context.owner(match.start(), match.end(), context.refers, CITY_REACH)
            if owner is not None and facts[owner].place is None:
                facts[owner].place = place_of(match)


def _read_editions(context: _Context, facts: list[Facts]) -> None:
    """ "the third edition", "в седьмой раз": the edition of the nearest name."""
    for edition in _EDITION.finditer(context.text):
        value = _ordinal(edition["ordinal"] or edition["ru"] or "")
        owner = context.owner(edition.start(), edition.end(), context.refers)
        if value and owner is not None and facts[owner].edition is None:
            facts[owner].edition = value


def _read_countries(context: _Context, facts: list[Facts]) -> None:
    """ "the Post Space film camp in Kyrgyzstan": a country right after a name."""
    for index, mention in context.here:
        found = COUNTRY_IN.match(context.text, _skip_space(context.text, mention.end))
        if found and found.start() - mention.end <= COUNTRY_REACH:
            facts[index].country = country_of(found)


def _skip_space(text: str, offset: int) -> int:
    """The offset of the next non-blank character, past a comma."""
    while offset < len(text) and text[offset] in " ,":
        offset += 1
    return offset
