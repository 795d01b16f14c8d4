"""The database the repositories use (``Database``), and its SQLite implementation: opening the
file, applying the migrations, the one transaction helper."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, closing
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, cast

import aiosqlite

from storage.errors import ConstraintError, SchemaTooNew, StorageError
from storage.names import name_key

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")

Params = Sequence[Any] | dict[str, Any]


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered ``.sql`` file; ``version`` is the ``user_version`` it brings the schema to."""

    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The migrations shipped in ``storage/migrations``, in order."""
    folder = resources.files("storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    if versions != list(range(1, len(found) + 1)):
        raise StorageError(f"migrations must be numbered 0001, 0002, … without gaps: {versions}")
    return found


class Dialect(StrEnum):
    """The SQL a database speaks, where the repositories must say a thing two ways."""

    SQLITE = "sqlite"
    POSTGRES = "postgres"


class Row(Protocol):
    """A result row, by column number or name (``sqlite3.Row``, ``asyncpg.Record``)."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def keys(self) -> Any: ...


class Database(ABC):
    """What the repositories use: one place to run statements, on SQLite or PostgreSQL.

    Statements use ``?`` placeholders on both. ``transaction()`` nests: inside an open
    transaction of the same task it simply joins it, so a repository method can always wrap its
    writes and a caller can still group several calls; every call made inside runs in it.
    """

    dialect: Dialect

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[None]:
        """A transaction that commits at the end, rolls back on any exception."""

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement in a transaction; returns the number of rows changed."""

    @abstractmethod
    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one write statement for each of ``rows`` in a transaction; rows changed in all."""

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> Sequence[Row]:
        """Every row of a query."""

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query, or None."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    @abstractmethod
    async def serialise(self, key: int) -> None:
        """Inside a transaction: wait until no other open transaction has serialised on
        ``key``, and hold it until this one ends."""

    @abstractmethod
    def read_mark(self) -> int | None:
        """None while a read could see writes not committed yet; else a number that changes
        whenever this database writes. A read may be kept (cached) when the mark was not None
        and the same before and after it."""

    @abstractmethod
    async def close(self) -> None:
        """Close the connections (waiting for a write in progress to finish)."""


class SqliteDatabase(Database):
    """One long-lived connection to a SQLite file; writes are serialised by an asyncio lock."""

    dialect = Dialect.SQLITE

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._write_lock = asyncio.Lock()
        self._in_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar(
            f"in_transaction_{id(self)}", default=False
        )

    @property
    def connection(self) -> aiosqlite.Connection:
        """The underlying connection, for what only SQLite has (pragmas, checkpoints)."""
        return self._connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolls back on any exception."""
        if self._in_transaction.get():
            yield
            return
        async with self._write_lock:
            token = self._in_transaction.set(True)
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    await self._connection.execute("ROLLBACK")
                    raise
                await self._connection.execute("COMMIT")
            finally:
                self._in_transaction.reset(token)

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with (
            self.transaction(),
            _constraints(),
            self._connection.execute(sql, params) as cursor,
        ):
            return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        async with self.transaction(), _constraints():
            cursor = await self._connection.executemany(sql, rows)
            return cursor.rowcount

    async def fetch_all(self, sql: str, params: Params = ()) -> Sequence[Row]:
        """Every row of a query, run, read and finished in one call on the connection's thread.

        A statement left open across an await holds a read snapshot, and another task's
        ``BEGIN IMMEDIATE`` on this shared connection would then fail at once with "database
        is locked" whenever another process has committed since (SQLite cannot upgrade a stale
        snapshot to a writer).
        """
        async with _constraints():
            return cast(Sequence[Row], await self._connection.execute_fetchall(sql, params))

    async def serialise(self, key: int) -> None:
        """Nothing to wait for: this database's writers take turns already."""

    def read_mark(self) -> int | None:
        # One connection for every task: any task's open transaction is visible to all reads.
        if self._connection.in_transaction:
            return None
        return self._connection.total_changes

    async def close(self) -> None:
        async with self._write_lock:
            await self._connection.close()


@asynccontextmanager
async def _constraints() -> AsyncIterator[None]:
    """SQLite's ``IntegrityError`` as storage's ``ConstraintError``."""
    try:
        yield
    except sqlite3.IntegrityError as error:
        raise ConstraintError(str(error)) from error


async def connect(path: Path | str) -> aiosqlite.Connection:
    """Open ``path`` with WAL, foreign keys and a busy timeout; the folder is created.

    ``StorageError`` naming the path when the file or its folder cannot be opened or created.
    """
    try:
        return await _connect(path)
    except (OSError, sqlite3.Error) as error:
        raise StorageError(f"cannot open the database {path}: {_reason(error)}") from error


async def _connect(path: Path | str) -> aiosqlite.Connection:
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Tried first with plain sqlite3: when aiosqlite fails to open a file, its thread outlives
        # the error and, once the event loop is closed, prints a traceback of its own.
        await asyncio.to_thread(_probe, path)
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, see Database.transaction.
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = aiosqlite.Row
    try:
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA synchronous = NORMAL")
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.create_function("name_key", 1, name_key, deterministic=True)
    except BaseException:
        await connection.close()
        raise
    return connection


def _probe(path: Path | str) -> None:
    with closing(sqlite3.connect(path)):
        pass


def _reason(error: BaseException) -> str:
    """``[Errno 13] Permission denied: 'x'`` → ``permission denied``; SQLite's text as it is."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error)


async def schema_version(connection: aiosqlite.Connection) -> int:
    """The database's ``PRAGMA user_version``."""
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(
    connection: aiosqlite.Connection, migrations: Sequence[Migration] | None = None
) -> list[Migration]:
    """Apply the pending migrations in order, each whole or not at all; returns those applied."""
    migrations = bundled_migrations() if migrations is None else migrations
    latest = migrations[-1].version if migrations else 0
    current = await schema_version(connection)
    if current > latest:
        raise SchemaTooNew(
            f"the database is at schema version {current}, but this filmnews knows only up to "
            f"{latest}: upgrade filmnews, or point FILMNEWS_DATABASE at another file"
        )
    applied = []
    for migration in migrations:
        if migration.version <= current:
            continue
        # The guard fails when another connection applied this migration meanwhile (two
        # processes opening a new file at once): a migration that would succeed twice (one of
        # only data, or none) must not run again and set user_version back.
        script = (
            f"BEGIN IMMEDIATE;\n"
            "CREATE TEMP TABLE migration_guard (version INTEGER "
            f"CHECK (version < {migration.version}));\n"
            "INSERT INTO migration_guard SELECT user_version FROM pragma_user_version;\n"
            "DROP TABLE migration_guard;\n"
            f"{migration.sql}\n;PRAGMA user_version = {migration.version};\nCOMMIT;"
        )
        try:
            await connection.executescript(script)
        except Exception as error:
            if connection.in_transaction:
                await connection.execute("ROLLBACK")
            # Another process opening the same new file may have applied it while we waited.
            if await schema_version(connection) >= migration.version:
                continue
            raise StorageError(f"migration {migration.name} failed: {error}") from error
        logger.info("applied migration %s", migration.name)
        applied.append(migration)
    return applied
