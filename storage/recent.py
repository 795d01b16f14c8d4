"""Reads kept in memory for a few seconds: per process, dropped at once on this process's writes.

A read that began before a write ended is not kept (its rows may predate the write), so a
repository only has to call ``forget`` after each write. Another process's writes (a replica, a
``filmnews ingest``) are seen once the entry expires, after at most ``seconds``.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

from cachetools import TTLCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    """A small bounded cache of reads, with an expiry and a write generation."""

    def __init__(self, size: int, seconds: float) -> None:
        self._entries: TTLCache[K, V] = TTLCache(size, seconds)
        self._generation = 0

    def get(self, key: K) -> V | None:
        """The value kept for ``key``, if any and still fresh."""
        return self._entries.get(key)

    def reading(self) -> int:
        """Call before reading the database; pass the result to ``keep``."""
        return self._generation

    def keep(self, key: K, value: V, reading: int) -> None:
        """Keep a value read since ``reading()``, unless something was written meanwhile."""
        if reading == self._generation:
            self._entries[key] = value

    def forget(self, *keys: K) -> None:
        """Drop these keys (every key when none are named): their rows were written."""
        self._generation += 1
        if not keys:
            self._entries.clear()
        for key in keys:
            self._entries.pop(key, None)
