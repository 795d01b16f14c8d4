"""Concurrent writers on one SQLite file: BEGIN IMMEDIATE makes them wait, never fail."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
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
async def two_stores(tmp_path: Path) -> AsyncIterator[tuple[Store, Store]]:
    """Two Store objects (two connections) on the same file."""
    first = await Store.open(tmp_path / "shared.db")
    second = await Store.open(tmp_path / "shared.db")
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


async def test_another_process_writing_at_the_same_time(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
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
