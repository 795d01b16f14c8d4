"""The update journal: updates kept until handled, each with the process that answers for it.

With SQLite it is a small file of its own beside the database (``<database>.updates``): only the
bot's processes use it, so keeping, marking and taking updates never waits for another
process's long write. With PostgreSQL it is the database's ``updates`` table, shared by every
replica, and each replica holds an advisory lock for as long as it lives (its *presence*), so
that the others can tell when it is gone, on whatever machine it ran. Long polling keeps each
fetched batch; webhook mode takes each update as it arrives, which also makes an update
delivered twice (to any process on the journal) handled once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from storage import postgres
from storage.convert import from_datetime
from storage.database import Database, SqliteDatabase, connect


@dataclass(frozen=True, slots=True)
class KeptUpdate:
    """One update as Telegram sent it (its JSON object), not handled yet."""

    update_id: int
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Owner:
    """The process that answers for an update: its pid and start time (seconds since epoch),
    and its machine's name (replicas in containers all run as pid 1, started the same second)."""

    pid: int
    started: float
    host: str = ""


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
    owner_started REAL,
    owner_host TEXT
);
CREATE INDEX IF NOT EXISTS updates_unhandled ON updates (update_id) WHERE handled_at IS NULL;
"""

# Columns a journal file made by an earlier version lacks (its unhandled updates then have no
# owner: anyone may replay them); the webhook's former table of ids taken goes (the updates
# table took its place).
_UPGRADES = {
    "owner_pid": "ALTER TABLE updates ADD COLUMN owner_pid INTEGER",
    "owner_started": "ALTER TABLE updates ADD COLUMN owner_started REAL",
    "owner_host": "ALTER TABLE updates ADD COLUMN owner_host TEXT",
}

# Rows in one statement (6 parameters each; Telegram sends at most 100 updates a call).
_ROWS = 150
# The first key of the replicas' presence locks ("upd"); the second is the owner, hashed.
_PRESENCE_SPACE = 0x757064

Row = tuple[int, str, str, int | None, float | None, str | None]

# Compared with coalesce: SQLite's "IS ?" is not PostgreSQL's, and older SQLite lacks
# "IS NOT DISTINCT FROM". No owner is (0, 0, '').
_OWNED_BY = (
    "coalesce(owner_pid, 0) = ? AND coalesce(owner_started, 0) = ? "
    "AND coalesce(owner_host, '') = ?"
)


async def _keep(db: Database, rows: Sequence[Row]) -> set[int]:
    """Insert ``(update_id, payload, received_at, pid, started, host)`` rows in one statement;
    the fresh ids.

    Outside a transaction the statement commits on its own: one round trip for a whole batch.
    """
    values = ", ".join("(?, ?, ?, ?, ?, ?)" for _ in rows)
    found = await db.fetch_all(
        "INSERT INTO updates (update_id, payload, received_at, owner_pid, owner_started, "
        f"owner_host) VALUES {values} "
        "ON CONFLICT (update_id) DO UPDATE SET payload = excluded.payload, "
        "received_at = excluded.received_at, handled_at = NULL, "
        "owner_pid = excluded.owner_pid, owner_started = excluded.owner_started, "
        "owner_host = excluded.owner_host "
        "WHERE updates.payload != excluded.payload RETURNING update_id",
        [value for row in rows for value in row],
    )
    return {int(row[0]) for row in found}


def journal_path(database: Path) -> Path:
    """Where the update journal of the SQLite file ``database`` lives."""
    return database.with_name(f"{database.name}.updates")


def _owner_of(owner: Owner | None) -> tuple[int | None, float | None, str | None]:
    return (None, None, None) if owner is None else (owner.pid, owner.started, owner.host)


def _owner_key(owner: Owner | None) -> tuple[int, float, str]:
    return (0, 0.0, "") if owner is None else (owner.pid, owner.started, owner.host)


def _presence_of(owner: Owner) -> str:
    return f"{owner.host}/{owner.pid}/{owner.started!r}"


class Updates:
    """The update journal: a SQLite file and its connection, or PostgreSQL's ``updates`` table.

    Every write is one statement committed on its own (atomic across processes, and one round
    trip); the only transaction is a batch of over 150 updates, which Telegram never sends.
    """

    def __init__(self, db: Database, url: str | None = None) -> None:
        self._db = db
        self._url = url  # PostgreSQL's, for the presence lock's own connection
        self._presence: asyncpg.Connection | None = None

    @classmethod
    async def open(cls, location: Path | str) -> Updates:
        """Open the journal: the SQLite file at ``location`` (created or upgraded if need be),
        or the ``updates`` table of the PostgreSQL database at the URL ``location``."""
        if postgres.is_postgres_url(location):
            pool = await postgres.connect(str(location), size=4)
            return cls(postgres.PostgresDatabase(pool), str(location))
        connection = await connect(location)
        db = SqliteDatabase(connection)
        try:
            await connection.executescript(_SCHEMA)
            async with db.transaction():  # two processes may open an old file at once
                columns = {row[1] for row in await db.fetch_all("PRAGMA table_info(updates)")}
                for column, statement in _UPGRADES.items():
                    if column not in columns:
                        await db.execute(statement)
                await db.execute("DROP TABLE IF EXISTS seen_updates")
        except BaseException:
            await connection.close()
            raise
        return cls(db)

    async def close(self) -> None:
        """Close the journal (and end this process's presence)."""
        presence, self._presence = self._presence, None
        if presence is not None:
            await presence.close()
        await self._db.close()

    async def announce(self, owner: Owner) -> None:
        """Make ``owner``'s presence known to the other replicas until ``close`` (PostgreSQL:
        an advisory lock on a connection of its own, released by the server when the process
        dies); nothing on SQLite, where every process is on this machine."""
        if self._url is None or self._presence is not None:
            return
        self._presence = await asyncpg.connect(self._url)
        await self._presence.execute(
            "SELECT pg_advisory_lock($1, hashtext($2))", _PRESENCE_SPACE, _presence_of(owner)
        )

    async def present(self, owner: Owner) -> bool | None:
        """Whether ``owner`` is present (PostgreSQL: holds its presence lock); None on SQLite,
        where the machine itself tells whether a process lives."""
        if self._url is None:
            return None
        held = await self._db.fetch_value(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = CAST(? AS bigint)::oid AND objid = hashtext(?)::oid",
            (_PRESENCE_SPACE, _presence_of(owner)),
        )
        return bool(held)

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
            return await _keep(self._db, rows)
        fresh: set[int] = set()
        async with self._db.transaction():
            for start in range(0, len(rows), _ROWS):
                fresh |= await _keep(self._db, rows[start : start + _ROWS])
        return fresh

    async def take(
        self, update: Mapping[str, Any], owner: Owner | None, now: datetime | None = None
    ) -> bool:
        """Keep one update for ``owner``; True if no process had taken its id (so: handle it).

        One statement, committed on its own: the update is kept and its id claimed at once.
        """
        rows = await self._db.fetch_all(
            "INSERT INTO updates (update_id, payload, received_at, owner_pid, owner_started, "
            "owner_host) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING "
            "RETURNING update_id",
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
            "SELECT DISTINCT owner_pid, owner_started, owner_host FROM updates "
            "WHERE handled_at IS NULL"
        )
        return {
            None if row[0] is None else Owner(int(row[0]), float(row[1]), row[2] or "")
            for row in rows
        }

    async def claim(self, former: Owner | None, owner: Owner) -> list[KeptUpdate]:
        """Make ``owner`` answer for the unhandled updates of ``former``; those, oldest first.

        One statement: of two processes claiming the same updates, one gets each update.
        """
        rows = await self._db.fetch_all(
            "UPDATE updates SET owner_pid = ?, owner_started = ?, owner_host = ? "
            f"WHERE handled_at IS NULL AND {_OWNED_BY} RETURNING update_id, payload",
            (*_owner_of(owner), *_owner_key(former)),
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
            await self._db.fetch_all(
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
