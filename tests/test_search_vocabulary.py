"""The index's vocabulary table (search_terms, migration 0019) on real SQLite files: filled by
every write of terms, read by "Did you mean" and prefix expansion, never trusted without MATCH,
and listed for a database migrated in place."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from storage import Store, search, search_index
from storage.articles import fingerprint
from storage.database import bundled_migrations, connect, migrate
from storage.models import NewArticle
from storage.search_index import terms_of


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


async def vocabulary(store: Store) -> set[str]:
    """Every term of the vocabulary table."""
    return {row[0] for row in await store.db.fetch_all("SELECT term FROM search_terms")}


async def found(store: Store, words: str) -> list[str]:
    """The titles ``words`` find."""
    return sorted(hit.article.title for hit in await store.search.hits(words, 20))


def terms(*texts: str) -> set[str]:
    """The index terms of ``texts``."""
    return {term for text in texts for term in terms_of(text, "")[0].split()}


async def test_every_write_of_terms_adds_them_to_the_vocabulary(store: Store) -> None:
    await store.articles.add_many(
        [NewArticle("Tulpar rides", "Karakol.", "t"), NewArticle("Issyk news", "Bokonbaev.", "t")]
    )
    assert await vocabulary(store) == terms("Tulpar rides Karakol Issyk news Bokonbaev")
    created = await store.articles.create(NewArticle("Jailoo", "Summer pastures.", "t"))
    assert terms("Jailoo", "Summer pastures") <= await vocabulary(store)
    await store.articles.edit(created.id, title="Naryn stories", body="Kochkor felt.")
    assert terms("Naryn stories", "Kochkor felt") <= await vocabulary(store)
    await store.articles.add(NewArticle("Osh news", "Uzgen and Tamga ...", "t", True))
    assert terms("Tamga") <= await vocabulary(store)
    await store.articles.add(NewArticle("Osh news", "Uzgen and Tamga, then Kemin.", "t"))
    assert terms("Kemin") <= await vocabulary(store)
    assert await store.db.fetch_value("SELECT count(*) FROM articles") == 4


async def test_a_new_articles_word_is_suggested_and_expanded_at_once(store: Store) -> None:
    await store.articles.add(NewArticle("Karakol film week", "Mountains.", "t"))
    assert await store.search.suggest("tulpra") is None
    assert await found(store, "tulpa*") == []
    await store.articles.add(NewArticle("Tulpar wins", "The horse film.", "t"))
    assert await store.search.suggest("tulpra") == "tulpar"
    assert await found(store, "tulpa*") == ["Tulpar wins"]
    await store.articles.add(NewArticle("Tulparov premiere", "A new name.", "t"))
    assert await found(store, "tulpa*") == ["Tulpar wins", "Tulparov premiere"]


@pytest.mark.parametrize("listed", [64, 1], ids=["words listed", "too many to list"])
async def test_a_prefix_finds_the_words_it_begins_and_its_own_stem_only(
    store: Store, monkeypatch: pytest.MonkeyPatch, listed: int
) -> None:
    # "Zhanys*" is stemmed to zhan (the term of "Zhanys") and zhanys: zhan is matched as a whole
    # term, not as the prefix of every name it begins (Zhanar), which a rare prefix once paid
    # for in full; so too when the words zhanys begins are too many to list (the index then
    # takes zhanys as a prefix).
    monkeypatch.setattr(search, "MAX_EXPANSION", listed)
    await store.articles.add_many(
        [
            NewArticle("Zhanysbek premiere", "Bishkek.", "t"),
            NewArticle("Zhanysgul returns", "Talas.", "t"),
            NewArticle("Zhanys returns", "Osh.", "t"),
            NewArticle("Zhanar wins", "Naryn.", "t"),
            NewArticle("Festivals of the valley", "Talas.", "t"),
            NewArticle("Festival news", "Talas.", "t"),
            NewArticle("Festivalgoers", "Talas.", "t"),
            NewArticle("Festivus dinner", "Karakol.", "t"),
        ]
    )
    assert await found(store, "Zhanys*") == [
        "Zhanys returns",
        "Zhanysbek premiere",
        "Zhanysgul returns",
    ]
    assert "Zhanar wins" in await found(store, "Zhan*")
    # festival* keeps the plural, whose term (festiv) the stemmer cut inside the typed letters
    assert await found(store, "festival*") == [
        "Festival news",
        "Festivalgoers",
        "Festivals of the valley",
    ]


async def test_a_word_only_in_a_deleted_or_edited_article_is_never_suggested(
    store: Store,
) -> None:
    gone, _ = await store.articles.add(NewArticle("Sokuluk premiere", "Valley.", "t"))
    edited, _ = await store.articles.add(NewArticle("Sokulak story", "River.", "t"))
    kept, _ = await store.articles.add(NewArticle("Sokulok market", "Bazaar.", "t"))
    assert await found(store, "Sokuluk") == ["Sokuluk premiere"]
    await store.articles.delete(gone)
    await store.articles.edit(edited, title="Valley story")
    # Both words stay in the vocabulary, the closest to what is typed; MATCH finds no article
    # holding them, so the closest word still held is suggested, and a prefix finds only what
    # is still there.
    assert {"sokuluk", "sokulak"} <= await vocabulary(store)
    assert await found(store, "Sokuluk") == []
    assert await store.search.suggest("Sokuluk") == "Sokulok"
    assert await found(store, "sokul*") == ["Sokulok market"]
    assert await found(store, "Sokuluk*") == []  # expanded to the deleted word alone
    await store.articles.delete(kept)
    assert await store.search.suggest("Sokuluk") is None
    assert await found(store, "sokul*") == []


async def schema_18_database(path: Path, titles: list[str]) -> None:
    """A database at migration 0018 with articles written as that version wrote them."""
    connection = await connect(path)
    await migrate(connection, bundled_migrations()[:18])
    await connection.execute(  # indexed as ``reindex`` leaves a new database
        "UPDATE search_index SET analysis = ?, backfilling = 0", (search_index.ANALYSIS_VERSION,)
    )
    rows = [
        (title, "A film of the steppe.", fingerprint(title), *terms_of(title, "steppe"))
        for title in titles
    ]
    await connection.executemany(
        "INSERT INTO articles (title, body, source, fingerprint, title_terms, body_terms) "
        "VALUES (?, ?, 't', ?, ?, ?)",
        rows,
    )
    await connection.commit()
    await connection.close()


async def test_a_database_at_migration_18_gets_its_vocabulary_at_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "old.db"
    titles = ["Kyrgyzfilm archive", "Tulpar wins", "Premiere in Osh", "Premier League"]
    await schema_18_database(path, titles)
    monkeypatch.setattr(search_index, "BATCH", 4)  # "a large database": the log lines
    with caplog.at_level(logging.INFO, logger="storage.search_index"):
        store = await Store.open(path)
    try:
        assert await vocabulary(store) == terms(*titles, "steppe")
        assert await store.search.suggest("kyrgyzfim") == "kyrgyzfilm"
        assert await store.search.suggest("Tulpra") == "Tulpar"
        assert await found(store, "prem*") == ["Premier League", "Premiere in Osh"]
    finally:
        await store.close()
    lines = [record.getMessage() for record in caplog.records]
    assert "search index: listing the vocabulary of ~4 articles, once" in lines
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="storage.search_index"):
        store = await Store.open(path)  # listed once: not at the next open
    await store.close()
    assert not caplog.records


async def test_a_new_analysis_version_lists_only_the_new_terms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.db"
    store = await Store.open(path)
    await store.articles.add(NewArticle("Golden Panda", "Awards.", "t"))
    await store.db.execute("INSERT INTO search_terms (term) VALUES ('oldterm')")
    await store.close()
    monkeypatch.setattr(search_index, "ANALYSIS_VERSION", "test-2")
    store = await Store.open(path)
    try:
        assert await vocabulary(store) == terms("Golden Panda", "Awards")
        assert await store.search.suggest("pnda golden") is None
        assert await store.search.suggest("golden pandda") == "golden panda"
    finally:
        await store.close()
