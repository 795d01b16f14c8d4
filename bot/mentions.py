"""Finding the festivals an article names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from storage.models import Festival


@dataclass(frozen=True, slots=True)
class _Matcher:
    festival_id: int
    first_words: tuple[str, ...]  # of each name, lower-cased
    pattern: re.Pattern[str]  # every name, lower-cased, as whole words


class MentionFinder:
    """Matches festival names and aliases as whole words, ignoring case and spacing."""

    def __init__(self, festivals: Iterable[Festival]) -> None:
        self._matchers = []
        for festival in festivals:
            names = [name.lower().split() for name in festival.names if name.strip()]
            if names:
                first_words = tuple(dict.fromkeys(words[0] for words in names))
                pattern = re.compile(_names_pattern(names))
                self._matchers.append(_Matcher(festival.id, first_words, pattern))

    def find(self, *texts: str) -> list[int]:
        """The ids of the festivals named in any of ``texts``."""
        lowered = [text.lower() for text in texts]
        return [
            matcher.festival_id
            for matcher in self._matchers
            if any(_names(matcher, text) for text in lowered)
        ]


def _names(matcher: _Matcher, text: str) -> bool:
    # Trying the pattern only where a name's first word occurs is far faster than a search.
    for word in matcher.first_words:
        start = text.find(word)
        while start >= 0:
            if matcher.pattern.match(text, start):
                return True
            start = text.find(word, start + 1)
    return False


def _names_pattern(names: Iterable[list[str]]) -> str:
    alternatives = sorted((r"\s+".join(map(re.escape, words)) for words in names), key=len)
    return rf"(?<!\w)(?:{'|'.join(reversed(alternatives))})(?!\w)"
