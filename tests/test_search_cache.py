"""The search cache on SQLite and PostgreSQL: results kept while no article changes, never a
result read from another task's transaction that is then rolled back; the cache's bounds."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from storage import Store
from storage.database import Dialect
from storage.models import NewArticle
from storage.search_cache import ResultCache, generation


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


async def test_a_rolled_back_article_is_never_served_from_memory(store: Store) -> None:
    if store.db.dialect is Dialect.POSTGRES:
        pytest.skip("SQLite's one shared connection reads an open transaction; see below")
    await store.articles.add(NewArticle("Yak herders", "Yaks of the Pamir.", "t"))
    inserted, rolled_back = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with store.transaction():
            await store.articles.add(NewArticle("Ghost yak", "A yak never published.", "t"))
            inserted.set()
            await rolled_back.wait()
            raise RuntimeError("called off")

    task = asyncio.create_task(writer())
    await inserted.wait()
    during = await store.search.hits("yak")  # the shared connection reads the open transaction
    assert "Ghost yak" in [hit.article.title for hit in during]
    rolled_back.set()
    with pytest.raises(RuntimeError):
        await task

    after = [hit.article.title for hit in await store.search.hits("yak")]
    assert after == ["Yak herders"]


async def test_another_tasks_open_transaction_is_neither_read_nor_kept(
    backend_store: Store,
) -> None:
    store = backend_store
    if store.db.dialect is Dialect.SQLITE:
        pytest.skip("PostgreSQL's: a read outside a transaction sees committed rows only")
    await store.articles.add(NewArticle("Yak herders", "Yaks of the Pamir.", "t"))
    inserted, decided = asyncio.Event(), asyncio.Event()
    commit = False

    async def writer(title: str) -> None:
        async with store.transaction():
            await store.articles.add(NewArticle(title, "A yak of the writer.", "t"))
            inserted.set()
            await decided.wait()
            if not commit:
                raise RuntimeError("called off")

    task = asyncio.create_task(writer("Ghost yak"))
    await inserted.wait()
    try:
        during = [hit.article.title for hit in await store.search.hits("yak")]
    finally:
        decided.set()
    assert during == ["Yak herders"]
    with pytest.raises(RuntimeError):
        await task
    assert [hit.article.title for hit in await store.search.hits("yak")] == ["Yak herders"]

    inserted.clear()
    decided.clear()
    commit = True
    task = asyncio.create_task(writer("Committed yak"))
    await inserted.wait()
    try:
        assert len(await store.search.hits("yak")) == 1
    finally:
        decided.set()
    await task
    assert sorted(hit.article.title for hit in await store.search.hits("yak")) == [
        "Committed yak",
        "Yak herders",
    ]


async def test_edits_and_deletions_change_the_generation(store: Store) -> None:
    start = await generation(store.db)
    article_id, _ = await store.articles.add(NewArticle("Steppe", "Wide.", "t"))
    added = await generation(store.db)
    await store.articles.edit(article_id, title="Steppe wind")
    edited = await generation(store.db)
    await store.articles.delete(article_id)
    deleted = await generation(store.db)
    assert len({start, added, edited, deleted}) == 4


async def test_a_repeated_search_with_pages_writes_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await store.search.save("golden panda")
    statements: list[str] = []
    for name in ("execute", "execute_many", "fetch_all"):  # every statement goes through these
        real = getattr(store.db, name)

        def recording(sql: str, *args: object, real: Any = real) -> Any:
            statements.append(sql)
            return real(sql, *args)

        monkeypatch.setattr(store.db, name, recording)
    assert await store.search.save("golden panda") == first
    assert statements == []
    assert await store.search.save("golden pandas") != first
    assert any(sql.startswith("INSERT INTO saved_searches") for sql in statements)


def test_the_cache_keeps_one_generation_and_its_latest_results() -> None:
    cache: ResultCache[str] = ResultCache(2)
    cache.get((1, 0), "a")
    cache.put((1, 0), "a", "A")
    cache.put((1, 0), "b", "B")
    assert cache.get((1, 0), "a") == "A"  # now the latest used
    cache.put((1, 0), "c", "C")
    assert (cache.get((1, 0), "b"), cache.get((1, 0), "a")) == (None, "A")
    assert cache.get((2, 0), "a") is None  # another generation: all forgotten
    cache.put((1, 0), "a", "stale")  # made from the older articles: dropped
    assert cache.get((2, 0), "a") is None
    assert len(cache) == 0
