"""Guided conversations (/addfestival asked field by field): the step each one waits for and
the answers so far, kept in the database so that any replica can take the next answer.

A conversation is keyed by chat, user and name, as PTB keys its own. Every change names the
step it expects to find, so that two replicas handed two answers of one conversation at once
cannot both take theirs: the second finds the step moved and changes nothing. A conversation
untouched for ``expiry`` has lapsed: it takes no answer any more, but is still found (as lapsed)
for a day, so that its owner's next message can be told it is over; the next conversation
started (anyone's) clears away those older than that.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.convert import from_datetime, to_datetime
from storage.database import Database

EXPIRY = timedelta(hours=1)
KEPT = timedelta(days=1)  # a lapsed conversation is still found (as lapsed) this long


@dataclass(frozen=True)
class Conversation:
    """One conversation: the step it waits for, the answers so far; ``lapsed``: untouched for
    longer than the expiry, it takes no answer any more."""

    state: str
    draft: Mapping[str, str]
    updated_at: datetime
    lapsed: bool = False


@dataclass(frozen=True)
class ConversationKey:
    """Whose conversation: a user in a chat, and which one (``addfestival``)."""

    chat_id: int
    user_id: int
    name: str


class Conversations:
    """Repository of open conversations."""

    def __init__(self, db: Database, expiry: timedelta = EXPIRY) -> None:
        self._db = db
        self._expiry = expiry

    async def get(self, key: ConversationKey, now: datetime) -> Conversation | None:
        """The conversation under ``key`` (``lapsed`` if untouched for longer than the expiry),
        unless there is none, or it lapsed over a day ago."""
        row = await self._db.fetch_one(
            "SELECT state, draft, updated_at FROM conversations"
            " WHERE chat_id = ? AND user_id = ? AND name = ? AND updated_at > ?",
            (key.chat_id, key.user_id, key.name, from_datetime(now - self._expiry - KEPT)),
        )
        if row is None:
            return None
        updated_at = to_datetime(row["updated_at"])
        return Conversation(
            row["state"],
            json.loads(row["draft"]),
            updated_at,
            lapsed=updated_at <= now - self._expiry,
        )

    async def start(self, key: ConversationKey, state: str, now: datetime) -> None:
        """Open a conversation at ``state`` with no answers, replacing one under ``key``;
        conversations (anyone's) that lapsed over a day ago are cleared away."""
        async with self._db.transaction():
            await self._db.execute(
                "DELETE FROM conversations WHERE updated_at <= ?",
                (from_datetime(now - self._expiry - KEPT),),
            )
            await self._db.execute(
                "INSERT INTO conversations (chat_id, user_id, name, state, draft, updated_at)"
                " VALUES (?, ?, ?, ?, '{}', ?)"
                " ON CONFLICT (chat_id, user_id, name) DO UPDATE"
                " SET state = excluded.state, draft = '{}', updated_at = excluded.updated_at",
                (key.chat_id, key.user_id, key.name, state, from_datetime(now)),
            )

    async def advance(
        self,
        key: ConversationKey,
        expected: str,
        state: str,
        draft: Mapping[str, str],
        now: datetime,
    ) -> bool:
        """Move the conversation from ``expected`` to ``state`` with ``draft``; False (nothing
        changed) when it is not at ``expected`` any more, or has lapsed, or is over."""
        changed = await self._db.execute(
            "UPDATE conversations SET state = ?, draft = ?, updated_at = ?"
            " WHERE chat_id = ? AND user_id = ? AND name = ? AND state = ? AND updated_at > ?",
            (
                state,
                json.dumps(dict(draft), ensure_ascii=False),
                from_datetime(now),
                key.chat_id,
                key.user_id,
                key.name,
                expected,
                from_datetime(now - self._expiry),
            ),
        )
        return changed > 0

    async def end(self, key: ConversationKey, expected: str | None = None) -> bool:
        """Close the conversation, lapsed or not (only if at ``expected``, when given); whether
        there was one."""
        sql = "DELETE FROM conversations WHERE chat_id = ? AND user_id = ? AND name = ?"
        params: tuple[int | str, ...] = (key.chat_id, key.user_id, key.name)
        if expected is not None:
            sql, params = f"{sql} AND state = ?", (*params, expected)
        return await self._db.execute(sql, params) > 0
