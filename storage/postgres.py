"""The PostgreSQL implementation of ``Database`` (asyncpg): a pool, the same ``?`` statements as on
SQLite, and its own numbered migrations (``storage/migrations_postgres``) tracked in a table."""

from __future__ import annotations

import contextvars
import logging
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from storage.database import Database, Dialect, Params, Row
from storage.errors import ConstraintError, SchemaTooNew, StorageError

logger = logging.getLogger(__name__)

# A connection of the pool, as a transaction holds it.
_Connection = asyncpg.Connection | PoolConnectionProxy

_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")
# A ``?`` outside quotes and comments; quoted text and comments are matched to be skipped.
_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|--[^\n]*|/\*.*?\*/|\?", re.DOTALL)
# Every replica applies migrations under this lock, one at a time (any constant of our own).
_MIGRATION_LOCK = 0x66696C6D  # "film"


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered ``.sql`` file of ``storage/migrations_postgres``."""

    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The PostgreSQL migrations shipped with filmnews, in order."""
    folder = resources.files("storage") / "migrations_postgres"
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


def is_postgres_url(location: Path | str) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


@lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1``, ``$2``… (those in quotes or comments kept)."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group() != "?":
            return match.group()
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql)


def _rows_changed(status: str) -> int:
    """``UPDATE 3`` → 3; ``INSERT 0 2`` → 2; a status without a count → 0."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _params(params: Params) -> Sequence[Any]:
    if isinstance(params, dict):
        raise TypeError("named parameters are not supported: use ? placeholders")
    return params


class PostgresDatabase(Database):
    """A pool of connections; a transaction holds one connection, and every call the same task
    makes inside it runs on that connection. Reads outside a transaction take any connection."""

    dialect = Dialect.POSTGRES

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._current: contextvars.ContextVar[_Connection | None] = contextvars.ContextVar(
            f"postgres_transaction_{id(self)}", default=None
        )

    @property
    def pool(self) -> asyncpg.Pool:
        """The pool, for what only PostgreSQL has (advisory locks, LISTEN)."""
        return self._pool

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if self._current.get() is not None:
            yield
            return
        async with self._pool.acquire() as connection, connection.transaction():
            token = self._current.set(connection)
            try:
                yield
            finally:
                self._current.reset(token)

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self.transaction(), _constraints():
            connection = self._current.get()
            assert connection is not None
            return _rows_changed(await connection.execute(numbered(sql), *_params(params)))

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> int:
        async with self.transaction(), _constraints():
            connection = self._current.get()
            assert connection is not None
            statement = await connection.prepare(numbered(sql))
            changed = 0
            for row in rows:
                await statement.fetch(*_params(row))
                changed += _rows_changed(statement.get_statusmsg() or "")
            return changed

    async def fetch_all(self, sql: str, params: Params = ()) -> Sequence[Row]:
        runner = self._current.get() or self._pool
        async with _constraints():
            return cast(Sequence[Row], await runner.fetch(numbered(sql), *_params(params)))

    async def serialise(self, key: int) -> None:
        if self._current.get() is None:
            raise RuntimeError("serialise() holds its lock until a transaction ends: open one")
        await self.execute("SELECT pg_advisory_xact_lock(?)", (key,))

    def read_mark(self) -> int | None:
        # A read outside a transaction runs on a connection of its own and sees only what was
        # committed; inside one, it sees the transaction's own writes, which may be rolled back.
        return None if self._current.get() is not None else 0

    async def close(self) -> None:
        await self._pool.close()


@asynccontextmanager
async def _constraints() -> AsyncIterator[None]:
    """PostgreSQL's integrity errors as storage's ``ConstraintError``."""
    try:
        yield
    except asyncpg.IntegrityConstraintViolationError as error:
        raise ConstraintError(str(error)) from error


async def connect(url: str, *, size: int = 10) -> asyncpg.Pool:
    """A pool of connections to ``url``; ``StorageError`` naming the server when it can't."""
    try:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=size)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise StorageError(f"cannot open the database at {_server(url)}: {error}") from error
    assert pool is not None
    return pool


def _server(url: str) -> str:
    """The URL without its password, to name in an error."""
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


async def migrate(
    pool: asyncpg.Pool, migrations: Sequence[Migration] | None = None
) -> list[Migration]:
    """Apply the pending migrations in order, each whole or not at all, under an advisory lock
    (replicas starting together apply each once); returns those applied."""
    migrations = bundled_migrations() if migrations is None else migrations
    latest = migrations[-1].version if migrations else 0
    applied = []
    async with pool.acquire() as connection:
        await connection.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        try:
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            current = await connection.fetchval(
                "SELECT coalesce(max(version), 0) FROM schema_migrations"
            )
            if current > latest:
                raise SchemaTooNew(
                    f"the database is at schema version {current}, but this filmnews knows "
                    f"only up to {latest}: upgrade filmnews, or point FILMNEWS_DATABASE_URL at "
                    "another database"
                )
            for migration in migrations:
                if migration.version <= current:
                    continue
                try:
                    async with connection.transaction():
                        await connection.execute(migration.sql)
                        await connection.execute(
                            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                            migration.version,
                            migration.name,
                        )
                except asyncpg.PostgresError as error:
                    raise StorageError(f"migration {migration.name} failed: {error}") from error
                logger.info("applied migration %s", migration.name)
                applied.append(migration)
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
    return applied


async def schema_version(pool: asyncpg.Pool) -> int:
    """The newest migration applied (0 for a new database)."""
    exists = await pool.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return 0
    return int(await pool.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations"))
