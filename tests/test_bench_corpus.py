"""The storage benchmark's corpus and cached databases (bench/pages.py, bench/articles_db.py):
chunks made apart are the same stream, both languages are there, the vocabulary grows with the
corpus, and a cached database follows the real migrations (built again when they change)."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bench import articles_db
from bench import pages as generated
from storage import Store
from storage.database import bundled_migrations
from storage.models import SearchHit

_WORD = re.compile(r"\w+")


def words_of(articles: list[generated.GenArticle]) -> set[str]:
    """The distinct lower-case words of the articles' bodies."""
    return {word for article in articles for word in _WORD.findall(article.body.lower())}


def test_chunks_made_apart_are_the_stream() -> None:
    corpus = generated.Corpus(2_300, words=(40, 80))
    chunks = [article for number in range(corpus.chunks) for article in corpus.chunk(number)]
    again = list(generated.Corpus(2_300, words=(40, 80)))
    assert corpus.chunks == 3
    assert chunks == again
    assert len({article.title for article in again}) > 2_250


def test_both_languages_in_the_bodies() -> None:
    articles = generated.Corpus(1_000, words=(40, 80)).chunk(0)
    russian = [a for a in articles if re.search("[а-я]", a.title.split(":", 1)[1])]
    assert 150 < len(russian) < 250  # a fifth
    assert all(re.search("[a-z]", a.body) for a in russian)  # names, and mixed sentences
    mixed = [a for a in articles if a not in russian and re.search("[а-я]", a.body)]
    assert len(mixed) > 40  # a tenth of the English ones carry a Russian sentence


def test_the_vocabulary_grows_with_the_corpus() -> None:
    small = generated.Corpus(2_000, words=(40, 80))
    large = generated.Corpus(50_000, words=(40, 80))
    first, last = words_of(large.chunk(0)), words_of(large.chunk(large.chunks - 1))
    assert len(last - first) > 2 * len(first - last)  # new words keep appearing late
    assert len(words_of(large.chunk(large.chunks - 1))) > 1.5 * len(words_of(small.chunk(1)))


SIZE = 600


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of cached databases holding one of ``SIZE`` articles in the current schema."""
    folder = tmp_path_factory.mktemp("out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(articles_db, "OUT", folder)
        articles_db.database_for(SIZE, rebuild=False)
    return folder


def test_a_cached_database_follows_the_migrations(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(articles_db, "OUT", out)
    made = (out / f"articles-{SIZE}.db").stat().st_mtime_ns
    path, built = articles_db.database_for(SIZE, rebuild=False)
    assert path.stat().st_mtime_ns == made  # cached: not built again
    latest = bundled_migrations()[-1].version
    assert built["schema"] == latest
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == latest
        stored = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        untagged = connection.execute("SELECT count(*) FROM articles WHERE tags IS NULL")
        assert untagged.fetchone()[0] == 0
    assert built["stored"] == stored > SIZE - 10  # a title made twice is stored once

    marker = path.with_suffix(".done")
    marker.write_text(json.dumps(built | {"schema": latest - 1}))  # built before a migration
    assert articles_db.database_for(SIZE, rebuild=False)[1]["schema"] == latest
    assert json.loads(marker.read_text())["schema"] == latest
    assert path.stat().st_mtime_ns != made


def test_a_cached_database_is_searched_as_the_bot_would(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(articles_db, "OUT", out)
    path, _ = articles_db.database_for(SIZE, rebuild=False)
    old, _ = articles_db.database_for(SIZE, rebuild=False, schema=articles_db.OLD)
    name = generated.names_of(300, SIZE)[0]

    async def search() -> list[SearchHit]:
        store = await Store.open(path)
        try:
            return await store.search.hits(name, limit=20)
        finally:
            await store.close()

    hits = asyncio.run(search())
    assert hits
    assert all(name in hit.article.body for hit in hits)
    with closing(sqlite3.connect(old)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == articles_db.OLD_SCHEMA
        found = connection.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (name,)
        ).fetchone()[0]
    assert found == len(hits)  # the same articles in both schemas
    assert articles_db.size_of(old) < articles_db.size_of(path)
