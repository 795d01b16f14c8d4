"""Chats as a whole: a group that became a supergroup keeps everything under its new id."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.convert import from_datetime
from storage.database import Database
from storage.languages import ChatLanguages

# Tables keyed by chat whose rows simply move (a row the new id already has wins), with the
# rest of each one's unique key (and of the digests' and the outbox's).
_MOVED = {
    "reminders": ("festival_id",),
    "chat_languages": (),
    "reader_filters": (),
    "festival_follows": ("festival_id",),
}
_DIGESTS_KEY = ("day",)
_OUTBOX_KEY = ("kind", "ref")


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
                "first_day, thread_id) SELECT CAST(? AS bigint), user_id, digest_time, timezone, "
                "active, last_article_id, next_due_at, inactive_reason, created_at, ?, "
                "first_day, NULL FROM subscribers WHERE chat_id = ? ON CONFLICT DO NOTHING",
                (new, from_datetime(datetime.now(UTC)), old),
            )
            await self._db.execute(*_move_unless_kept("digests", _DIGESTS_KEY, old, new))
            await self._db.execute("DELETE FROM digests WHERE chat_id = ?", (old,))
            await self._db.execute("DELETE FROM subscribers WHERE chat_id = ?", (old,))
            for table, key in _MOVED.items():
                await self._db.execute(*_move_unless_kept(table, key, old, new))
                await self._db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (old,))
            # What was waiting for the old chat goes to the new one (settled rows stay as sent).
            sql, params = _move_unless_kept("outbox", _OUTBOX_KEY, old, new)
            await self._db.execute(f"{sql} AND state = 'pending'", params)
        return moved > 0


def _move_unless_kept(
    table: str, key: tuple[str, ...], old: int, new: int
) -> tuple[str, tuple[int, ...]]:
    """An UPDATE giving ``old``'s rows of ``table`` to ``new``, but those whose ``key`` (the rest
    of the unique key) ``new`` already has: SQLite's ``UPDATE OR IGNORE``, in SQL both speak."""
    same = "".join(f" AND kept.{column} = {table}.{column}" for column in key)
    return (
        f"UPDATE {table} SET chat_id = ? WHERE chat_id = ? AND NOT EXISTS "
        f"(SELECT 1 FROM {table} AS kept WHERE kept.chat_id = ?{same})",
        (new, old, new),
    )
