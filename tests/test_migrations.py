"""Migrations on real SQLite files: fresh, rerun, failure, upgrade in place, too new, PRAGMAs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from storage import SchemaTooNew, StorageError, Store
from storage.database import (
    Migration,
    bundled_migrations,
    connect,
    migrate,
    schema_version,
)

TABLES = {
    "articles",
    "articles_fts",
    "festivals",
    "festival_mentions",
    "rates",
    "admin_actions",
    "ingest_runs",
}
NOTES_V1 = Migration(
    1, "0001_notes.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);"
)
NOTES_V2 = Migration(
    2,
    "0002_note_author.sql",
    "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'nobody';\n"
    "CREATE INDEX notes_author ON notes (author);",
)


@pytest.fixture
async def connection(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    """A raw connection on a new file, no migration applied."""
    opened = await connect(tmp_path / "raw.db")
    yield opened
    await opened.close()


async def names(connection: aiosqlite.Connection, kind: str) -> set[str]:
    """The names of the schema objects of one kind (table, index, trigger)."""
    async with connection.execute(
        "SELECT name FROM sqlite_schema WHERE type = ?", (kind,)
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def schema(connection: aiosqlite.Connection) -> list[tuple[str, str]]:
    """The whole schema as (name, sql) pairs."""
    async with connection.execute(
        "SELECT name, coalesce(sql, '') FROM sqlite_schema ORDER BY name"
    ) as cursor:
        return [(row[0], row[1]) for row in await cursor.fetchall()]


def test_bundled_migrations_are_numbered_from_one_without_gaps() -> None:
    versions = [migration.version for migration in bundled_migrations()]
    assert versions[0] == 1
    assert versions == list(range(1, len(versions) + 1))


async def test_fresh_database_reaches_the_latest_version(
    connection: aiosqlite.Connection,
) -> None:
    bundled = bundled_migrations()
    applied = await migrate(connection)
    assert [migration.name for migration in applied] == [m.name for m in bundled]
    assert await schema_version(connection) == bundled[-1].version
    assert await names(connection, "table") >= TABLES
    assert await names(connection, "trigger") >= {
        "articles_fts_insert",
        "articles_fts_delete",
        "articles_fts_update",
    }


async def test_rerun_is_a_no_op(connection: aiosqlite.Connection) -> None:
    await migrate(connection)
    before = await schema(connection)
    assert await migrate(connection) == []
    assert await schema(connection) == before
    assert await schema_version(connection) == bundled_migrations()[-1].version


async def test_a_failing_migration_rolls_back_whole(connection: aiosqlite.Connection) -> None:
    await migrate(connection, [NOTES_V1])
    broken = Migration(
        2,
        "0002_broken.sql",
        "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n"
        "ALTER TABLE notes ADD COLUMN author TEXT;\n"
        "INSERT INTO no_such_table VALUES (1);",
    )
    with pytest.raises(StorageError, match=r"0002_broken\.sql.*no_such_table"):
        await migrate(connection, [NOTES_V1, broken])
    assert await schema_version(connection) == 1
    assert "tags" not in await names(connection, "table")
    async with connection.execute("SELECT name FROM pragma_table_info('notes')") as cursor:
        assert [row[0] for row in await cursor.fetchall()] == ["id", "text"]
    assert not connection.in_transaction
    # The fixed migration then applies cleanly on the same connection.
    assert await migrate(connection, [NOTES_V1, NOTES_V2]) == [NOTES_V2]


async def test_a_failure_in_the_first_migration_leaves_an_empty_database(
    connection: aiosqlite.Connection,
) -> None:
    broken = Migration(1, "0001_broken.sql", "CREATE TABLE a (x);\nCREATE TABLE a (y);")
    with pytest.raises(StorageError, match="0001_broken"):
        await migrate(connection, [broken])
    assert await schema_version(connection) == 0
    assert await names(connection, "table") == set()


async def test_an_older_database_upgrades_in_place_keeping_its_data(
    connection: aiosqlite.Connection,
) -> None:
    await migrate(connection, [NOTES_V1])
    await connection.execute("INSERT INTO notes (text) VALUES ('kept')")
    assert await migrate(connection, [NOTES_V1, NOTES_V2]) == [NOTES_V2]
    assert await schema_version(connection) == 2
    async with connection.execute("SELECT id, text, author FROM notes") as cursor:
        assert [tuple(row) for row in await cursor.fetchall()] == [(1, "kept", "nobody")]
    assert "notes_author" in await names(connection, "index")


async def test_a_version_one_store_upgrades_keeping_its_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    connection = await connect(path)
    await migrate(connection, bundled_migrations()[:1])
    # As version 1 wrote it (today's code writes columns that version 1 lacks).
    await connection.execute(
        "INSERT INTO articles (title, body, source, fingerprint) "
        "VALUES ('Old news', 'Still here.', 'test', 'x')"
    )
    article_id = 1
    await connection.close()

    store = await Store.open(path)  # applies everything after 0001
    try:
        assert await schema_version(store.db.connection) == bundled_migrations()[-1].version
        assert (await store.articles.get(article_id)).body == "Still here."
        assert [hit.article.id for hit in await store.search.hits("still")] == [article_id]
    finally:
        await store.close()


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    store = await Store.open(path)
    await store.close()
    newer = bundled_migrations()[-1].version + 1
    connection = await connect(path)
    await connection.execute(f"PRAGMA user_version = {newer}")
    await connection.close()

    with pytest.raises(SchemaTooNew) as caught:
        await Store.open(path)
    message = str(caught.value)
    assert f"schema version {newer}" in message
    assert f"up to {newer - 1}" in message
    assert "upgrade filmnews" in message
    connection = await connect(path)
    try:
        assert await schema_version(connection) == newer  # left untouched
    finally:
        await connection.close()


async def test_two_connections_migrating_a_new_file_at_once_both_succeed(
    tmp_path: Path,
) -> None:
    first, second = await connect(tmp_path / "race.db"), await connect(tmp_path / "race.db")
    try:
        first_applied, second_applied = await asyncio.gather(migrate(first), migrate(second))
        applied = sorted(migration.name for migration in [*first_applied, *second_applied])
        assert applied == [migration.name for migration in bundled_migrations()]
        assert await schema_version(second) == bundled_migrations()[-1].version
    finally:
        await first.close()
        await second.close()


async def test_the_connection_has_wal_foreign_keys_and_a_busy_timeout(store: Store) -> None:
    assert await store.db.fetch_value("PRAGMA journal_mode") == "wal"
    assert await store.db.fetch_value("PRAGMA foreign_keys") == 1
    assert await store.db.fetch_value("PRAGMA busy_timeout") >= 1000


async def test_the_folder_of_the_database_is_created(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "a" / "b" / "filmnews.db")
    await store.close()
    assert (tmp_path / "a" / "b" / "filmnews.db").is_file()
