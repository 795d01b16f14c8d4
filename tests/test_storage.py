"""Repositories on a real SQLite file: articles, search, festivals, rates, audit, ingest log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from storage import Conflict, NotFound, Store
from storage import articles as articles_module
from storage.articles import AddOutcome, fingerprint
from storage.database import Dialect
from storage.models import MATCH_END, MATCH_START, NewArticle, NewFestival, Rate


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


def rate(currency: str, value: str, day: int, change: str | None = "0", base: str = "USD") -> Rate:
    """A rate of February 2026."""
    return Rate(
        currency=currency,
        base=base,
        value=Decimal(value),
        change_pct=None if change is None else Decimal(change),
        as_of=date(2026, 2, day),
        source="test",
    )


# --- articles: add, create, get, delete ---------------------------------------------------------


async def test_add_stores_an_article_with_all_its_fields(store: Store) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    article_id, outcome = await store.articles.add(
        new("Bishkek hosts a festival", "Nine films compete.", seen_on=date(2026, 2, 7))
    )
    assert outcome is AddOutcome.ADDED
    article = await store.articles.get(article_id)
    assert (article.title, article.body, article.truncated) == (
        "Bishkek hosts a festival",
        "Nine films compete.",
        False,
    )
    assert (article.source, article.seen_on, article.url) == ("test", date(2026, 2, 7), None)
    assert before - timedelta(seconds=1) <= article.created_at <= datetime.now(UTC)
    assert article.created_at.tzinfo is not None


@pytest.mark.parametrize(
    "same_title",
    [
        "Golden Panda Awards in Chengdu",
        "GOLDEN PANDA AWARDS IN CHENGDU",
        "Golden  Panda — Awards, in Chengdú!",
    ],
)
async def test_add_skips_an_article_with_the_same_normalised_title(
    store: Store, same_title: str
) -> None:
    first_id, _ = await store.articles.add(new("Golden Panda Awards in Chengdu", "First."))
    again_id, outcome = await store.articles.add(new(same_title, "Second."))
    assert (again_id, outcome) == (first_id, AddOutcome.SKIPPED)
    assert (await store.articles.get(first_id)).body == "First."
    assert await store.articles.count() == 1


def test_fingerprint_tells_different_titles_apart() -> None:
    assert fingerprint("Kazakh film wins") == fingerprint("  kazakh FILM wins. ")
    assert fingerprint("Kazakh film wins") != fingerprint("Kazakh film loses")
    assert fingerprint("Фестиваль кино") == fingerprint("ФЕСТИВАЛЬ  КИНО")


async def test_add_completes_a_cut_body(store: Store) -> None:
    article_id, _ = await store.articles.add(new("La Tregua", "The story is...", truncated=True))
    again_id, outcome = await store.articles.add(new("La Tregua", "The story is long. The end."))
    assert (again_id, outcome) == (article_id, AddOutcome.UPDATED)
    article = await store.articles.get(article_id)
    assert (article.body, article.truncated) == ("The story is long. The end.", False)
    # Once complete it is never replaced again, not even by a longer cut copy.
    _, outcome = await store.articles.add(new("La Tregua", "x" * 500, truncated=True))
    assert outcome is AddOutcome.SKIPPED
    assert (await store.articles.get(article_id)).body == "The story is long. The end."


async def test_a_longer_cut_body_replaces_a_shorter_one_but_not_the_reverse(
    store: Store,
) -> None:
    article_id, _ = await store.articles.add(new("Qash", "Short", truncated=True))
    _, outcome = await store.articles.add(new("Qash", "Short and longer", truncated=True))
    assert outcome is AddOutcome.UPDATED
    _, outcome = await store.articles.add(new("Qash", "Short and", truncated=True))
    assert outcome is AddOutcome.SKIPPED
    article = await store.articles.get(article_id)
    assert (article.body, article.truncated) == ("Short and longer", True)


async def test_add_many_does_what_add_would_one_by_one(store: Store) -> None:
    [kept] = await add_all(store, "Already there")
    cut_id, _ = await store.articles.add(new("Cut before", "Part...", truncated=True))
    results = await store.articles.add_many(
        [
            new("First new", "One."),
            new("Already there", "Other."),
            new("Cut in batch", "Begins...", truncated=True),
            new("first NEW!", "Duplicate in the batch."),
            new("Cut in batch", "Begins and ends."),
            new("Cut before", "Part and the rest."),
            new("Cut before", "Part, the rest and more."),
            new("Second new", "Two."),
        ]
    )
    first, cut_in_batch, second = cut_id + 1, cut_id + 2, cut_id + 3
    assert results == [
        (first, AddOutcome.ADDED),
        (kept, AddOutcome.SKIPPED),
        (cut_in_batch, AddOutcome.ADDED),
        (first, AddOutcome.SKIPPED),
        (cut_in_batch, AddOutcome.UPDATED),
        (cut_id, AddOutcome.UPDATED),
        (cut_id, AddOutcome.SKIPPED),
        (second, AddOutcome.ADDED),
    ]
    completed = await store.articles.get(cut_in_batch)
    assert (completed.title, completed.body, completed.truncated) == (
        "Cut in batch",
        "Begins and ends.",
        False,
    )
    assert (await store.articles.get(cut_id)).body == "Part and the rest."
    assert (await store.articles.get(first)).body == "One."
    assert await store.articles.count() == 5
    assert await store.articles.add_many([]) == []


async def test_add_many_gives_ids_in_order(store: Store) -> None:
    results = await store.articles.add_many([new(f"Title {n}") for n in range(1200)])
    ids = [article_id for article_id, _ in results]
    assert ids == list(range(1, 1201))
    assert (await store.articles.get(ids[-1])).title == "Title 1199"


async def test_a_taken_url_is_the_same_article_whatever_its_title(store: Store) -> None:
    # Matched by URL first (a feed may retitle an item), then by title (issue 11).
    first_id, _ = await store.articles.add(new("One", url="https://example.org/a"))
    assert await store.articles.add(new("Two", url="https://example.org/a")) == (
        first_id,
        AddOutcome.SKIPPED,
    )
    assert [a.title for a in await store.articles.latest(5)] == ["One"]


async def test_create_refuses_a_taken_title_naming_the_existing_article(store: Store) -> None:
    created = await store.articles.create(new("Netflix picks La Tregua", "Body."))
    assert (created.title, created.body) == ("Netflix picks La Tregua", "Body.")
    with pytest.raises(Conflict) as caught:
        await store.articles.create(new("netflix picks la tregua!", "Other body."))
    assert caught.value.existing_id == created.id
    assert await store.articles.count() == 1


async def test_get_and_delete_of_a_missing_article_raise_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        await store.articles.get(1)
    with pytest.raises(NotFound):
        await store.articles.delete(1)


async def test_delete_returns_the_article_and_removes_it(store: Store) -> None:
    first, second = await add_all(store, "Keep me", "Delete me")
    deleted = await store.articles.delete(second)
    assert (deleted.id, deleted.title) == (second, "Delete me")
    with pytest.raises(NotFound):
        await store.articles.get(second)
    assert [article.id for article in await store.articles.latest(5)] == [first]


async def test_the_id_of_a_deleted_newest_article_is_never_reused(store: Store) -> None:
    # Digest watermarks are article ids: a reused id would hide the new article from digests.
    _, newest = await add_all(store, "Older", "Newest, then deleted")
    await store.articles.delete(newest)
    (replacement,) = await add_all(store, "Posted after the delete")
    assert replacement > newest


# --- articles: listing --------------------------------------------------------------------------


@pytest.mark.parametrize("few", [2_000, 0])  # read by id and sorted, or by the date index
async def test_newer_than_and_counts(
    store: Store, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    monkeypatch.setattr(articles_module, "_FEW_NEWER", few)
    assert (await store.articles.count(), await store.articles.last_id()) == (0, 0)
    ids = await add_all(store, *(f"Story {n}" for n in range(1, 8)))
    assert [a.id for a in await store.articles.newer_than(ids[3], 10)] == ids[:3:-1]
    assert [a.id for a in await store.articles.newer_than(ids[3], 2)] == [ids[6], ids[5]]
    skipped = await store.articles.newer_than(ids[3], 10, exclude=[ids[5], ids[0]])
    assert [a.id for a in skipped] == [ids[6], ids[4]]
    assert await store.articles.count_newer_than(ids[3], exclude=[ids[5], ids[0]]) == 2
    assert await store.articles.count_newer_than(ids[1], exclude=[ids[5], ids[0]]) == 4
    assert await store.articles.count_newer_than(ids[3]) == 3
    assert await store.articles.count_newer_than(ids[6]) == 0
    assert await store.articles.count_newer_than(0) == 7
    assert (await store.articles.count(), await store.articles.last_id()) == (7, ids[6])


# --- articles: full-text search -----------------------------------------------------------------


async def test_search_finds_cyrillic_words_in_any_case(store: Store) -> None:
    article_id, _ = await store.articles.add(
        new("Фестиваль кино в Бишкеке", "Режиссёры из Кыргызстана показали новые фильмы.")
    )
    await store.articles.add(new("Unrelated", "Nothing in Russian here."))
    for words in ("фестиваль", "КИНО", "Бишкеке", "режиссёры кыргызстана"):
        assert [hit.article.id for hit in await store.search.hits(words)] == [article_id]
    assert await store.search.hits("Ташкент") == []


async def test_search_ignores_diacritics(store: Store) -> None:
    article_id, _ = await store.articles.add(
        new("Premiere at San Sebastián", "César Benítez produced the film.")
    )
    for words in ("Sebastian", "sebastián", "Cesar Benitez", "SEBASTIAN premiere"):
        assert [hit.article.id for hit in await store.search.hits(words)] == [article_id]


async def test_search_needs_every_word(store: Store) -> None:
    panda, _ = await store.articles.add(new("Golden Panda", "Awards in Chengdu."))
    await store.articles.add(new("Red Panda", "Awards in Bishkek."))
    assert [hit.article.id for hit in await store.search.hits("panda chengdu")] == [panda]
    assert len(await store.search.hits("panda")) == 2


async def test_a_title_match_outranks_a_body_only_match(store: Store) -> None:
    in_title, _ = await store.articles.add(
        new("Snow leopard returns to the screen", "A retrospective of Tolomush Okeev.")
    )
    in_body, _ = await store.articles.add(
        new("Okeev retrospective in Bishkek", "Films include The Descendant of the Snow Leopard.")
    )
    hits = await store.search.hits("leopard")
    assert [hit.article.id for hit in hits] == [in_title, in_body]
    assert hits[0].score != hits[1].score


async def test_more_occurrences_rank_higher_among_body_matches(store: Store) -> None:
    once, _ = await store.articles.add(new("One", "The steppe. " + "Other words here. " * 5))
    thrice, _ = await store.articles.add(new("Two", "The steppe, steppe and steppe. Words. " * 1))
    hits = await store.search.hits("steppe")
    assert [hit.article.id for hit in hits] == [thrice, once]


async def test_search_respects_the_limit_and_prefers_newer_on_ties(store: Store) -> None:
    ids = await add_all(store, *(f"Festival news {n}" for n in range(1, 9)))
    hits = await store.search.hits("festival", limit=3)
    assert [hit.article.id for hit in hits] == ids[:4:-1]


async def test_search_marks_the_matches_in_the_snippet(store: Store) -> None:
    await store.articles.add(
        new("Kazakh film at the Golden Panda", "Qash was nominated at the Golden Panda Awards.")
    )
    [hit] = await store.search.hits("panda")
    assert f"{MATCH_START}Panda{MATCH_END}" in hit.snippet
    assert hit.snippet.count(MATCH_START) == hit.snippet.count(MATCH_END) >= 1
    [hit] = await store.search.hits("nominated")
    assert f"{MATCH_START}nominated{MATCH_END}" in hit.snippet
    assert "Qash was" in hit.snippet


@pytest.mark.parametrize(
    "words",
    [
        "C++ news",
        '"',
        '""',
        "'",
        "AND OR NOT",
        "AND",
        "NEAR(",
        "NEAR(film news, 2)",
        "*",
        "film*",
        "^film",
        "title:film",
        "{title body}: film",
        "(film",
        "film)",
        "-film",
        "+",
        "\\",
        "_",
        "a_b",
        "",
        "   ",
        "\x00",
        "фильм OR",
    ],
)
async def test_search_never_breaks_on_odd_input(store: Store, words: str) -> None:
    await store.articles.add(new("C++ news and film", "AND OR NOT near the film news."))
    hits = await store.search.hits(words)
    assert isinstance(hits, list)


async def test_operators_are_searched_as_plain_words(store: Store) -> None:
    article_id, _ = await store.articles.add(new("C++ news", "Not a film, or is it and? Near."))
    await store.articles.add(new("Other news", "Nothing."))
    for words in ("C++ news", "not OR and", "NEAR(news"):
        assert [hit.article.id for hit in await store.search.hits(words)] == [article_id]
    assert await store.search.hits('"') == []
    assert await store.search.hits("*") == []


async def test_a_deleted_article_leaves_the_index(store: Store) -> None:
    article_id, _ = await store.articles.add(new("Magtymguly Pyragy wins", "Audience award."))
    assert [hit.article.id for hit in await store.search.hits("magtymguly")] == [article_id]
    await store.articles.delete(article_id)
    assert await store.search.hits("magtymguly") == []
    assert await store.search.hits("audience") == []


async def test_a_completed_body_is_reindexed(store: Store) -> None:
    article_id, _ = await store.articles.add(
        new("Karlag story", "An early draft about quokkas...", truncated=True)
    )
    await store.articles.add(new("Karlag story", "The full text about Karaganda and the camp."))
    assert await store.search.hits("quokkas") == []
    assert [hit.article.id for hit in await store.search.hits("karaganda")] == [article_id]
    assert [hit.article.id for hit in await store.search.hits("karlag")] == [article_id]


async def test_the_index_stays_consistent_with_the_articles(store: Store) -> None:
    if store.db.dialect is Dialect.POSTGRES:
        pytest.skip("FTS5's own integrity check: SQLite's index (PostgreSQL's is a column)")
    ids = await add_all(store, "One film", "Two films", "Three films")
    await store.articles.add(new("Cut", "Part...", truncated=True))
    await store.articles.add(new("Cut", "Part and the rest."))
    await store.articles.delete(ids[1])
    # FTS5's own check compares the index with the articles table.
    await store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


# --- festivals and mentions ---------------------------------------------------------------------

PANDA = NewFestival(
    name="Golden Panda Awards",
    kind="award",
    aliases=("Golden Panda",),
    city="Chengdu",
    country="China",
    starts_on=date(2025, 9, 12),
    ends_on=date(2025, 9, 13),
    edition=2,
    description="Awards in Chengdu.",
)
BISHKEK = NewFestival(name="Bishkek International Film Festival", city="Bishkek", edition=3)


async def test_upsert_adds_then_updates_in_place_keeping_the_id(store: Store) -> None:
    panda, created = await store.festivals.upsert(PANDA)
    assert created
    assert (panda.name, panda.aliases, panda.kind, panda.city, panda.country) == (
        "Golden Panda Awards",
        ("Golden Panda",),
        "award",
        "Chengdu",
        "China",
    )
    assert (panda.starts_on, panda.ends_on, panda.edition) == (
        date(2025, 9, 12),
        date(2025, 9, 13),
        2,
    )
    assert panda.names == ("Golden Panda Awards", "Golden Panda")

    updated, created = await store.festivals.upsert(
        NewFestival(name="golden panda awards", city="Chengdu", edition=3, aliases=("GPA",))
    )
    assert not created
    assert updated.id == panda.id
    # Facts not given are kept: the dates stay.
    assert (updated.edition, updated.aliases, updated.starts_on) == (
        3,
        ("GPA",),
        date(2025, 9, 12),
    )
    assert await store.festivals.count() == 1
    assert await store.festivals.get(panda.id) == updated


async def test_festivals_are_listed_by_name_and_missing_ones_raise(store: Store) -> None:
    await store.festivals.upsert(PANDA)
    await store.festivals.upsert(BISHKEK)
    assert [f.name for f in await store.festivals.all()] == [
        "Bishkek International Film Festival",
        "Golden Panda Awards",
    ]
    with pytest.raises(NotFound):
        await store.festivals.get(999)


async def test_mentions_link_articles_to_festivals(store: Store) -> None:
    panda, _ = await store.festivals.upsert(PANDA)
    bishkek, _ = await store.festivals.upsert(BISHKEK)
    first, second, third = await add_all(store, "Panda one", "Both", "Panda two")
    await store.articles.link_festivals(first, [panda.id])
    await store.articles.link_festivals(second, [bishkek.id, panda.id])
    await store.articles.link_festivals(third, [panda.id])
    await store.articles.link_festivals(third, [panda.id])  # again: kept once
    assert await store.articles.festival_ids(second) == sorted([panda.id, bishkek.id])
    assert [a.id for a in await store.articles.mentioning(panda.id, 5)] == [third, second, first]
    assert [a.id for a in await store.articles.mentioning(panda.id, 2)] == [third, second]
    assert [a.id for a in await store.articles.mentioning(bishkek.id, 5)] == [second]

    await store.articles.delete(second)
    assert [a.id for a in await store.articles.mentioning(panda.id, 5)] == [third, first]
    assert await store.articles.mentioning(bishkek.id, 5) == []


async def test_link_many_links_several_articles_at_once(store: Store) -> None:
    panda, _ = await store.festivals.upsert(PANDA)
    bishkek, _ = await store.festivals.upsert(BISHKEK)
    first, second = await add_all(store, "One", "Two")
    await store.articles.link_many([(first, panda.id), (second, panda.id), (second, bishkek.id)])
    await store.articles.link_many([(first, panda.id)])
    await store.articles.link_many([])
    assert await store.articles.festival_ids(first) == [panda.id]
    assert await store.articles.festival_ids(second) == sorted([panda.id, bishkek.id])
    assert [a.id for a in await store.articles.mentioning(panda.id, 5)] == [second, first]


async def test_a_link_to_an_unknown_festival_is_refused(store: Store) -> None:
    [article_id] = await add_all(store, "Lonely")
    with pytest.raises(NotFound, match="12345"):
        await store.articles.link_festivals(article_id, [12345])
    assert await store.articles.festival_ids(article_id) == []


# --- rates --------------------------------------------------------------------------------------


async def test_add_keeps_one_rate_per_currency_and_day(store: Store) -> None:
    assert await store.rates.add(rate("KGS", "0.01143", 7))
    assert not await store.rates.add(rate("KGS", "0.05", 7))
    assert await store.rates.add(rate("KGS", "0.01144", 13))
    assert await store.rates.add(rate("KGS", "0.9", 7, base="EUR"))
    assert [(r.value, r.as_of.day) for r in await store.rates.history("KGS")] == [
        (Decimal("0.01144"), 13),
        (Decimal("0.01143"), 7),
    ]


async def test_add_many_tells_which_rates_were_stored(store: Store) -> None:
    await store.rates.add(rate("KZT", "0.00202", 7))
    stored = await store.rates.add_many(
        [
            rate("KGS", "0.01143", 7),
            rate("KZT", "0.003", 7),
            rate("KGS", "0.5", 7),  # the same currency and day twice: the first wins
            rate("KGS", "0.01144", 13),
        ]
    )
    assert stored == [True, False, False, True]
    assert [(r.value, r.as_of.day) for r in await store.rates.history("KGS")] == [
        (Decimal("0.01144"), 13),
        (Decimal("0.01143"), 7),
    ]
    assert [r.value for r in await store.rates.history("KZT")] == [Decimal("0.00202")]
    assert await store.rates.add_many([]) == []


async def test_add_many_takes_more_rates_than_one_statement_can(store: Store) -> None:
    start = date(2000, 1, 1)
    many = [
        Rate("KGS", "USD", Decimal(f"0.{n:05d}1"), None, start + timedelta(days=n), "t")
        for n in range(1500)
    ]
    assert await store.rates.add_many(many) == [True] * 1500
    assert len(await store.rates.history("KGS", limit=2000)) == 1500


async def test_set_replaces_the_rate_of_that_day(store: Store) -> None:
    await store.rates.add(rate("TJS", "0.10661", 13, "0"))
    await store.rates.set(rate("TJS", "0.10598", 13, "-0.19"))
    [stored] = await store.rates.history("TJS")
    assert (stored.value, stored.change_pct, stored.as_of) == (
        Decimal("0.10598"),
        Decimal("-0.19"),
        date(2026, 2, 13),
    )


async def test_latest_gives_each_currency_its_newest_rate(store: Store) -> None:
    for currency, value, day in [
        ("KZT", "0.00202", 7),
        ("KGS", "0.01143", 7),
        ("KGS", "0.01144", 13),
        ("TMT", "0.28575", 7),
        ("TMT", "0.28490", 13),
        ("TMT", "0.28", 1),
    ]:
        await store.rates.add(rate(currency, value, day))
    latest = await store.rates.latest()
    assert [(r.currency, r.value, r.as_of.day) for r in latest] == [
        ("KGS", Decimal("0.01144"), 13),
        ("KZT", Decimal("0.00202"), 7),
        ("TMT", Decimal("0.28490"), 13),
    ]
    assert await store.rates.latest(base="EUR") == []


async def test_history_is_newest_first_and_limited(store: Store) -> None:
    for day in (3, 1, 5, 2, 4):
        await store.rates.add(rate("UZS", f"0.0000{day}", day))
    assert [r.as_of.day for r in await store.rates.history("UZS")] == [5, 4, 3, 2, 1]
    assert [r.as_of.day for r in await store.rates.history("UZS", limit=2)] == [5, 4]
    assert await store.rates.history("XXX") == []


@pytest.mark.parametrize(
    ("value", "change"),
    [
        ("0.00008", "0"),
        ("495.0495049504950495", "-0.19"),
        ("0.28490", "+1.50"),
        ("12345678901234567890.123456789", None),
        ("1E-7", "0.000001"),
    ],
)
async def test_rates_keep_their_decimal_precision(
    store: Store, value: str, change: str | None
) -> None:
    await store.rates.add(rate("KZT", value, 7, change))
    [stored] = await store.rates.history("KZT")
    assert stored.value == Decimal(value)
    assert str(stored.value) == str(Decimal(value))  # same digits, trailing zeros included
    if change is None:
        assert stored.change_pct is None
    else:
        assert str(stored.change_pct) == str(Decimal(change))
    assert (stored.base, stored.source) == ("USD", "test")


# --- audit trail and ingest log -----------------------------------------------------------------


async def test_admin_actions_are_recorded_newest_first(store: Store) -> None:
    await store.admin_actions.record(42, "delete", allowed=True, target="7", detail="spam")
    await store.admin_actions.record(13, "setrate", allowed=False)
    await store.admin_actions.record(42, "broadcast", allowed=True, detail="hello")
    recent = await store.admin_actions.recent(2)
    assert [(a.user_id, a.action, a.allowed, a.target, a.detail) for a in recent] == [
        (42, "broadcast", True, None, "hello"),
        (13, "setrate", False, None, ""),
    ]
    [*_, oldest] = await store.admin_actions.recent(10)
    assert (oldest.action, oldest.target, oldest.detail) == ("delete", "7", "spam")
    assert oldest.created_at.tzinfo is not None


async def test_ingest_runs_remember_the_last_one(store: Store) -> None:
    assert await store.ingest_runs.last() is None
    await store.ingest_runs.record(
        "seeds/a.txt", articles_added=6, articles_skipped=0, rates_added=5
    )
    await store.ingest_runs.record(
        "seeds/b.txt", articles_added=1, articles_skipped=1, rates_added=5
    )
    last = await store.ingest_runs.last()
    assert last is not None
    assert (last.source, last.articles_added, last.articles_skipped, last.rates_added) == (
        "seeds/b.txt",
        1,
        1,
        5,
    )


# --- transactions -------------------------------------------------------------------------------


async def test_a_transaction_groups_writes_and_rolls_back_whole(store: Store) -> None:
    async def add_then_fail() -> None:
        async with store.transaction():
            await store.articles.add(new("Never stored"))
            await store.rates.add(rate("KGS", "0.01", 7))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await add_then_fail()
    assert await store.articles.count() == 0
    assert await store.rates.latest() == []

    async with store.transaction():
        await store.articles.add(new("Stored"))
        await store.rates.add(rate("KGS", "0.01", 7))
    assert await store.articles.count() == 1
    assert len(await store.rates.latest()) == 1


async def test_storage_errors_inside_a_transaction_roll_it_back(store: Store) -> None:
    async def create_twice() -> None:
        async with store.transaction():
            await store.articles.create(new("First in the group"))
            await store.articles.create(new("First in the group"))

    with pytest.raises(Conflict):
        await create_twice()
    assert await store.articles.count() == 0
