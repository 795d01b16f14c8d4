"""Articles in the news's order (their own date, then id), paged both ways; /edit in place,
the search index included; drafts kept apart until published."""

from __future__ import annotations

from datetime import date

import pytest

from storage import Conflict, NotFound, Store
from storage.articles import AddOutcome
from storage.models import NewArticle


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


def new(title: str, body: str = "A body.", **fields: object) -> NewArticle:
    """A new article from the tests."""
    return NewArticle(title=title, body=body, source="test", **fields)  # type: ignore[arg-type]


async def add_all(store: Store, *titles: str) -> list[int]:
    """Add articles with these titles in order; their ids."""
    return [(await store.articles.add(new(title)))[0] for title in titles]


async def _found(store: Store, words: str) -> list[int]:
    """The ids of the articles a search finds."""
    return [hit.article.id for hit in (await store.search.find(words)).hits]


async def test_latest_pages_on_past_a_position(store: Store) -> None:
    ids = await add_all(store, *(f"Article number {n}" for n in range(1, 8)))
    articles = {a.id: a for a in await store.articles.latest(10)}
    assert [a.id for a in await store.articles.latest(3)] == ids[6:3:-1]
    assert [a.title for a in await store.articles.latest(3)] == [
        "Article number 7",
        "Article number 6",
        "Article number 5",
    ]
    at = articles[ids[4]].position
    assert [a.id for a in await store.articles.latest(3, older_than=at)] == ids[3:0:-1]
    assert [a.id for a in await store.articles.latest(3, older_than=at, inclusive=True)] == (
        ids[4:1:-1]
    )
    assert [
        a.id for a in await store.articles.latest(3, older_than=articles[ids[1]].position)
    ] == [ids[0]]
    assert await store.articles.latest(3, older_than=articles[ids[0]].position) == []


async def test_articles_are_ordered_by_their_own_date_then_id(store: Store) -> None:
    december = (await store.articles.add(new("December", seen_on=date(2030, 12, 1))))[0]
    february = [
        (await store.articles.add(new(title, seen_on=date(2026, 2, day))))[0]
        for title, day in (("February 7", 7), ("February 13", 13), ("Also February 7", 7))
    ]
    undated = (await store.articles.add(new("Stored today, no date")))[0]
    today = (await store.articles.get(undated)).created_at.date()
    assert date(2026, 2, 13) < today < date(2030, 12, 1)
    order = [december, undated, february[1], february[2], february[0]]

    assert [a.id for a in await store.articles.latest(10)] == order
    assert [a.id for a in await store.articles.newer_than(0, 10)] == order
    # The digest's watermark is an id: what was stored after it, in the order of the news.
    assert [a.id for a in await store.articles.newer_than(february[0], 10)] == [
        undated,
        february[1],
        february[2],
    ]
    pages = await store.articles.latest(10)
    middle = pages[2].position
    assert [a.id for a in await store.articles.latest(2, older_than=middle)] == order[3:5]
    assert [a.id for a in await store.articles.newer(2, middle)] == order[:2]
    assert [a.id for a in await store.articles.newer(1, middle)] == order[1:2]
    assert await store.articles.newer(5, pages[0].position) == []
    assert [a.id for a in await store.articles.newer(5, pages[-1].position)] == order[:4]


async def test_edit_changes_title_and_body_in_place_and_in_the_search(store: Store) -> None:
    first, second = await add_all(store, "Almaty premiere of Qaitadan", "Bishkek jury named")

    edited = await store.articles.edit(first, title="Astana premiere of Qaitadan")
    assert (edited.id, edited.title, edited.body) == (
        first,
        "Astana premiere of Qaitadan",
        "A body.",
    )
    assert await _found(store, "Astana") == [first]
    assert await _found(store, "Almaty") == []

    edited = await store.articles.edit(first, body="Screened in Turkistan.")
    assert (edited.title, edited.body) == ("Astana premiere of Qaitadan", "Screened in Turkistan.")
    assert await _found(store, "Turkistan") == [first]

    with pytest.raises(Conflict) as caught:
        await store.articles.edit(first, title="BISHKEK jury named!")
    assert caught.value.existing_id == second
    with pytest.raises(NotFound):
        await store.articles.edit(999, title="Anything")
    # The source's title still names the article: ingesting it again adds nothing.
    assert (await store.articles.add(new("Almaty premiere of Qaitadan")))[1] is AddOutcome.SKIPPED
    assert await store.articles.with_title("Astana premiere of Qaitadan") == first
    assert await store.articles.with_title("almaty premiere of qaitadan") == first
    assert await store.articles.with_title("Nothing like it") is None


async def test_drafts_are_kept_apart_until_published(store: Store) -> None:
    (seeded,) = await add_all(store, "Seeded")
    draft = await store.drafts.create("Draft title", "Draft body.", 42)
    assert [a.id for a in await store.articles.latest(10)] == [seeded]
    assert await _found(store, "draft") == []
    assert (await store.drafts.get(draft.id)).article_id is None

    article = await store.articles.create(new(draft.title, draft.body))
    await store.drafts.published(draft.id, article.id)
    assert (await store.drafts.get(draft.id)).article_id == article.id
    with pytest.raises(NotFound):
        await store.drafts.published(draft.id, article.id)  # once only
    with pytest.raises(NotFound):
        await store.drafts.discard(draft.id)  # a published draft is not discarded

    other = await store.drafts.create("Another", "Body.", 42)
    assert (await store.drafts.discard(other.id)).title == "Another"
    with pytest.raises(NotFound):
        await store.drafts.get(other.id)
