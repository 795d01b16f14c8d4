"""The outbox: messages to many chats (digests, broadcasts), each sent once and accounted for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage import checkpoints
from storage.convert import from_datetime, to_datetime
from storage.database import Database, Dialect, Row


class OutboxState(StrEnum):
    """Where a message is: waiting, on the wire, or done one way or another."""

    PENDING = "pending"
    SENDING = "sending"  # recorded before the HTTP call: the one in flight if we crash
    SENT = "sent"
    BLOCKED = "blocked"  # the chat blocked the bot, was deactivated or does not exist
    FAILED = "failed"  # refused by Telegram, or network errors past the last retry
    UNCERTAIN = "uncertain"  # timed out: it may have arrived, so it is not sent again


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to queue: its chat, its Telegram HTML and an optional reply markup (JSON)."""

    chat_id: int
    text: str
    reply_markup: str | None = None
    # The forum topic; None: the chat's subscription's topic, if it has one.
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A queued message."""

    id: int
    kind: str
    ref: str
    chat_id: int
    text: str
    reply_markup: str | None
    state: OutboxState
    attempts: int
    not_before: datetime
    thread_id: int | None = None  # the forum topic it goes to


@dataclass(frozen=True, slots=True)
class OutboxReport:
    """How the messages of one fan-out (or of all) stand."""

    pending: int = 0
    sending: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    uncertain: int = 0

    @property
    def total(self) -> int:
        """Every message, whatever its state."""
        return (
            self.pending + self.sending + self.sent + self.blocked + self.failed + self.uncertain
        )

    @property
    def done(self) -> bool:
        """True when nothing is left to send."""
        return self.pending == 0 and self.sending == 0


# Chat ids per query: SQLite allows 32,766 parameters; a compose batch is 500 chats.
_MAX_PARAMS = 1000
# Rows the tidy forgets per statement: each batch holds the shared connection a few ms.
PRUNE_BATCH = 200
_COLUMNS = "id, kind, ref, chat_id, text, reply_markup, state, attempts, not_before, thread_id"
_CLAIM = {
    Dialect.SQLITE: "UPDATE outbox SET state = 'sending', attempts = attempts + 1 "
    "WHERE id = ? AND state = 'pending'",
    # A row another sender's transaction is claiming is skipped at once: without SKIP LOCKED
    # this sender would wait for that commit (then find the row taken).
    Dialect.POSTGRES: "UPDATE outbox SET state = 'sending', attempts = attempts + 1 "
    "WHERE id = (SELECT id FROM outbox WHERE id = ? AND state = 'pending' "
    "FOR UPDATE SKIP LOCKED)",
}


def _message(row: Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        kind=row["kind"],
        ref=row["ref"],
        chat_id=row["chat_id"],
        text=row["text"],
        reply_markup=row["reply_markup"],
        state=OutboxState(row["state"]),
        attempts=row["attempts"],
        not_before=to_datetime(row["not_before"]),
        thread_id=row["thread_id"],
    )


class Outbox:
    """Repository of queued messages."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self, kind: str, ref: str, messages: Iterable[Outgoing], not_before: datetime
    ) -> int:
        """Queue messages; a (kind, ref, chat) already queued is kept as it is. Returns how many
        were new, so queueing the same fan-out twice sends it once."""
        return await self._db.execute_many(
            "INSERT INTO outbox (kind, ref, chat_id, text, reply_markup, not_before, "
            "thread_id) VALUES (?, ?, ?, ?, ?, ?, coalesce(?, "
            "(SELECT thread_id FROM subscribers WHERE chat_id = ?))) "
            "ON CONFLICT (kind, ref, chat_id) DO NOTHING",
            [
                (
                    kind,
                    ref,
                    m.chat_id,
                    m.text,
                    m.reply_markup,
                    from_datetime(not_before),
                    m.thread_id,
                    m.chat_id,
                )
                for m in messages
            ],
        )

    async def ready(self, now: datetime, limit: int) -> list[OutboxMessage]:
        """Pending messages whose time has come, oldest first (read without locks: one that
        another sender takes meanwhile is then refused by ``claim``)."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM outbox WHERE state = 'pending' AND not_before <= ? "
            "ORDER BY not_before, id LIMIT ?",
            (from_datetime(now), limit),
        )
        return [_message(row) for row in rows]

    async def next_retry_at(self) -> datetime | None:
        """When the earliest pending message may go, or None when nothing is pending."""
        value = await self._db.fetch_value(
            "SELECT min(not_before) FROM outbox WHERE state = 'pending'"
        )
        return None if value is None else to_datetime(value)

    async def claim(self, message_id: int) -> bool:
        """Mark a pending message as in flight (committed before it is sent); False if it is
        not pending any more, or another sender is taking it right now."""
        changed = await self._db.execute(_CLAIM[self._db.dialect], (message_id,))
        return changed > 0

    async def mark_sent(self, message_id: int, telegram_id: int | None, at: datetime) -> None:
        """Telegram accepted the message."""
        await self._db.execute(
            "UPDATE outbox SET state = 'sent', message_id = ?, sent_at = ?, error = NULL "
            "WHERE id = ?",
            (telegram_id, from_datetime(at), message_id),
        )

    async def retry_later(self, message_id: int, not_before: datetime, error: str) -> None:
        """Put an in-flight message back in the queue, to go at ``not_before``."""
        await self._db.execute(
            "UPDATE outbox SET state = 'pending', not_before = ?, error = ? WHERE id = ?",
            (from_datetime(not_before), error, message_id),
        )

    async def redirect(self, message_id: int, chat_id: int) -> None:
        """Send a message to the chat its chat became (a group migrated to a supergroup);
        one already queued there is kept instead."""
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE outbox SET chat_id = ?, state = 'pending' WHERE id = ? AND NOT EXISTS "
                "(SELECT 1 FROM outbox AS kept WHERE kept.kind = outbox.kind "
                "AND kept.ref = outbox.ref AND kept.chat_id = ? AND kept.id != outbox.id)",
                (chat_id, message_id, chat_id),
            )
            await self._db.execute(
                "UPDATE outbox SET state = 'failed', error = 'chat migrated' "
                "WHERE id = ? AND chat_id != ?",
                (message_id, chat_id),
            )

    async def requeue(self, kind: str, ref: str, chat_id: int) -> bool:
        """Queue again a message that failed or was refused (an admin's retry); False when
        it is not one of those (queued, on its way or sent)."""
        changed = await self._db.execute(
            "UPDATE outbox SET state = 'pending', error = NULL WHERE kind = ? AND ref = ? "
            "AND chat_id = ? AND state IN ('failed', 'blocked')",
            (kind, ref, chat_id),
        )
        return changed > 0

    async def give_up(self, message_id: int, state: OutboxState, error: str) -> None:
        """Settle a message that will not be sent (again): blocked, failed or uncertain."""
        await self._db.execute(
            "UPDATE outbox SET state = ?, error = ? WHERE id = ?",
            (state.value, error, message_id),
        )

    async def recover(self) -> int:
        """Requeue the messages left in flight by a sender that died; returns how many.

        Only call this holding the sender lock: a live sender's in-flight messages are its own.
        """
        return await self._db.execute(
            "UPDATE outbox SET state = 'pending', error = 'in flight when the sender stopped' "
            "WHERE state = 'sending'"
        )

    async def report(self, kind: str | None = None, ref: str | None = None) -> OutboxReport:
        """Counts by state of one fan-out (``kind`` and ``ref``), of one kind, or of all."""
        if kind is None:
            params: tuple[str, ...] = ()
            sql = "SELECT state, count(*) FROM outbox GROUP BY state"
        elif ref is None:
            sql = "SELECT state, count(*) FROM outbox WHERE kind = ? GROUP BY state"
            params = (kind,)
        else:
            sql = "SELECT state, count(*) FROM outbox WHERE kind = ? AND ref = ? GROUP BY state"
            params = (kind, ref)
        rows = await self._db.fetch_all(sql, params)
        return OutboxReport(**{row[0]: row[1] for row in rows})

    async def sent_since(self, kind: str, since: datetime) -> int:
        """How many messages of one kind Telegram accepted from ``since``'s minute on (kept
        counts by the minute: a day of digests is not read row by row)."""
        return int(
            await self._db.fetch_value(
                "SELECT coalesce(sum(sent), 0) FROM sent_counts WHERE kind = ? AND minute >= ?",
                (kind, from_datetime(since)[:16]),
            )
        )

    async def prune(self, before: datetime, *, batch: int = PRUNE_BATCH) -> int:
        """Forget settled messages queued before ``before`` (their texts add up), and their
        counts, ``batch`` at a time so readers get the connection in between; returns how
        many. Pending and in-flight ones stay, however old."""
        cutoff = from_datetime(before)
        forgotten = 0
        async with checkpoints.elsewhere(self._db) as checkpoint:
            while True:
                deleted = await self._db.execute(
                    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox "
                    "WHERE not_before < ? AND state NOT IN ('pending', 'sending') LIMIT ?)",
                    (cutoff, batch),
                )
                forgotten += deleted
                await checkpoint()
                if deleted < batch:
                    break
        await self._db.execute("DELETE FROM sent_counts WHERE minute < ?", (cutoff[:16],))
        return forgotten

    async def reached(self, kind: str, chat_ids: Sequence[int]) -> dict[int, set[str]]:
        """The refs of one kind's messages that reached, or may have reached, each of these
        chats (any state but blocked or failed); chats with none are left out."""
        reached: dict[int, set[str]] = {}
        for start in range(0, len(chat_ids), _MAX_PARAMS):
            chunk = chat_ids[start : start + _MAX_PARAMS]
            rows = await self._db.fetch_all(
                "SELECT chat_id, ref FROM outbox WHERE kind = ? "
                f"AND chat_id IN ({', '.join('?' * len(chunk))}) "
                "AND state NOT IN ('blocked', 'failed')",
                (kind, *chunk),
            )
            for row in rows:
                reached.setdefault(row["chat_id"], set()).add(row["ref"])
        return reached

    async def get(self, kind: str, ref: str, chat_id: int) -> OutboxMessage | None:
        """One queued message, if there is one."""
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM outbox WHERE kind = ? AND ref = ? AND chat_id = ?",
            (kind, ref, chat_id),
        )
        return None if row is None else _message(row)
