"""The search terms on real SQLite files: written with every article, kept by edits and
deletes, filled in for a database migrated in place, again when the analysis changes, resumed
after an interruption; festival links through the terms."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from storage import Store, search_index
from storage.database import bundled_migrations, connect, migrate
from storage.models import NewArticle


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


RUSSIAN = ("В Бишкеке открылся фестиваль", "Фестивали Центральной Азии.")


async def ids(store: Store, words: str) -> list[int]:
    """The ids found for ``words``."""
    return sorted(hit.article.id for hit in await store.search.hits(words, 20))


async def old_database(path: Path, count: int) -> None:
    """A database as it was before migration 0008, with ``count`` articles (two Russian)."""
    connection = await connect(path)
    await migrate(connection, bundled_migrations()[:7])
    rows = [(f"Bishkek news {n}", f"Panda story {n}.", f"f{n}") for n in range(count - 1)]
    rows.append((*RUSSIAN, "ru"))
    await connection.executemany(
        "INSERT INTO articles (title, body, source, fingerprint) VALUES (?, ?, 't', ?)", rows
    )
    await connection.commit()
    await connection.close()


async def test_an_old_database_is_analysed_and_indexed_at_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    await old_database(path, 5)
    store = await Store.open(path)
    try:
        assert await ids(store, "Бишкек") == [1, 2, 3, 4, 5]
        assert await ids(store, "festival") == [5]
        assert await ids(store, "pand*") == [1, 2, 3, 4]
        state = await store.db.fetch_one("SELECT analysis, backfilling FROM search_index")
        assert tuple(state) == (search_index.ANALYSIS_VERSION, 0)
    finally:
        await store.close()


async def test_a_large_backfill_logs_its_progress_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "old.db"
    await old_database(path, 9)
    monkeypatch.setattr(search_index, "BATCH", 2)
    monkeypatch.setattr(search_index, "PROGRESS_EVERY", 0.0)
    with caplog.at_level(logging.INFO, logger="storage.search_index"):
        store = await Store.open(path)
    try:
        assert await ids(store, "bishkek") == list(range(1, 10))
    finally:
        await store.close()
    lines = [record.getMessage() for record in caplog.records]
    assert "search index: 2 of 9 articles analysed" in lines
    assert "search index: 8 of 9 articles analysed" in lines
    assert any(line.startswith("search index: 9 articles analysed and indexed") for line in lines)


async def test_a_new_analysis_version_analyses_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.db"
    store = await Store.open(path)
    await store.articles.add(NewArticle("Golden Panda", "Awards.", "t"))
    # As an older analysis would have left it: terms that no query of today meets.
    await store.db.execute("UPDATE articles SET title_terms = 'old', body_terms = 'old'")
    assert await ids(store, "panda") == []
    await store.close()
    monkeypatch.setattr(search_index, "ANALYSIS_VERSION", "test-2")
    store = await Store.open(path)
    try:
        assert await ids(store, "panda") == [1]
        assert await ids(store, "old") == []
    finally:
        await store.close()


async def test_an_interrupted_backfill_resumes_where_it_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    await old_database(path, 6)
    calls = 0
    real_batch = search_index._batch

    async def failing_batch(*args: object, **kwargs: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError("power cut")
        return await real_batch(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search_index, "BATCH", 2)
    monkeypatch.setattr(search_index, "_batch", failing_batch)
    with pytest.raises(OSError, match="power cut"):
        await Store.open(path)
    monkeypatch.setattr(search_index, "_batch", real_batch)
    connection = await connect(path)
    async with connection.execute("SELECT backfilling, done_to FROM search_index") as cursor:
        assert tuple(await cursor.fetchone() or ()) == (1, 4)  # two batches of two were kept
    await connection.close()
    store = await Store.open(path)
    try:
        assert await ids(store, "bishkek") == [1, 2, 3, 4, 5, 6]
    finally:
        await store.close()


async def test_edits_and_deletes_keep_the_index_true(store: Store) -> None:
    article_id, _ = await store.articles.add(NewArticle("Golden Panda", "Awards in Chengdu.", "t"))
    await store.articles.edit(article_id, title="Снежный барс", body="Фильм о горах.")
    assert await ids(store, "panda") == []
    assert await ids(store, "барсы") == [article_id]
    assert await ids(store, "горы") == [article_id]
    await store.articles.delete(article_id)
    assert await ids(store, "барс") == []


async def test_a_completed_body_is_searchable(store: Store) -> None:
    article_id, _ = await store.articles.add(NewArticle("Report", "Cut short...", "t", True))
    await store.articles.add(NewArticle("Report", "Cut short, then the leopards came.", "t"))
    assert await ids(store, "leopard") == [article_id]


async def test_festival_names_are_found_through_the_terms(store: Store) -> None:
    ours, _ = await store.articles.add(
        NewArticle("News", "The Bishkek International Film Festival opened.", "t")
    )
    await store.articles.add(NewArticle("Other", "Bishkek hosts a film week.", "t"))
    batches = [
        [article.id for article in batch]
        async for batch in store.articles.containing_any(["Bishkek International Film Festival"])
    ]
    assert batches == [[ours]]
    assert [b async for b in store.articles.containing_any(["", "!!"])] == []
