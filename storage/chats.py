"""Chats as a whole: a group that became a supergroup keeps everything under its new id."""

from __future__ import annotations

from storage.database import Database
from storage.languages import ChatLanguages

# Tables keyed by chat whose rows simply move (a row the new id already has wins).
_MOVED = ("reminders", "chat_languages", "reader_filters", "festival_follows")


class Chats:
    """What spans every table of a chat."""

    def __init__(self, db: Database, languages: ChatLanguages) -> None:
        self._db = db
        self._languages = languages  # its memory of the chats' choices follows the move

    async def move(self, old: int, new: int) -> bool:
        """Give everything of chat ``old`` to chat ``new`` (Telegram's ``migrate_to_chat_id``):
        its subscription and digest record, choices, reminders and the messages still queued.
        Returns whether it had a subscription. A no-op when ``old`` has nothing."""
        try:
            return await self._move(old, new)
        finally:
            self._languages.forget(old, new)

    async def _move(self, old: int, new: int) -> bool:
        async with self._db.transaction():
            # The digest records point at the subscriber: copy it, move them, drop the old one.
            moved = await self._db.execute(
                "INSERT INTO subscribers (chat_id, user_id, digest_time, timezone, "
                "active, last_article_id, next_due_at, inactive_reason, created_at, updated_at, "
                "first_day, thread_id) SELECT ?, user_id, digest_time, timezone, active, "
                "last_article_id, next_due_at, inactive_reason, created_at, "
                "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), first_day, NULL "
                "FROM subscribers WHERE chat_id = ? ON CONFLICT DO NOTHING",
                (new, old),
            )
            await self._db.execute(
                "UPDATE OR IGNORE digests SET chat_id = ? WHERE chat_id = ?", (new, old)
            )
            await self._db.execute("DELETE FROM digests WHERE chat_id = ?", (old,))
            await self._db.execute("DELETE FROM subscribers WHERE chat_id = ?", (old,))
            for table in _MOVED:
                await self._db.execute(
                    f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?", (new, old)
                )
                await self._db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (old,))
            # What was waiting for the old chat goes to the new one (settled rows stay as sent).
            await self._db.execute(
                "UPDATE OR IGNORE outbox SET chat_id = ? WHERE chat_id = ? AND state = 'pending'",
                (new, old),
            )
        return moved > 0
