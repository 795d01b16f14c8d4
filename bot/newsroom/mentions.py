"""Finding the festivals an article names, and linking them: the one way every path that
stores or changes an article or a festival records its mentions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import ahocorasick  # type: ignore[import-not-found]

from storage import Store
from storage.models import Festival

# Candidate articles a new or changed festival is matched against, per round trip: reading
# 500 bodies held the readers' connection up to ~200 ms at 100k articles, 100 about 20 ms.
LINK_BATCH = 100


class MentionFinder:
    """Matches festival names and aliases as whole words, ignoring case and spacing."""

    def __init__(self, festivals: Iterable[Festival]) -> None:
        self._ids: list[int] = []
        # A name's first word (lower-cased) → (festival's index, the pattern of all its names)
        # for each festival with a name that starts with it.
        by_first_word: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
        for festival in festivals:
            names = [name.lower().split() for name in festival.names if name.strip()]
            if names:
                pattern = re.compile(_names_pattern(names))
                for word in dict.fromkeys(words[0] for words in names):
                    by_first_word.setdefault(word, []).append((len(self._ids), pattern))
                self._ids.append(festival.id)
        # Every first word found in one pass (Aho-Corasick, in C): a str.find per first word
        # read the whole text each, ~17 µs an article for the seeds' 11 words, this ~5 µs.
        self._first_words = ahocorasick.Automaton()
        for word, candidates in by_first_word.items():
            self._first_words.add_word(word, (len(word), candidates))
        self._first_words.make_automaton()

    def find(self, *texts: str) -> list[int]:
        """The ids of the festivals named in any of ``texts``."""
        if not self._ids:
            return []
        # One text: NUL is neither a word character nor a space, so no name matches across it.
        if any("\0" in text for text in texts):
            lowered = [text.lower() for text in texts]
        else:
            lowered = ["\0".join(texts).lower()]
        found: set[int] = set()
        # A pattern is tried only where a name's first word occurs: far faster than a search.
        for text in lowered:
            for end, (length, candidates) in self._first_words.iter(text):
                for index, pattern in candidates:
                    if index not in found and pattern.match(text, end - length + 1):
                        found.add(index)
        return [self._ids[index] for index in sorted(found)]


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
