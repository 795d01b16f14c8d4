"""One runner of a kind per database across processes and machines (the outbox sender, the
sources' fetcher): whoever holds the lock is the one.

On SQLite, an exclusive lock on a file beside the database; on PostgreSQL, a session advisory
lock on a connection of its own. Either is released when its process dies, even by SIGKILL (the
kernel drops the file lock; the server ends the session when its connection closes), so whoever
holds it knows that a message still marked ``sending`` was left by a dead runner, and another
replica takes over at its next attempt.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from abc import ABC, abstractmethod
from pathlib import Path

import asyncpg

# The first key of our advisory locks ("film"); the second is the runner's name, hashed.
_ADVISORY_SPACE = 0x66696C6D


class RunnerLock(ABC):
    """Held by at most one process of a database at a time."""

    @abstractmethod
    async def acquire(self) -> bool:
        """Take the lock if nobody holds it; True if we hold it now."""

    @abstractmethod
    async def release(self) -> None:
        """Let another runner take over (a no-op when not held)."""


class FileLock(RunnerLock):
    """An exclusive ``flock`` on ``<database>.<runner>.lock`` beside a SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @classmethod
    def beside(cls, database: Path, runner: str) -> FileLock:
        """The lock of ``runner`` (``sender``, ``fetch``) of the SQLite file ``database``."""
        return cls(database.with_name(f"{database.name}.{runner}.lock"))

    async def acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


class AdvisoryLock(RunnerLock):
    """A PostgreSQL session advisory lock, on a connection opened for it (not the pool's: a
    pooled connection is reset, and its locks with it, each time it goes back)."""

    def __init__(self, url: str, runner: str) -> None:
        self._url = url
        self._runner = runner
        self._connection: asyncpg.Connection | None = None
        self._held = False

    async def acquire(self) -> bool:
        if self._held:
            return True
        if self._connection is None or self._connection.is_closed():
            self._connection = await asyncpg.connect(self._url)
        self._held = bool(
            await self._connection.fetchval(
                "SELECT pg_try_advisory_lock($1, hashtext($2))", _ADVISORY_SPACE, self._runner
            )
        )
        return self._held

    async def release(self) -> None:
        connection, self._connection, self._held = self._connection, None, False
        if connection is not None:
            # Closing the session releases its locks; no unlock round trip is needed.
            await asyncio.shield(connection.close())
