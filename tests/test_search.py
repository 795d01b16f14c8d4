"""Search on SQLite and PostgreSQL: snippets in original forms, "Did you mean", saved searches,
paging, hostile queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import Store
from storage.analysis import index_terms, query_terms
from storage.errors import NotFound
from storage.models import MATCH_END, MATCH_START, NewArticle
from storage.snippets import Marker, marked


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


def marks(snippet: str | None) -> list[str]:
    """The marked words of a snippet."""
    assert snippet is not None
    return [part.split(MATCH_END)[0] for part in snippet.split(MATCH_START)[1:]]


def test_matches_are_marked_in_their_own_form_and_alphabet() -> None:
    text = "В Бишкеке прошли фестивали; the Bishkek festival's guests (festivals)."
    assert marks(marked(text, query_terms("Bishkek festival"))) == [
        "Бишкеке",
        "фестивали",
        "Bishkek",
        "festival's",
        "festivals",
    ]
    assert marks(marked("Pandas, a panda and the pandemic", query_terms("pand*"))) == [
        "Pandas",
        "panda",
        "pandemic",
    ]
    assert marked("Nothing here", query_terms("panda")) is None


def test_a_long_text_gives_the_window_with_the_most_matches() -> None:
    text = " ".join(["filler"] * 50 + ["panda", "and", "panda"] + ["filler"] * 50)
    snippet = marked(text, query_terms("panda"), size=10)
    assert snippet is not None
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert marks(snippet) == ["panda", "panda"]
    assert len(snippet.split()) <= 12


@pytest.mark.parametrize("at", [0, 150, 296])
def test_a_long_text_is_read_only_around_where_its_terms_match(at: int) -> None:
    words = [f"Кино{n} filler{n}" for n in range(300)]
    words[at : at + 2] = ["в Бишкеке", "the Bishkek festival"]
    text = " ".join(words)
    terms = query_terms("Bishkek festival")
    whole = marked(text, terms, size=24)
    assert Marker(terms).marked(text, 24, index_terms(text)) == whole
    assert marks(whole) == ["Бишкеке", "Bishkek", "festival"]
    # Terms that point nowhere (or elsewhere) cost a full reading, never a snippet without
    # the matches.
    assert Marker(terms).marked(text, 24, index_terms("nothing " * 300)) == whole
    misled = Marker(terms).marked(text, 24, index_terms(" ".join(reversed(words))))
    assert marks(misled) == marks(whole)


async def test_hits_carry_the_marked_title_and_body(store: Store) -> None:
    await store.articles.add(
        NewArticle("Фестиваль в Бишкеке", "The Bishkek festival opened.", "t")
    )
    [hit] = await store.search.hits("Bishkek")
    assert marks(hit.title) == ["Бишкеке"]
    assert marks(hit.snippet) == ["Bishkek"]
    [hit] = await store.search.hits("opened")
    assert hit.title == "Фестиваль в Бишкеке"  # nothing to mark in it


async def test_pages_follow_each_other_without_repeats(store: Store) -> None:
    for n in range(12):
        await store.articles.add(NewArticle(f"Steppe story {n}", "Body.", "t"))
    pages = [await store.search.find("steppe", offset=offset, limit=5) for offset in (0, 5, 10)]
    seen = [hit.article.id for page in pages for hit in page.hits]
    assert sorted(seen) == list(range(1, 13))
    assert [len(page.hits) for page in pages] == [5, 5, 2]
    assert {(page.total, page.more, page.ranked) for page in pages} == {(12, False, 12)}
    assert (await store.search.find("steppe", offset=15)).hits == ()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("fesival", "festival"), ("Bishkeck", "Bishkek"), ("фестевали", "фестивали")],
)
async def test_a_typo_gets_a_word_of_the_index(store: Store, typed: str, meant: str) -> None:
    await store.articles.add(NewArticle("Bishkek festival", "Фестивали в Бишкеке.", "t"))
    assert await store.search.hits(typed) == []
    assert await store.search.suggest(typed) == meant


async def test_only_the_word_that_finds_nothing_is_replaced(store: Store) -> None:
    await store.articles.add(NewArticle("Golden Panda awards", "Chengdu.", "t"))
    assert await store.search.suggest("golden panad") == "golden panda"
    assert await store.search.suggest("golden pnda") is None  # the first two letters must match
    assert await store.search.suggest("golden panda") is None  # nothing to correct
    assert await store.search.suggest("qqqqqq") is None  # nothing close
    assert await store.search.suggest("golden chengdu") is None  # each found, not together


async def test_saved_searches_give_their_words_back(store: Store) -> None:
    first = await store.search.save("golden panda")
    assert await store.search.save("golden panda") == first
    assert await store.search.saved(first) == "golden panda"
    assert await store.search.save("фестиваль " * 20) != first
    with pytest.raises(NotFound):
        await store.search.saved(first + 100)


async def test_old_saved_searches_are_forgotten(store: Store) -> None:
    old = await store.search.save("old words")
    forty_days_ago = (datetime.now(UTC) - timedelta(days=40)).date().isoformat()
    await store.db.execute("UPDATE saved_searches SET used_on = ?", (forty_days_ago,))
    await store.search.save("new words")
    with pytest.raises(NotFound):
        await store.search.saved(old)


@pytest.mark.parametrize(
    "words",
    ['"', "NEAR(", "*", "AND OR NOT", "x" * 4000, "🎬🍿", "{title}: x", "a* b*", "^film", "\x00"],
)
async def test_hostile_queries_find_plain_words_or_nothing(store: Store, words: str) -> None:
    await store.articles.add(NewArticle("Near and far", "Not a film, or is it?", "t"))
    page = await store.search.find(words)
    assert page.total == len(page.hits) <= 1
