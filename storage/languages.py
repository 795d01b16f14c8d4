"""The interface language each chat chose."""

from __future__ import annotations

from collections.abc import Sequence

from storage.database import Database
from storage.recent import Recent

_BATCH = 500  # chat ids in one query (SQLite allows some 32k parameters; stay well under)
# Every update needs its chat's language: the choices of recent chats are kept in memory, so
# that a chat writing again costs no round trip to the database. A choice written through this
# store is read anew at once; one written by another process (a replica) is seen after at most
# CACHE_SECONDS.
CACHE_CHATS = 10_000
CACHE_SECONDS = 5.0


class ChatLanguages:
    """Repository of chat → language code (``/language``)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        # chat id → its choice, or "" for a chat that chose none
        self._recent: Recent[int, str] = Recent(CACHE_CHATS, CACHE_SECONDS)

    async def get(self, chat_id: int) -> str | None:
        """The language the chat chose, if it chose one."""
        cached = self._recent.get(chat_id)
        if cached is None:
            reading = self._recent.reading()
            value = await self._db.fetch_value(
                "SELECT language FROM chat_languages WHERE chat_id = ?", (chat_id,)
            )
            cached = "" if value is None else str(value)
            self._recent.keep(chat_id, cached, reading)
        return cached or None

    def forget(self, *chat_ids: int) -> None:
        """Read these chats' choices anew next time (their rows were written)."""
        if chat_ids:
            self._recent.forget(*chat_ids)

    async def get_many(self, chat_ids: Sequence[int]) -> dict[int, str]:
        """The languages those chats chose (a chat that chose none is left out)."""
        found: dict[int, str] = {}
        for start in range(0, len(chat_ids), _BATCH):
            batch = list(chat_ids[start : start + _BATCH])
            marks = ", ".join("?" * len(batch))
            rows = await self._db.fetch_all(
                f"SELECT chat_id, language FROM chat_languages WHERE chat_id IN ({marks})", batch
            )
            found.update((int(row[0]), str(row[1])) for row in rows)
        return found

    async def of_subscribers(self, chat_ids: Sequence[int]) -> dict[int, str]:
        """The language each subscribed chat gets: its choice, else its app's when it subscribed
        (a chat with neither is left out)."""
        found: dict[int, str] = {}
        for start in range(0, len(chat_ids), _BATCH):
            batch = list(chat_ids[start : start + _BATCH])
            marks = ", ".join("?" * len(batch))
            rows = await self._db.fetch_all(
                "SELECT s.chat_id, COALESCE(c.language, s.language) FROM subscribers AS s "
                "LEFT JOIN chat_languages AS c ON c.chat_id = s.chat_id "
                f"WHERE s.chat_id IN ({marks}) AND COALESCE(c.language, s.language) IS NOT NULL",
                batch,
            )
            found.update((int(row[0]), str(row[1])) for row in rows)
        return found

    async def set(self, chat_id: int, language: str) -> None:
        """Remember the chat's choice (a later one replaces it)."""
        try:
            await self._db.execute(
                "INSERT INTO chat_languages (chat_id, language) VALUES (?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
                (chat_id, language),
            )
        finally:
            self.forget(chat_id)
