"""Digest subscribers, their schedule (the UTC instant of the next digest) and digests done."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from storage import checkpoints
from storage.convert import from_date, from_datetime, to_date, to_datetime
from storage.database import Database, Dialect, Row
from storage.errors import NotFound

PAUSED = "paused"
# Digest records the tidy forgets per statement: each batch holds the shared connection briefly.
PRUNE_BATCH = 200

_COLUMNS = (
    "chat_id, user_id, digest_time, timezone, active, last_article_id, next_due_at, "
    "inactive_reason, created_at, first_day, thread_id, language"
)
_DUE = (
    f"SELECT {_COLUMNS} FROM subscribers "
    "WHERE active = 1 AND next_due_at <= ? ORDER BY next_due_at LIMIT ?"
)
_DUE_PICK = {
    # Writers take turns: a second composer's transaction begins after the first one's commit,
    # and reads the schedule it moved on.
    Dialect.SQLITE: _DUE,
    # Transactions run side by side: the rows a composer's open transaction picked are locked
    # until it commits, and another composer passes over them (then finds them moved on).
    Dialect.POSTGRES: f"{_DUE} FOR UPDATE SKIP LOCKED",
}


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A chat that receives the daily digest at ``digest_time`` in ``timezone`` (IANA name)."""

    chat_id: int
    user_id: int | None
    digest_time: time
    timezone: str
    active: bool
    last_article_id: int  # the newest article already covered
    next_due_at: datetime | None  # UTC; None when inactive
    inactive_reason: str | None
    created_at: datetime
    # Until the first digest: articles stored before subscribing count only if dated from then.
    first_day: date | None = None
    # The forum topic the digest goes to (where the chat subscribed); None: the chat itself.
    thread_id: int | None = None
    # The language of the subscriber's Telegram app when they subscribed (where we speak it):
    # what they get until the chat chooses one with /language; None: English.
    language: str | None = None

    @property
    def paused(self) -> bool:
        """Stopped with the settings' pause button (kept, to resume as it was)."""
        return not self.active and self.inactive_reason == PAUSED


@dataclass(frozen=True, slots=True)
class DigestRecord:
    """The digest of one chat for one local day; ``articles`` 0 means nothing was sent."""

    chat_id: int
    day: date
    last_article_id: int
    articles: int


def _subscriber(row: Row) -> Subscriber:
    return Subscriber(
        chat_id=row["chat_id"],
        user_id=row["user_id"],
        digest_time=time.fromisoformat(row["digest_time"]),
        timezone=row["timezone"],
        active=bool(row["active"]),
        last_article_id=row["last_article_id"],
        next_due_at=None if row["next_due_at"] is None else to_datetime(row["next_due_at"]),
        inactive_reason=row["inactive_reason"],
        created_at=to_datetime(row["created_at"]),
        first_day=None if row["first_day"] is None else to_date(row["first_day"]),
        thread_id=row["thread_id"],
        language=row["language"],
    )


class Subscribers:
    """Repository of subscribers and of the digests sent to them."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._due = _DUE_PICK[db.dialect]

    async def subscribe(
        self,
        chat_id: int,
        user_id: int | None,
        digest_time: time,
        timezone: str,
        next_due_at: datetime,
        last_article_id: int,
        first_day: date | None = None,
        thread_id: int | None = None,
        language: str | None = None,
    ) -> tuple[Subscriber, bool]:
        """Subscribe a chat, or change its time and zone; True if it was not subscribed before.

        ``last_article_id`` and ``first_day`` (where its first digest starts) apply to a new (or
        returning) subscriber only: one who merely changes the time keeps theirs, so no article
        is skipped or repeated.
        """
        async with self._db.transaction():
            before = await self._db.fetch_one(
                "SELECT active FROM subscribers WHERE chat_id = ?", (chat_id,)
            )
            row = await self._db.fetch_one(
                f"""
                INSERT INTO subscribers
                    (chat_id, user_id, digest_time, timezone, last_article_id, next_due_at,
                     first_day, thread_id, language)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (chat_id) DO UPDATE SET
                    user_id = excluded.user_id,
                    digest_time = excluded.digest_time,
                    timezone = excluded.timezone,
                    last_article_id = CASE WHEN subscribers.active = 1
                        THEN subscribers.last_article_id ELSE excluded.last_article_id END,
                    first_day = CASE WHEN subscribers.active = 1 THEN subscribers.first_day
                        ELSE excluded.first_day END,
                    next_due_at = excluded.next_due_at,
                    thread_id = excluded.thread_id,
                    language = COALESCE(excluded.language, subscribers.language),
                    active = 1,
                    inactive_reason = NULL,
                    updated_at = ?
                RETURNING {_COLUMNS}
                """,
                (
                    chat_id,
                    user_id,
                    digest_time.strftime("%H:%M"),
                    timezone,
                    last_article_id,
                    from_datetime(next_due_at),
                    None if first_day is None else from_date(first_day),
                    thread_id,
                    language,
                    from_datetime(datetime.now(UTC)),
                ),
            )
        assert row is not None
        return _subscriber(row), before is None or not before["active"]

    async def deactivate(self, chat_id: int, reason: str) -> bool:
        """Stop a chat's digests (unsubscribed, blocked the bot…); True if it was active."""
        changed = await self._db.execute(
            "UPDATE subscribers SET active = 0, next_due_at = NULL, inactive_reason = ?, "
            "updated_at = ? WHERE chat_id = ? AND active = 1",
            (reason, from_datetime(datetime.now(UTC)), chat_id),
        )
        return changed > 0

    async def find(self, chat_id: int) -> Subscriber | None:
        """A chat's subscription (active or not), or None if it never subscribed."""
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM subscribers WHERE chat_id = ?", (chat_id,)
        )
        return None if row is None else _subscriber(row)

    async def get(self, chat_id: int) -> Subscriber:
        """A chat's subscription; ``NotFound`` if it never subscribed."""
        found = await self.find(chat_id)
        if found is None:
            raise NotFound(f"chat {chat_id} never subscribed")
        return found

    async def due(self, now: datetime, limit: int) -> list[Subscriber]:
        """Active subscribers whose next digest is due by ``now``, longest overdue first.

        Inside a transaction that moves their schedule on, a subscriber is picked by one
        composer at a time: another one running at once does not pick it as well."""
        rows = await self._db.fetch_all(self._due, (from_datetime(now), limit))
        return [_subscriber(row) for row in rows]

    async def count(self, *, active: bool = True) -> int:
        """How many subscribers are active (or inactive), as kept by the schema's triggers."""
        name = "subscribers active" if active else "subscribers inactive"
        return int(await self._db.fetch_value("SELECT value FROM counts WHERE name = ?", (name,)))

    async def active_chat_ids(self, *, missing_article: int | None = None) -> list[int]:
        """The chats of every active subscriber (for a broadcast).

        With ``missing_article``, only those whose digests have not covered that article yet.
        """
        rows = await self._db.fetch_all(
            "SELECT chat_id FROM subscribers WHERE active = 1 AND last_article_id < ? "
            "ORDER BY chat_id",
            (2**63 - 1 if missing_article is None else missing_article,),
        )
        return [row[0] for row in rows]

    async def digested(self, pairs: Iterable[tuple[int, date]]) -> set[tuple[int, date]]:
        """Which of these (chat, local day) pairs already have their digest."""
        wanted = list(pairs)
        if not wanted:
            return set()
        chats = sorted({chat_id for chat_id, _ in wanted})
        days = sorted({day.isoformat() for _, day in wanted})
        rows = await self._db.fetch_all(
            f"SELECT chat_id, day FROM digests WHERE chat_id IN ({_marks(chats)}) "
            f"AND day IN ({_marks(days)})",
            [*chats, *days],
        )
        found = {(int(row["chat_id"]), to_date(row["day"])) for row in rows}
        return {pair for pair in wanted if pair in found}

    async def record_digests(self, records: Sequence[DigestRecord]) -> None:
        """Record digests as done and move each chat's watermark past what they covered."""
        async with self._db.transaction():
            await self._db.execute_many(
                "INSERT INTO digests (chat_id, day, last_article_id, articles) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (chat_id, day) DO NOTHING",
                [(r.chat_id, from_date(r.day), r.last_article_id, r.articles) for r in records],
            )
            await self._db.execute_many(
                "UPDATE subscribers SET last_article_id = CASE WHEN last_article_id < ? "
                "THEN ? ELSE last_article_id END, first_day = NULL WHERE chat_id = ?",
                [(r.last_article_id, r.last_article_id, r.chat_id) for r in records],
            )

    async def reschedule(self, schedule: Sequence[tuple[int, datetime]]) -> None:
        """Set the next digest instant of these (active) chats."""
        async with self._db.transaction():
            await self._db.execute_many(
                "UPDATE subscribers SET next_due_at = ? WHERE chat_id = ? AND active = 1",
                [(from_datetime(when), chat_id) for chat_id, when in schedule],
            )

    async def last_digest(self, chat_id: int) -> DigestRecord | None:
        """The most recent digest of a chat (sent or with nothing new), if any."""
        row = await self._db.fetch_one(
            "SELECT chat_id, day, last_article_id, articles FROM digests "
            "WHERE chat_id = ? ORDER BY day DESC LIMIT 1",
            (chat_id,),
        )
        if row is None:
            return None
        return DigestRecord(
            row["chat_id"], date.fromisoformat(row["day"]), row["last_article_id"], row["articles"]
        )

    async def forget_digests(self, before: date, *, batch: int = PRUNE_BATCH) -> int:
        """Forget the digest records of days before ``before``, ``batch`` at a time so readers
        get the connection in between; returns how many."""
        forgotten = 0
        async with checkpoints.elsewhere(self._db) as checkpoint:
            while True:
                deleted = await self._db.execute(
                    "DELETE FROM digests WHERE (chat_id, day) IN (SELECT chat_id, day "
                    "FROM digests WHERE day < ? LIMIT ?)",
                    (from_date(before), batch),
                )
                forgotten += deleted
                await checkpoint()
                if deleted < batch:
                    return forgotten

    async def digests_on(self, day: date) -> int:
        """How many digests were recorded for one local day (sent or empty)."""
        return int(
            await self._db.fetch_value(
                "SELECT count(*) FROM digests WHERE day = ?", (from_date(day),)
            )
        )


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))
