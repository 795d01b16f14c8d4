"""Recent search results kept in memory while no article changes: a search repeated (the same
words, page and size) is answered without the index, the ranking or the snippets.

A result belongs to the articles as they were: ``Generation`` names that state (the highest
article id, which any new article raises, and a counter that triggers bump on every edit and
deletion, migration 0018), so the first search after any write sees it, whichever process
wrote. A result is kept only when nothing was written on this connection while it was being
made (a search on the bot's one connection could read another task's transaction before it is
rolled back).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from storage.database import Database

Generation = tuple[int, int]
Value = TypeVar("Value")

# An article as an edit, a deletion or an insertion leaves it is never reached by a cached result.
GENERATION_SQL = (
    "SELECT coalesce((SELECT max(id) FROM articles), 0), "
    "(SELECT value FROM article_changes WHERE id = 1)"
)


async def generation(db: Database) -> Generation:
    """The articles' present ``Generation``."""
    row = await db.fetch_one(GENERATION_SQL)
    assert row is not None  # a SELECT without FROM always gives one row
    return int(row[0]), int(row[1] or 0)


class ResultCache(Generic[Value]):
    """At most ``size`` results of one generation, the least recently used forgotten first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._generation: Generation | None = None
        self._results: OrderedDict[Hashable, Value] = OrderedDict()

    def get(self, now: Generation, key: Hashable) -> Value | None:
        """The result kept for ``key`` in generation ``now``, or None."""
        if now != self._generation:
            self._results.clear()
            self._generation = now
            return None
        found = self._results.get(key)
        if found is not None:
            self._results.move_to_end(key)
        return found

    def put(self, made_in: Generation, key: Hashable, value: Value) -> None:
        """Keep ``value``, made from the articles of generation ``made_in`` (if that is still the
        generation last seen: else it is dropped)."""
        if made_in != self._generation:
            return
        self._results[key] = value
        self._results.move_to_end(key)
        while len(self._results) > self._size:
            self._results.popitem(last=False)

    def __len__(self) -> int:
        return len(self._results)
