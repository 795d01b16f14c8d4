"""The interface language each chat chose."""

from __future__ import annotations

from storage.database import Database


class ChatLanguages:
    """Repository of chat → language code (``/language``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, chat_id: int) -> str | None:
        """The language the chat chose, if it chose one."""
        value = await self._db.fetch_value(
            "SELECT language FROM chat_languages WHERE chat_id = ?", (chat_id,)
        )
        return None if value is None else str(value)

    async def set(self, chat_id: int, language: str) -> None:
        """Remember the chat's choice (a later one replaces it)."""
        await self._db.execute(
            "INSERT INTO chat_languages (chat_id, language) VALUES (?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
            (chat_id, language),
        )
