"""The PostgreSQL backend itself: placeholders, transactions, row counts and its migrations,
on a real server (tests/postgres_server.py)."""

from __future__ import annotations

import asyncio
import signal
import sys

import pytest

from storage import Store, postgres
from storage.database import Database, Dialect
from storage.errors import SchemaTooNew, StorageError
from storage.models import NewArticle
from storage.postgres import Migration, PostgresDatabase, numbered
from storage.search_index import ANALYSIS_VERSION


def test_placeholders_are_numbered_outside_quotes_and_comments() -> None:
    assert numbered("SELECT ? , '?', \"a?\" -- ?\n, ? /* ? */ WHERE x = ?") == (
        "SELECT $1 , '?', \"a?\" -- ?\n, $2 /* ? */ WHERE x = $3"
    )
    assert numbered("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', $1"


async def test_a_store_opens_on_a_url_with_every_migration(postgres_url: str) -> None:
    store = await Store.open(postgres_url)
    try:
        assert store.db.dialect is Dialect.POSTGRES
        assert isinstance(store.db, PostgresDatabase)
        versions = await store.db.fetch_all("SELECT version FROM schema_migrations")
        assert [row[0] for row in versions] == [m.version for m in postgres.bundled_migrations()]
        # Opened again (a second replica, a restart): nothing is applied twice.
        assert await postgres.migrate(store.db.pool) == []
    finally:
        await store.close()


async def update_then_fail(db: Database) -> None:
    async with db.transaction():
        assert await db.execute("UPDATE chat_languages SET language = 'tg'") == 2
        # Read inside the transaction: its own write is seen ...
        seen = await db.fetch_value("SELECT language FROM chat_languages WHERE chat_id = 1")
        assert seen == "tg"
        assert db.read_mark() is None
        raise RuntimeError("rolled back")


async def test_a_transaction_is_all_or_nothing_and_counts_rows(postgres_url: str) -> None:
    store = await Store.open(postgres_url)
    db = store.db
    try:
        changed = await db.execute_many(
            "INSERT INTO chat_languages (chat_id, language) VALUES (?, ?) "
            "ON CONFLICT (chat_id) DO NOTHING",
            [(1, "ru"), (2, "kk"), (1, "en")],
        )
        assert changed == 2
        with pytest.raises(RuntimeError, match="rolled back"):
            await update_then_fail(db)
        # ... and gone after the rollback.
        rows = await db.fetch_all("SELECT chat_id, language FROM chat_languages ORDER BY chat_id")
        assert [tuple(row) for row in rows] == [(1, "ru"), (2, "kk")]
        assert db.read_mark() == 0
    finally:
        await store.close()


async def test_json_each_of_a_text_array_works_as_on_sqlite(postgres_url: str) -> None:
    store = await Store.open(postgres_url)
    try:
        await store.db.execute_many(
            "INSERT INTO chat_languages (chat_id, language) VALUES (?, ?)",
            [(1, "ru"), (2, "kk"), (3, "en")],
        )
        rows = await store.db.fetch_all(
            "SELECT chat_id FROM chat_languages WHERE language IN "
            "(SELECT value FROM json_each(?)) ORDER BY chat_id",
            ('["kk", "en", "uz"]',),
        )
        assert [row["chat_id"] for row in rows] == [2, 3]
    finally:
        await store.close()


async def test_a_failing_migration_leaves_nothing_behind(postgres_url: str) -> None:
    pool = await postgres.connect(postgres_url)
    try:
        current = postgres.bundled_migrations()
        broken = Migration(
            len(current) + 1, "9999_broken.sql", "CREATE TABLE half (x int); SELECT 1/0;"
        )
        with pytest.raises(StorageError, match=r"9999_broken\.sql failed"):
            await postgres.migrate(pool, [*current, broken])
        assert await pool.fetchval("SELECT to_regclass('half')") is None
        assert await postgres.schema_version(pool) == len(current)
        with pytest.raises(SchemaTooNew):
            await postgres.migrate(pool, current[:-1])
    finally:
        await pool.close()


async def test_an_unreachable_server_is_one_clear_error() -> None:
    with pytest.raises(StorageError, match=r"cannot open the database at postgresql://u:\*\*\*@"):
        await postgres.connect("postgresql://u:secret@127.0.0.1:1/none")


async def test_one_runner_per_database_and_the_next_takes_over(postgres_url: str) -> None:
    first, second = await Store.open(postgres_url), await Store.open(postgres_url)
    try:
        sender, other_sender = first.runner_lock("sender"), second.runner_lock("sender")
        fetcher = second.runner_lock("fetch")
        assert await sender.acquire()
        assert await sender.acquire()  # held already
        assert not await other_sender.acquire()
        assert await fetcher.acquire()  # another runner's lock is another lock
        await sender.release()
        assert await other_sender.acquire()
        await other_sender.release()
        await fetcher.release()
    finally:
        await first.close()
        await second.close()


async def test_a_killed_runner_leaves_the_lock_to_the_next(postgres_url: str) -> None:
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import asyncio, sys\n"
        "from storage.runner_locks import AdvisoryLock\n"
        "async def hold():\n"
        "    lock = AdvisoryLock(sys.argv[1], 'sender')\n"
        "    assert await lock.acquire()\n"
        "    print('held', flush=True)\n"
        "    await asyncio.sleep(60)\n"
        "asyncio.run(hold())\n",
        postgres_url,
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdout is not None
    assert await asyncio.wait_for(holder.stdout.readline(), 20) == b"held\n"
    store = await Store.open(postgres_url)
    try:
        lock = store.runner_lock("sender")
        assert not await lock.acquire()
        holder.send_signal(signal.SIGKILL)
        await holder.wait()
        for _ in range(50):  # the server ends the dead session as its socket closes
            if await lock.acquire():
                break
            await asyncio.sleep(0.1)
        assert await lock.acquire()
        await lock.release()
    finally:
        await store.close()


async def test_an_article_committed_late_is_never_skipped_by_a_watermark(
    postgres_url: str,
) -> None:
    """A digest remembers the last article id it read. Were ids visible out of order (a
    transaction taking id 1 committing after one taking id 2), a digest read in between would
    move past id 1 for good. Article writers take turns, so no larger id is seen first."""
    store = await Store.open(postgres_url)
    inside, release = asyncio.Event(), asyncio.Event()

    async def slow_writer() -> int:
        async with store.db.transaction():
            [(article_id, _)] = await store.articles.add_many(
                [NewArticle("Slow dispatch from Khujand", "Filed first.", "admin:1")]
            )
            inside.set()
            await release.wait()  # still uncommitted while the other writer comes
        return article_id

    try:
        slow = asyncio.create_task(slow_writer())
        await inside.wait()
        fast = asyncio.create_task(
            store.articles.add(NewArticle("Quick note from Osh", "Filed second.", "admin:1"))
        )
        await asyncio.sleep(0.3)
        seen_meanwhile = await store.db.fetch_value("SELECT max(id) FROM articles")
        release.set()
        first, (second, _) = await slow, await fast
        assert seen_meanwhile is None  # not the quick note's id, with the slow one unseen
        assert first < second
    finally:
        await store.close()


async def test_opening_brings_the_search_index_to_this_analysis(postgres_url: str) -> None:
    """A new database's index is marked as made by no analysis; opening it analyses what it
    holds (nothing here) and marks it, so that a later analysis knows to index again."""
    store = await Store.open(postgres_url)
    try:
        row = await store.db.fetch_one("SELECT analysis, backfilling FROM search_index")
        assert row is not None
        assert (row[0], row[1]) == (ANALYSIS_VERSION, 0)
    finally:
        await store.close()
