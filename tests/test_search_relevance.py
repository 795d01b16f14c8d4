"""The relevance table (tests/relevance_table.py) over the fixed corpus (tests/search_corpus.py),
on SQLite and on PostgreSQL: every article a query wants is among its first 5 hits; recall@5
over the table is 1.0 (the search before issue 13 had 40 of 73, 0.548)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from storage import Store
from storage.models import NewArticle
from tests.postgres_server import PostgresServer
from tests.relevance_table import TABLE, Query
from tests.search_corpus import CORPUS, published

pytestmark = pytest.mark.asyncio(loop_scope="module")  # one stored corpus for the module

KINDS = {"english", "russian", "forms", "alphabets", "prefix", "typo"}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def corpus_location(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path | str:
    """Each backend in turn, once for the module: a SQLite file, a PostgreSQL database."""
    if request.param == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        return server.database()
    return Path(tmp_path_factory.mktemp("relevance")) / "corpus.db"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def corpus(corpus_location: Path | str) -> AsyncIterator[tuple[Store, dict[int, str]]]:
    """The corpus stored once for the module on each backend, with each id's key."""
    store = await Store.open(corpus_location)
    keys = {}
    for position, doc in enumerate(CORPUS):
        article_id, _ = await store.articles.add(
            NewArticle(doc.title, doc.body, "test", seen_on=published(position))
        )
        keys[article_id] = doc.key
    yield store, keys
    await store.close()


async def top5(corpus: tuple[Store, dict[int, str]], words: str) -> list[str]:
    """The keys of the first 5 hits for ``words``."""
    store, keys = corpus
    return [keys[hit.article.id] for hit in await store.search.hits(words, 5)]


async def test_the_table_is_large_and_covers_every_kind() -> None:
    assert len(TABLE) >= 40
    assert {query.kind for query in TABLE} == KINDS
    known = {doc.key for doc in CORPUS}
    assert all(set(query.want) <= known for query in TABLE)


@pytest.mark.parametrize("query", TABLE, ids=[f"{q.kind}:{q.words}" for q in TABLE])
async def test_query(corpus: tuple[Store, dict[int, str]], query: Query) -> None:
    found = await top5(corpus, query.words)
    assert set(query.want) <= set(found), found
    if query.kind == "typo":
        assert found == []


async def test_recall_at_5(corpus: tuple[Store, dict[int, str]]) -> None:
    wanted = found = 0
    for query in TABLE:
        hits = set(await top5(corpus, query.words))
        wanted += len(query.want)
        found += len(set(query.want) & hits)
    assert found / wanted == 1.0
