"""Finding the festivals an article names, and linking them: the one way every path that
stores or changes an article or a festival records its mentions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from storage import Store
from storage.models import Festival

# Candidate articles a new or changed festival is matched against, per round trip: reading
# 500 bodies held the readers' connection up to ~200 ms at 100k articles, 100 about 20 ms.
LINK_BATCH = 100


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


async def link_mentions(
    store: Store, finder: MentionFinder, articles: Iterable[tuple[int, str, str]]
) -> dict[int, list[int]]:
    """Link each ``(article id, title, body)`` to the festivals ``finder`` finds in it; returns
    article id → the ids of the festivals it names (links already there are kept)."""
    found = {article_id: finder.find(title, body) for article_id, title, body in articles}
    await store.articles.link_many(
        (article_id, festival_id) for article_id, ids in found.items() for festival_id in ids
    )
    return found


async def link_festival(store: Store, festival: Festival) -> int:
    """Link a new or changed festival to every article that names it, in batches of
    candidates; returns how many articles name it."""
    finder = MentionFinder([festival])
    linked = 0
    async for batch in store.articles.containing_any(festival.names, batch=LINK_BATCH):
        found = await link_mentions(store, finder, ((a.id, a.title, a.body) for a in batch))
        linked += sum(1 for ids in found.values() if ids)
    return linked


def names_by_id(festivals: Iterable[Festival]) -> Mapping[int, str]:
    """Festival id → name, for reports."""
    return {festival.id: festival.name for festival in festivals}
