"""Search on PostgreSQL against SQLite: the same pages for the same corpus, the tsvector holding
exactly the analysed terms, the newest matches exact whichever way they are read (a walk down
the ids or the GIN bitmap), and a search index brought to a new analysis version."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from storage import Store, search_index
from storage.analysis import QueryTerm, query_terms, ts_query
from storage.models import NewArticle, SearchPage
from storage.search_index import FULL_TEXT, PostgresFullText, terms_of
from tests.postgres_server import PostgresServer
from tests.relevance_table import TABLE
from tests.search_corpus import CORPUS, published

pytestmark = pytest.mark.asyncio(loop_scope="module")

EXTRA_QUERIES = [
    "film",
    "фильм",
    "fest*",
    "фест*",
    "ka*",
    "festival london",
    "kazakh* cinema",
    "fesival",
    "Bishkeck festival",
    "qqqqqq",
    "AND OR NOT",
    '"',
]


@pytest.fixture(scope="module")
def locations(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """A SQLite file and a PostgreSQL database, for the module."""
    return Path(tmp_path_factory.mktemp("both")) / "corpus.db", postgres_server.database()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def both(locations: tuple[Path, str]) -> AsyncIterator[tuple[Store, Store]]:
    """The relevance corpus stored in the same order on SQLite and on PostgreSQL."""
    stores = (await Store.open(locations[0]), await Store.open(locations[1]))
    for store in stores:
        for position, doc in enumerate(CORPUS):
            await store.articles.add(
                NewArticle(doc.title, doc.body, "test", seen_on=published(position))
            )
    yield stores
    for store in stores:
        await store.close()


def shown(page: SearchPage) -> tuple[object, ...]:
    """What a reader is shown of a page (each backend stamps its own ``created_at``)."""
    hits = [(hit.article.id, hit.title, hit.snippet, hit.score) for hit in page.hits]
    return hits, page.offset, page.total, page.more, page.ranked


@pytest.mark.parametrize("words", [query.words for query in TABLE] + EXTRA_QUERIES)
async def test_both_backends_give_the_same_page(both: tuple[Store, Store], words: str) -> None:
    sqlite, postgres = [shown(await store.search.find(words, limit=10)) for store in both]
    assert postgres == sqlite
    assert await both[1].search.suggest(words) == await both[0].search.suggest(words)


async def test_the_corpus_finds_something_on_postgres(both: tuple[Store, Store]) -> None:
    page = await both[1].search.find("film", limit=10)
    assert len(page.hits) == 10
    assert page.total > 10


async def test_the_tsvector_holds_exactly_the_analysed_terms(both: tuple[Store, Store]) -> None:
    rows = await both[1].db.fetch_all(
        "SELECT title_terms, body_terms, tsvector_to_array(terms) FROM articles"
    )
    assert len(rows) == len(CORPUS)
    for title_terms, body_terms, lexemes in rows:
        assert set(lexemes) == set(f"{title_terms} {body_terms}".split())


async def test_quotes_and_backslashes_stay_inside_their_lexeme(both: tuple[Store, Store]) -> None:
    odd = QueryTerm("x", "x", ("it's", "a\\b", "c d"), False)
    query = ts_query([odd, QueryTerm("y", "y", ("pre",), True)])
    assert query is not None
    parsed = await both[1].db.fetch_value("SELECT CAST(? AS tsquery)::text", (query,))
    assert parsed == "( 'it''s' | 'a\\\\b' | 'c d' ) & 'pre':*"


# --- the newest matches, walked or from the bitmap ---------------------------------------------


async def fill(store: Store, count: int, seed: int) -> dict[int, set[str]]:
    """``count`` articles whose words come at chosen rates: ``common``/``other`` in turns of
    half the articles, ``both`` in a few old ones, ``every`` in all, ``some`` in a tenth,
    ``rare`` in four; each id's words."""
    rng = random.Random(seed)
    news = []
    for number in range(count):
        words = {"every", "common" if number < count // 2 else "other"}
        if number % 10 == rng.randrange(10):
            words.add("some")
        if number in (3, 5, count // 3):
            words |= {"common", "other"}
        if number in (1, count // 4, count // 2, count - 40):
            words.add("rare")
        news.append(NewArticle(f"Story {number}", " ".join(sorted(words)), "t"))
    added = await store.articles.add_many(news)
    return {
        article_id: set(new.body.split()) for (article_id, _), new in zip(added, news, strict=True)
    }


def newest(words: dict[int, set[str]], wanted: set[str], limit: int, below: int) -> list[int]:
    """The ``limit`` newest ids below ``below`` holding every one of ``wanted``, in Python."""
    found = [article_id for article_id, held in words.items() if wanted <= held]
    return sorted((one for one in found if one < below), reverse=True)[:limit]


@pytest.fixture(scope="module")
def filled_url(postgres_server: PostgresServer) -> str:
    """A database for ``filled`` (made outside the event loop: the server runs its own)."""
    return postgres_server.database()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def filled(filled_url: str) -> AsyncIterator[tuple[Store, dict[int, set[str]]]]:
    """3,000 articles of chosen word rates on PostgreSQL."""
    store = await Store.open(filled_url)
    words = await fill(store, 3_000, seed=7)
    await store.db.execute("ANALYZE articles")
    yield store, words
    await store.close()


def recorded(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements the store's database runs from now on."""
    statements: list[str] = []
    real = store.db.fetch_all

    def recording(sql: str, *args: Any) -> Any:
        statements.append(sql)
        return real(sql, *args)

    monkeypatch.setattr(store.db, "fetch_all", recording)
    return statements


@pytest.mark.parametrize(
    ("words", "way"),
    [
        ({"common", "other"}, "bitmap"),  # two common words that rarely meet
        ({"rare"}, "bitmap"),
        ({"every"}, "walk"),
        ({"other", "every"}, "walk"),
        ({"some"}, "either"),  # a tenth: walked on, or the bitmap of 3,000 articles
        ({"some", "common"}, "bitmap"),  # none in the newest half
    ],
)
@pytest.mark.parametrize("wanted", [1, 20, 200, 5_000])
async def test_the_newest_matches_are_exact_whichever_way_they_are_read(
    filled: tuple[Store, dict[int, set[str]]],
    monkeypatch: pytest.MonkeyPatch,
    words: set[str],
    way: str,
    wanted: int,
) -> None:
    store, held = filled
    full_text = FULL_TEXT[store.db.dialect]
    assert isinstance(full_text, PostgresFullText)
    query = full_text.query(query_terms(" ".join(sorted(words))))
    assert query is not None
    for below in (2**63 - 1, 2_000, 10):
        statements = recorded(store, monkeypatch)
        rows = await full_text.newest(store.db, query, wanted, "id", below)
        assert [row[0] for row in rows] == newest(held, words, wanted, below)
        monkeypatch.undo()
        if below == 2**63 - 1 and wanted == 200:
            used = {"walk" if "search_walk" in sql else "bitmap" for sql in statements[1:]}
            if way != "either":
                assert way in used
            if way == "walk":
                assert used == {"walk"}
    expected = len(newest(held, words, 10**9, 2**63 - 1))
    assert await full_text.count(store.db, query, wanted) == min(expected, wanted)
    newest_ids = [row[0] for row in await full_text.newest(store.db, query, wanted, "id")]
    cap = 2 * wanted + 5  # counted on from the newest, walked or from the bitmap
    assert await full_text.count(store.db, query, cap, newest_ids) == min(expected, cap)
    assert await full_text.exists(store.db, query)


async def test_two_common_words_that_rarely_meet_are_read_from_the_bitmap(
    filled: tuple[Store, dict[int, set[str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, held = filled
    statements = recorded(store, monkeypatch)
    page = await store.search.find("common other", limit=5)
    assert page.total == 3  # articles 4, 6 and 1,001 (ids from 1)
    assert sorted((hit.article.id for hit in page.hits), reverse=True) == newest(
        held, {"common", "other"}, 5, 2**63
    )
    walks = [sql for sql in statements if "search_walk" in sql]
    assert any("search_bitmap" in sql for sql in statements)
    assert len(walks) <= 3  # the first walk of each word's newest and of the search: no more


# --- a new analysis version --------------------------------------------------------------------


async def test_a_new_analysis_version_analyses_every_article_again(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await Store.open(postgres_url)
    try:
        assert await search_index.reindex_postgres(store.db) == 0  # a new database: no article
        for number in range(5):
            await store.articles.add(NewArticle(f"Golden Panda {number}", "Awards.", "t"))
        await store.db.execute("UPDATE articles SET title_terms = 'old', body_terms = 'old'")
        await store.db.execute("INSERT INTO search_terms (term) VALUES ('oldterm')")
        assert await store.search.hits("panda") == []
        assert await search_index.reindex_postgres(store.db) == 0  # the same version: kept
        monkeypatch.setattr(search_index, "ANALYSIS_VERSION", "test-2")
        assert await search_index.reindex_postgres(store.db, batch=2) == 5
        state = await store.db.fetch_one("SELECT analysis, backfilling, done_to FROM search_index")
        assert state is not None
        assert tuple(state) == ("test-2", 0, 5)
        assert len(await store.search.hits("panda", 10)) == 5
        assert await store.search.hits("old") == []
        terms = {row[0] for row in await store.db.fetch_all("SELECT term FROM search_terms")}
        assert "oldterm" not in terms
        assert set(" ".join(terms_of("Golden Panda 0", "Awards.")).split()) <= terms
        assert await search_index.reindex_postgres(store.db) == 0  # done: nothing again
    finally:
        await store.close()


async def test_an_empty_vocabulary_is_listed_from_the_articles(postgres_url: str) -> None:
    store = await Store.open(postgres_url)
    try:
        await search_index.reindex_postgres(store.db)
        await store.articles.add(NewArticle("Tulpar wins", "The horse film.", "t"))
        await store.db.execute("DELETE FROM search_terms")  # written around the repositories
        assert await store.search.suggest("tulpra") is None
        await search_index.reindex_postgres(store.db)
        terms = {row[0] for row in await store.db.fetch_all("SELECT term FROM search_terms")}
        assert terms == set(" ".join(terms_of("Tulpar wins", "The horse film.")).split())
    finally:
        await store.close()
