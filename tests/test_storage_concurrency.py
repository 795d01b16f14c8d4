"""Concurrent writers on one database: they wait for each other, never fail (SQLite's BEGIN
IMMEDIATE; on PostgreSQL, article writers take turns too)."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from storage import Store
from storage.articles import AddOutcome
from storage.models import NewArticle

WRITES = 40

# A second process adding articles to the same file, each in its own transaction.
WRITER = """
import asyncio, sys
from storage import Store
from storage.models import NewArticle

async def main(path: str, count: int) -> None:
    store = await Store.open(path)
    try:
        print("ready", flush=True)
        for n in range(count):
            await store.articles.add(NewArticle(f"From the other process {n}", "Body.", "proc"))
    finally:
        await store.close()

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


@pytest.fixture
async def two_stores(backend_location: Path | str) -> AsyncIterator[tuple[Store, Store]]:
    """Two Store objects (two processes' connections) on the same database, on each backend."""
    first = await Store.open(backend_location)
    second = await Store.open(backend_location)
    yield first, second
    await first.close()
    await second.close()


async def add_many(store: Store, prefix: str) -> list[AddOutcome]:
    """Add ``WRITES`` articles one by one; their outcomes."""
    outcomes = []
    for n in range(WRITES):
        _, outcome = await store.articles.add(NewArticle(f"{prefix} {n}", "Body.", prefix))
        outcomes.append(outcome)
    return outcomes


async def test_two_stores_writing_at_once_both_succeed(two_stores: tuple[Store, Store]) -> None:
    first, second = two_stores
    results = await asyncio.gather(add_many(first, "first"), add_many(second, "second"))
    assert results == [[AddOutcome.ADDED] * WRITES] * 2
    assert await first.articles.count() == await second.articles.count() == 2 * WRITES


async def test_the_same_article_from_two_stores_is_stored_once(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    article = NewArticle("Golden Panda Awards open in Chengdu", "Body.", "test")
    results = await asyncio.gather(*(store.articles.add(article) for store in two_stores * 5))
    assert sorted(outcome for _, outcome in results).count(AddOutcome.ADDED) == 1
    assert len({article_id for article_id, _ in results}) == 1
    assert await first.articles.count() == await second.articles.count() == 1


async def test_a_writer_waits_for_a_long_transaction_of_another_store(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    holding = asyncio.Event()

    async def long_transaction() -> None:
        async with first.transaction():
            await first.articles.add(NewArticle("Written first", "Body.", "first"))
            holding.set()
            await asyncio.sleep(0.3)  # the other store's BEGIN IMMEDIATE must wait meanwhile

    async def writer() -> int:
        await holding.wait()
        article_id, _ = await second.articles.add(NewArticle("Written second", "Body.", "second"))
        return article_id

    _, second_id = await asyncio.gather(long_transaction(), writer())
    assert [a.title for a in await second.articles.latest(5)] == [
        "Written second",
        "Written first",
    ]
    assert second_id == await first.articles.last_id()


async def test_tasks_sharing_one_store_do_not_interleave_transactions(store: Store) -> None:
    async def grouped(prefix: str) -> None:
        async with store.transaction():
            for n in range(5):
                await store.articles.add(NewArticle(f"{prefix} {n}", "Body.", prefix))
                await asyncio.sleep(0)

    await asyncio.gather(*(grouped(f"group {g}") for g in range(4)))
    titles = [article.title for article in reversed(await store.articles.latest(20))]
    # Each transaction's five articles got consecutive ids.
    assert [title.rsplit(" ", 1)[0] for title in titles] == [
        title.rsplit(" ", 1)[0] for title in titles[::5] for _ in range(5)
    ]
    assert len(titles) == 20


async def test_another_process_writing_at_the_same_time(backend_location: Path | str) -> None:
    path = backend_location
    store = await Store.open(path)
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            WRITER,
            str(path),
            str(WRITES),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        assert await process.stdout.readline() == b"ready\n"
        ours = await add_many(store, "this process")
        _, errors = await process.communicate()
        assert process.returncode == 0, errors.decode()
        assert ours == [AddOutcome.ADDED] * WRITES
        assert await store.articles.count() == 2 * WRITES
    finally:
        await store.close()


def test_begin_immediate_on_a_stale_read_snapshot_fails_at_once(tmp_path: Path) -> None:
    """The mechanism behind "database is locked" next to an ingest, in plain sqlite3 (SQLite's
    alone: PostgreSQL has no such upgrade).

    A statement left open holds a read snapshot; once another connection commits, SQLite can't
    upgrade that snapshot to a writer, and BEGIN IMMEDIATE fails without waiting its busy timeout.
    """
    path = tmp_path / "plain.db"
    with (
        closing(sqlite3.connect(path, isolation_level=None, timeout=5)) as ours,
        closing(sqlite3.connect(path, isolation_level=None, timeout=5)) as other,
    ):
        ours.execute("PRAGMA journal_mode = WAL")
        ours.execute("CREATE TABLE t (n INTEGER)")
        ours.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
        reading = ours.execute("SELECT n FROM t")
        assert reading.fetchone() == (1,)  # the statement is still open: a snapshot is held
        other.execute("INSERT INTO t VALUES (3)")  # another process commits meanwhile
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            ours.execute("BEGIN IMMEDIATE")
        reading.close()  # with no statement open, the same BEGIN IMMEDIATE succeeds
        ours.execute("BEGIN IMMEDIATE")
        ours.execute("INSERT INTO t VALUES (4)")
        ours.execute("COMMIT")
        assert other.execute("SELECT count(*) FROM t").fetchone() == (4,)


async def test_reads_and_writes_sharing_a_connection_never_see_database_locked(
    two_stores: tuple[Store, Store],
) -> None:
    """Readers, writers of the shared connection and another connection's commits, at once."""
    ours, other = two_stores
    first, _ = await ours.articles.add(NewArticle("The first article", "Body.", "test"))

    async def read() -> None:
        for _ in range(600):
            assert (await ours.articles.get(first)).title == "The first article"
            await ours.articles.count()

    async def write(store: Store, prefix: str) -> None:
        for n in range(150):
            await store.articles.add(NewArticle(f"{prefix} {n}", "Body.", prefix))

    await asyncio.gather(read(), read(), write(ours, "ours"), write(other, "other"))
    assert await ours.articles.count() == 301
