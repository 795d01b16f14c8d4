"""The update journal: updates kept until handled, each with the process that answers for it.

It is a small SQLite file of its own beside the database (``<database>.updates``): only the
bot's processes use it, so keeping, marking and taking updates never waits for another
process's long write. Long polling keeps each fetched batch; webhook mode takes each update as
it arrives, which also makes an update delivered twice (to any process on the file) handled once.
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
from storage.database import SqliteDatabase, connect


@dataclass(frozen=True, slots=True)
class KeptUpdate:
    """One update as Telegram sent it (its JSON object), not handled yet."""

    update_id: int
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Owner:
    """The process that answers for an update: its pid and start time (seconds since epoch)."""

    pid: int
    started: float


def _encode(update: Mapping[str, Any]) -> str:
    # Sorted keys: the same update delivered twice encodes the same, and is recognised.
    return json.dumps(update, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_SCHEMA = """
CREATE TABLE IF NOT EXISTS updates (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL,
    handled_at TEXT,
    owner_pid INTEGER,
    owner_started REAL
);
CREATE INDEX IF NOT EXISTS updates_unhandled ON updates (update_id) WHERE handled_at IS NULL;
"""

# A journal made before updates had owners: its unhandled ones have none (anyone may replay
# them), and the webhook's former table of ids taken goes (the updates table took its place).
_UPGRADE = """
ALTER TABLE updates ADD COLUMN owner_pid INTEGER;
ALTER TABLE updates ADD COLUMN owner_started REAL;
DROP TABLE IF EXISTS seen_updates;
"""

# Rows in one statement (5 parameters each; Telegram sends at most 100 updates a call).
_ROWS = 150

Row = tuple[int, str, str, int | None, float | None]


async def _keep(connection: aiosqlite.Connection, rows: Sequence[Row]) -> set[int]:
    """Insert ``(update_id, payload, received_at, pid, started)`` rows in one statement; the
    fresh ids.

    Outside a transaction the statement commits on its own: one round trip for a whole batch.
    """
    values = ", ".join("(?, ?, ?, ?, ?)" for _ in rows)
    found = await connection.execute_fetchall(
        "INSERT INTO updates (update_id, payload, received_at, owner_pid, owner_started) "
        f"VALUES {values} "
        "ON CONFLICT (update_id) DO UPDATE SET payload = excluded.payload, "
        "received_at = excluded.received_at, handled_at = NULL, "
        "owner_pid = excluded.owner_pid, owner_started = excluded.owner_started "
        "WHERE updates.payload != excluded.payload RETURNING update_id",
        [value for row in rows for value in row],
    )
    return {int(row[0]) for row in found}


def journal_path(database: Path) -> Path:
    """Where the update journal of ``database`` lives."""
    return database.with_name(f"{database.name}.updates")


def _owner_of(owner: Owner | None) -> tuple[int | None, float | None]:
    return (None, None) if owner is None else (owner.pid, owner.started)


class Updates:
    """The update journal: its own file and connection.

    Every write is one statement committed on its own (atomic across processes, and one round
    trip); the only transaction is a batch of over 150 updates, which Telegram never sends.
    """

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    @classmethod
    async def open(cls, path: Path) -> Updates:
        """Open (creating or upgrading if need be) the journal file at ``path``."""
        connection = await connect(path)
        db = SqliteDatabase(connection)
        try:
            await connection.executescript(_SCHEMA)
            async with db.transaction():  # two processes may open an old file at once
                columns = await connection.execute_fetchall("PRAGMA table_info(updates)")
                if "owner_pid" not in {row[1] for row in columns}:
                    for statement in filter(None, map(str.strip, _UPGRADE.split(";"))):
                        await connection.execute(statement)
        except BaseException:
            await connection.close()
            raise
        return cls(db)

    async def close(self) -> None:
        """Close the journal file."""
        await self._db.close()

    async def keep(
        self,
        updates: Iterable[Mapping[str, Any]],
        now: datetime | None = None,
        owner: Owner | None = None,
    ) -> set[int]:
        """Store updates not seen before; the ids of those to handle (new, or reused by Telegram).

        An id already kept with the same content is a redelivery (the crash came before the
        offset confirmed it) and is left out; with other content, Telegram reused the id (it
        does after a week without updates): it is a new update.
        """
        received = from_datetime(now or datetime.now(UTC))
        rows = [
            (int(update["update_id"]), _encode(update), received, *_owner_of(owner))
            for update in updates
        ]
        if len(rows) <= _ROWS:  # always, from Telegram: one statement, atomic on its own
            return await _keep(self._db.connection, rows)
        fresh: set[int] = set()
        async with self._db.transaction():
            for start in range(0, len(rows), _ROWS):
                fresh |= await _keep(self._db.connection, rows[start : start + _ROWS])
        return fresh

    async def take(
        self, update: Mapping[str, Any], owner: Owner | None, now: datetime | None = None
    ) -> bool:
        """Keep one update for ``owner``; True if no process had taken its id (so: handle it).

        One statement, committed on its own: the update is kept and its id claimed at once.
        """
        rows = await self._db.connection.execute_fetchall(
            "INSERT INTO updates (update_id, payload, received_at, owner_pid, owner_started) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
            (
                int(update["update_id"]),
                _encode(update),
                from_datetime(now or datetime.now(UTC)),
                *_owner_of(owner),
            ),
        )
        return bool(rows)

    async def unhandled(self) -> list[KeptUpdate]:
        """Updates kept but not handled (a crash, SIGKILL or a handler cut short), oldest first."""
        rows = await self._db.fetch_all(
            "SELECT update_id, payload FROM updates WHERE handled_at IS NULL ORDER BY update_id"
        )
        return [KeptUpdate(int(row[0]), json.loads(row[1])) for row in rows]

    async def owners(self) -> set[Owner | None]:
        """The processes answering for updates not handled yet (None: no process)."""
        rows = await self._db.fetch_all(
            "SELECT DISTINCT owner_pid, owner_started FROM updates WHERE handled_at IS NULL"
        )
        return {None if row[0] is None else Owner(int(row[0]), float(row[1])) for row in rows}

    async def claim(self, former: Owner | None, owner: Owner) -> list[KeptUpdate]:
        """Make ``owner`` answer for the unhandled updates of ``former``; those, oldest first.

        One statement: of two processes claiming the same updates, one gets each update.
        """
        rows = await self._db.connection.execute_fetchall(
            "UPDATE updates SET owner_pid = ?, owner_started = ? WHERE handled_at IS NULL "
            "AND owner_pid IS ? AND owner_started IS ? RETURNING update_id, payload",
            (owner.pid, owner.started, *_owner_of(former)),
        )
        kept = [KeptUpdate(int(row[0]), json.loads(row[1])) for row in rows]
        return sorted(kept, key=lambda update: update.update_id)

    async def mark_handled(self, update_id: int, now: datetime | None = None) -> None:
        """Record that an update was handled: it is never handled again."""
        await self.mark_all_handled([update_id], now)

    async def mark_all_handled(
        self, update_ids: Sequence[int], now: datetime | None = None
    ) -> None:
        """Record that these updates were handled, in one statement per 500 (committed each)."""
        handled = from_datetime(now or datetime.now(UTC))
        for start in range(0, len(update_ids), 500):
            batch = list(update_ids[start : start + 500])
            await self._db.connection.execute_fetchall(
                "UPDATE updates SET handled_at = ? "
                f"WHERE update_id IN ({', '.join('?' * len(batch))})",
                [handled, *batch],
            )

    async def prune(self, before: datetime) -> int:
        """Forget updates handled before ``before``; how many."""
        async with self._db.connection.execute(
            "DELETE FROM updates WHERE handled_at IS NOT NULL AND handled_at < ?",
            (from_datetime(before),),
        ) as cursor:
            return cursor.rowcount
