"""Other names of an event right after one: "(BIFF)", "(Bishkek)", "also known as …",
"formerly …", "or …"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .english import YEAR, run_after
from .mentions import Facts, Mention
from .places import CITY_WORD, place_of
from .words import distinctive

_PARENS = re.compile(r"\s*\(([^()]{1,80})\)")
_ACRONYM = re.compile(r"[A-ZА-ЯЁ][A-ZА-ЯЁ0-9&.\-]{1,11}")
# ", also known as", ", formerly", ", or": what follows is another name of the same event.
_AKA = re.compile(
    r"""
    \s*,?\s*\(?\s*
    (?P<phrase>
        also\s+known\s+as | known\s+as | a\.?k\.a\.? | formerly(?:\s+known\s+as)?
      | также\s+известн\w*\s+как | ранее | прежде
    | (?P<or> or | или ))
    \s+ (?:the\s+)?
    """,
    re.VERBOSE | re.IGNORECASE,
)


def read_aliases(text: str, mentions: Sequence[tuple[int, Mention]], facts: list[Facts]) -> None:
    """Parentheses and "also known as" right after a name: other names, acronyms, cities."""
    for index, mention in mentions:
        if parens := _PARENS.match(text, mention.end):
            inner = parens[1].strip()
            inside = [i for i, m in mentions if parens.start() <= m.start < parens.end()]
            city = CITY_WORD.fullmatch(inner)
            if inside:
                _link(facts, index, inside[0])
            elif _ACRONYM.fullmatch(inner) and not YEAR.fullmatch(inner):
                facts[index].aliases.append(inner)
            elif city and facts[index].place is None:
                facts[index].place = place_of(city)
        elif aka := _AKA.match(text, mention.end):
            following = [i for i, m in mentions if m.start == aka.end()]
            if following:
                _link(facts, index, following[0])
            elif not aka["or"] and distinctive(words := run_after(text, aka.end()).words):
                facts[index].aliases.append(" ".join(words))


def _link(facts: list[Facts], main: int, alias: int) -> None:
    """Record that mention ``alias`` is another name of mention ``main``."""
    facts[main].links.append(alias)
    facts[alias].alias_only = True
