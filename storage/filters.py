"""What each chat chose to receive: countries and topics (bit sets), words, festivals followed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from storage.database import Database

_MAX_PARAMS = 900  # chat ids per query, under SQLite's limit of variables


class Words(StrEnum):
    """The two lists of typed words."""

    INCLUDE = "include"
    EXCLUDE = "exclude"


class Facet(StrEnum):
    """The two bit sets."""

    COUNTRIES = "countries"
    TOPICS = "topics"


@dataclass(frozen=True, slots=True)
class ReaderFilter:
    """A chat's choice; zero bits and empty lists mean "any" (everything is the default)."""

    chat_id: int
    countries: int = 0
    topics: int = 0
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    festivals: frozenset[int] = field(default_factory=frozenset)

    @property
    def everything(self) -> bool:
        """Whether this chat receives everything (nothing chosen)."""
        return not (self.countries or self.topics or self.include or self.exclude)

    @property
    def narrows(self) -> bool:
        """Whether the choice leaves anything out (festivals followed alone add nothing)."""
        return not self.everything


def _marks(count: int) -> str:
    return ", ".join("?" * count)


class ReaderFilters:
    """Repository of the chats' filters and followed festivals."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, chat_id: int) -> ReaderFilter:
        """A chat's filter (the default, everything, when it never chose)."""
        return (await self.many([chat_id])).get(chat_id) or ReaderFilter(chat_id)

    async def many(self, chat_ids: Sequence[int]) -> dict[int, ReaderFilter]:
        """The filters of these chats that chose anything (chats with none are left out)."""
        found: dict[int, ReaderFilter] = {}
        for start in range(0, len(chat_ids), _MAX_PARAMS):
            chunk = list(chat_ids[start : start + _MAX_PARAMS])
            found |= await self._load(f"IN ({_marks(len(chunk))})", chunk)
        return found

    async def narrowing(self) -> dict[int, ReaderFilter]:
        """Every chat whose filter leaves something out (a publish-now fan-out's question)."""
        rows = await self._db.fetch_all(
            "SELECT chat_id FROM reader_filters WHERE countries != 0 OR topics != 0 "
            "OR include != '[]' OR exclude != '[]'"
        )
        return await self.many([row[0] for row in rows])

    async def _load(self, where: str, params: list[int]) -> dict[int, ReaderFilter]:
        rows = await self._db.fetch_all(
            "SELECT chat_id, countries, topics, include, exclude FROM reader_filters "
            f"WHERE chat_id {where}",
            params,
        )
        follows = await self._db.fetch_all(
            f"SELECT chat_id, festival_id FROM festival_follows WHERE chat_id {where}", params
        )
        festivals: dict[int, set[int]] = {}
        for row in follows:
            festivals.setdefault(row[0], set()).add(row[1])
        found = {
            row[0]: ReaderFilter(
                row[0],
                row[1],
                row[2],
                tuple(json.loads(row[3])),
                tuple(json.loads(row[4])),
                frozenset(festivals.get(row[0], ())),
            )
            for row in rows
        }
        for chat_id, followed in festivals.items():
            found.setdefault(chat_id, ReaderFilter(chat_id, festivals=frozenset(followed)))
        return {chat_id: f for chat_id, f in found.items() if f.narrows or f.festivals}

    async def toggle(self, chat_id: int, facet: Facet, bit: int) -> ReaderFilter:
        """Tick or untick one country or topic."""
        column = facet.value  # one of two fixed names, never user text
        await self._db.execute(
            f"INSERT INTO reader_filters (chat_id, {column}) VALUES (?, ?) "
            # SQLite has no XOR: (a | b) - (a & b) flips the bit.
            f"ON CONFLICT (chat_id) DO UPDATE SET {column} = "
            f"(reader_filters.{column} | excluded.{column}) "
            f"- (reader_filters.{column} & excluded.{column})",
            (chat_id, bit),
        )
        return await self.get(chat_id)

    async def set_words(self, chat_id: int, which: Words, words: Sequence[str]) -> ReaderFilter:
        """Replace the words to include or to exclude."""
        column = which.value
        await self._db.execute(
            f"INSERT INTO reader_filters (chat_id, {column}) VALUES (?, ?) "
            f"ON CONFLICT (chat_id) DO UPDATE SET {column} = excluded.{column}",
            (chat_id, json.dumps(list(words), ensure_ascii=False)),
        )
        return await self.get(chat_id)

    async def reset(self, chat_id: int) -> None:
        """Back to everything (the festivals followed are kept: they are the cards' buttons)."""
        await self._db.execute("DELETE FROM reader_filters WHERE chat_id = ?", (chat_id,))

    async def follow(self, chat_id: int, festival_id: int, *, on: bool) -> None:
        """Follow a festival in a chat, or stop following it."""
        if on:
            await self._db.execute(
                "INSERT INTO festival_follows (chat_id, festival_id) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING",
                (chat_id, festival_id),
            )
        else:
            await self._db.execute(
                "DELETE FROM festival_follows WHERE chat_id = ? AND festival_id = ?",
                (chat_id, festival_id),
            )

    async def follows(self, chat_id: int, festival_id: int) -> bool:
        """Whether a chat follows a festival."""
        return bool(
            await self._db.fetch_value(
                "SELECT 1 FROM festival_follows WHERE chat_id = ? AND festival_id = ?",
                (chat_id, festival_id),
            )
        )
