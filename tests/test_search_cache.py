"""The search cache on a real SQLite file: results kept while no article changes, never a
result read from another task's transaction that is then rolled back; the cache's bounds."""

from __future__ import annotations

import asyncio

import pytest

from storage import Store
from storage.models import NewArticle
from storage.search_cache import ResultCache, generation


async def test_a_rolled_back_article_is_never_served_from_memory(store: Store) -> None:
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


async def test_edits_and_deletions_change_the_generation(store: Store) -> None:
    start = await generation(store.db)
    article_id, _ = await store.articles.add(NewArticle("Steppe", "Wide.", "t"))
    added = await generation(store.db)
    await store.articles.edit(article_id, title="Steppe wind")
    edited = await generation(store.db)
    await store.articles.delete(article_id)
    deleted = await generation(store.db)
    assert len({start, added, edited, deleted}) == 4


async def test_a_repeated_search_with_pages_writes_nothing(store: Store) -> None:
    first = await store.search.save("golden panda")
    changes = store.db.connection.total_changes
    assert await store.search.save("golden panda") == first
    assert store.db.connection.total_changes == changes


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
