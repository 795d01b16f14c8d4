"""The update journal (updates kept until handled) and the webhook's update ids already taken.

It is a small SQLite file of its own beside the database (``<database>.updates``): only the
bot's processes use it, so keeping, marking and taking updates never waits for another
process's long write.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.convert import from_datetime
from storage.database import Database, connect


@dataclass(frozen=True, slots=True)
class KeptUpdate:
    """One update as Telegram sent it (its JSON object), not handled yet."""

    update_id: int
    payload: dict[str, Any]


def _encode(update: Mapping[str, Any]) -> str:
    # Sorted keys: the same update delivered twice encodes the same, and is recognised.
    return json.dumps(update, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_SCHEMA = """
CREATE TABLE IF NOT EXISTS updates (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL,
    handled_at TEXT
);
CREATE INDEX IF NOT EXISTS updates_unhandled ON updates (update_id) WHERE handled_at IS NULL;
CREATE TABLE IF NOT EXISTS seen_updates (
    update_id INTEGER PRIMARY KEY,
    seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_updates_by_time ON seen_updates (seen_at);
"""


# Rows in one statement (3 parameters each; Telegram sends at most 100 updates a call).
_ROWS = 500


async def _keep(
    connection: aiosqlite.Connection, rows: Sequence[tuple[int, str, str]]
) -> set[int]:
    """Insert ``(update_id, payload, received_at)`` rows in one statement; the fresh ids.

    Outside a transaction the statement commits on its own: one round trip for a whole batch.
    """
    values = ", ".join("(?, ?, ?)" for _ in rows)
    found = await connection.execute_fetchall(
        f"INSERT INTO updates (update_id, payload, received_at) VALUES {values} "
        "ON CONFLICT (update_id) DO UPDATE SET payload = excluded.payload, "
        "received_at = excluded.received_at, handled_at = NULL "
        "WHERE updates.payload != excluded.payload RETURNING update_id",
        [value for row in rows for value in row],
    )
    return {int(row[0]) for row in found}


def journal_path(database: Path) -> Path:
    """Where the update journal of ``database`` lives."""
    return database.with_name(f"{database.name}.updates")


class Updates:
    """The update journal: its own file and connection."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @classmethod
    async def open(cls, path: Path) -> Updates:
        """Open (creating if need be) the journal file at ``path``."""
        connection = await connect(path)
        try:
            await connection.executescript(_SCHEMA)
        except BaseException:
            await connection.close()
            raise
        return cls(Database(connection))

    async def close(self) -> None:
        """Close the journal file."""
        await self._db.close()

    async def keep(
        self, updates: Iterable[Mapping[str, Any]], now: datetime | None = None
    ) -> set[int]:
        """Store updates not seen before; the ids of those to handle (new, or reused by Telegram).

        An id already kept with the same content is a redelivery (the crash came before the
        offset confirmed it) and is left out; with other content, Telegram reused the id (it
        does after a week without updates): it is a new update.
        """
        received = from_datetime(now or datetime.now(UTC))
        rows = [(int(update["update_id"]), _encode(update), received) for update in updates]
        if len(rows) <= _ROWS:  # always, from Telegram: one statement, atomic on its own
            return await _keep(self._db.connection, rows)
        fresh: set[int] = set()
        async with self._db.transaction() as connection:
            for start in range(0, len(rows), _ROWS):
                fresh |= await _keep(connection, rows[start : start + _ROWS])
        return fresh

    async def unhandled(self) -> list[KeptUpdate]:
        """Updates kept but not handled (a crash, SIGKILL or a handler cut short), oldest first."""
        rows = await self._db.fetch_all(
            "SELECT update_id, payload FROM updates WHERE handled_at IS NULL ORDER BY update_id"
        )
        return [KeptUpdate(int(row[0]), json.loads(row[1])) for row in rows]

    async def mark_handled(self, update_id: int, now: datetime | None = None) -> None:
        """Record that an update was handled: it is never handled again."""
        await self.mark_all_handled([update_id], now)

    async def mark_all_handled(
        self, update_ids: Sequence[int], now: datetime | None = None
    ) -> None:
        """Record that these updates were handled, in one statement per 500 (committed each)."""
        handled = from_datetime(now or datetime.now(UTC))
        for start in range(0, len(update_ids), _ROWS):
            batch = list(update_ids[start : start + _ROWS])
            await self._db.connection.execute_fetchall(
                "UPDATE updates SET handled_at = ? "
                f"WHERE update_id IN ({', '.join('?' * len(batch))})",
                [handled, *batch],
            )

    async def prune(self, before: datetime) -> int:
        """Forget updates handled before ``before``; how many."""
        return await self._db.execute(
            "DELETE FROM updates WHERE handled_at IS NOT NULL AND handled_at < ?",
            (from_datetime(before),),
        )


class SeenUpdates:
    """Webhook mode: the update ids taken, so that one delivered twice is handled once.

    In the journal's file, so that every process on the same database sees the same ids, and a
    long write to the database (a big ingest) never holds up taking an update.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    @classmethod
    async def open(cls, path: Path) -> SeenUpdates:
        """Open (creating if need be) the journal file at ``path``."""
        connection = await connect(path)
        try:
            await connection.executescript(_SCHEMA)
        except BaseException:
            await connection.close()
            raise
        return cls(Database(connection))

    async def close(self) -> None:
        """Close the file."""
        await self._db.close()

    async def take(self, update_id: int, now: datetime | None = None) -> bool:
        """Record ``update_id``; True if no process had taken it before (so: handle it)."""
        # One statement, committed on its own (atomic across processes): no BEGIN … COMMIT
        # round trips on every update. Only such single statements run on this connection.
        rows = await self._db.connection.execute_fetchall(
            "INSERT INTO seen_updates (update_id, seen_at) VALUES (?, ?) "
            "ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
            (update_id, from_datetime(now or datetime.now(UTC))),
        )
        return bool(rows)

    async def prune(self, before: datetime) -> int:
        """Forget the ids taken before ``before``; how many."""
        async with self._db.connection.execute(
            "DELETE FROM seen_updates WHERE seen_at < ?", (from_datetime(before),)
        ) as cursor:
            return cursor.rowcount
