"""WAL checkpoints off the shared connection during a long run of writes (the hourly tidy).

SQLite checkpoints at the commit that takes the WAL past 1,000 pages: that commit then copies
4 MB into the database and syncs it, holding the connection readers share for 20-30 ms. While a
run of batches goes on, the shared connection leaves that to a connection of its own, opened in
a worker thread between the batches, and readers are not held at all.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, closing

from storage.database import BUSY_TIMEOUT_MS, Database, SqliteDatabase

Checkpoint = Callable[[], Awaitable[None]]


@asynccontextmanager
async def elsewhere(db: Database) -> AsyncIterator[Checkpoint]:
    """Turn the shared connection's checkpoints off inside; yields what to await between
    batches (a passive checkpoint on another connection, in a thread)."""
    if not isinstance(db, SqliteDatabase) or (path := await _file(db)) is None:
        # Not SQLite, or in memory (no WAL)
        yield _nothing
        return
    previous = int(await db.fetch_value("PRAGMA wal_autocheckpoint"))
    await db.connection.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield lambda: asyncio.to_thread(_checkpoint, path)
    finally:
        await db.connection.execute(f"PRAGMA wal_autocheckpoint = {previous}")


async def _file(db: SqliteDatabase) -> str | None:
    for row in await db.fetch_all("PRAGMA database_list"):
        if row["name"] == "main":
            return str(row["file"]) or None
    return None


def _checkpoint(path: str) -> None:
    """Copy what the WAL holds into the database, waiting on no reader."""
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)) as connection:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


async def _nothing() -> None:
    await asyncio.sleep(0)
