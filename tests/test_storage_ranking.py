"""Ranking search candidates: word counting, folding, IDF estimates, BM25 order; the cap."""

from __future__ import annotations

import math
from datetime import date

import pytest

from storage import Store, ranking, search
from storage.analysis import index_terms, query_terms
from storage.models import NewArticle
from storage.ranking import Candidate, estimated_matches, fold, idf, rank, term_pattern, whole_word


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


DAY = date(2026, 2, 7)


@pytest.mark.parametrize(
    ("terms", "stem", "expected"),
    [
        ("festiv bishkek festiv", "festiv", 2),
        ("festiv festiv festiv", "festiv", 3),  # repeats side by side
        ("a festiv festiv festiv festiv b", "festiv", 4),
        ("festiv", "festiv", 1),
        ("festiva festiv afestiv", "festiv", 1),
        ("bishkek", "festiv", 0),
        ("", "festiv", 0),
    ],
)
def test_whole_terms_are_counted_and_repeats_too(terms: str, stem: str, expected: int) -> None:
    spaced = "  " + terms.replace(" ", "  ") + "  "  # every whole term between two spaces
    assert len(term_pattern(stem, False).findall(terms)) == expected == spaced.count(f" {stem} ")


@pytest.mark.parametrize(
    ("terms", "stem", "expected"),
    [("pand pandem apand pand", "pand", 3), ("pandem", "pand", 1), ("apand", "pand", 0)],
)
def test_prefixes_are_counted_at_the_start_of_terms(terms: str, stem: str, expected: int) -> None:
    assert len(term_pattern(stem, True).findall(terms)) == expected


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("the film, the end", "the", 2),
        ("there is another theme", "the", 0),
        ("the", "the", 1),
        ("breathe the air", "the", 1),
        ("x_the the_x", "the", 2),  # "_" separates words
        ("кино, кинотеатр и кино.", "кино", 2),
        ("", "the", 0),
    ],
)
def test_count_finds_whole_words_only(text: str, word: str, expected: int) -> None:
    assert len(whole_word(word).findall(text)) == expected


def test_fold_removes_case_and_accents() -> None:
    assert fold("San Sebastián") == "san sebastian"
    assert fold("César BENÍTEZ") == "cesar benitez"
    assert fold("Фестиваль КИНО") == "фестиваль кино"
    assert fold("plain ascii") == "plain ascii"


def test_idf_follows_fts5_and_has_a_floor() -> None:
    assert idf(1, 1000) == pytest.approx(math.log(999.5 / 1.5))
    assert idf(10, 1000) > idf(100, 1000) > idf(400, 1000) > 0
    assert idf(600, 1000) == ranking.MIN_IDF  # in more than half of the rows


def test_matches_are_exact_below_the_cap_and_extrapolated_above() -> None:
    assert estimated_matches(7, 100, 1000, 500) == 7
    assert estimated_matches(0, None, 1000, 500) == 0
    # The 500 newest matches reach back over the newest 1,000 ids of 1,000,000: about half.
    assert estimated_matches(500, 999_001, 1_000_000, 500) == pytest.approx(500_000)


def candidate(number: int, title: str, body: str, dated: date = DAY) -> Candidate:
    """A candidate with its terms, as the index holds them."""
    return Candidate(number, dated, title, body, index_terms(title), index_terms(body))


def by_id(ranked: list[tuple[float, int]]) -> list[int]:
    """The ids of a ranking, best first."""
    return [article_id for _, article_id in ranked]


def test_a_title_match_outranks_a_body_match() -> None:
    ranked = rank(
        [candidate(2, "Awards in Chengdu", "The panda is a symbol."), candidate(1, "Panda", "x")],
        query_terms("panda"),
        [1.0],
    )
    assert by_id(ranked) == [1, 2]
    assert all(score < 0 for score, _ in ranked)


def test_the_exact_form_outranks_another_form_of_the_word() -> None:
    candidates = [candidate(2, "Festival", "News."), candidate(1, "Festivals", "News.")]
    assert by_id(rank(candidates, query_terms("festivals"), [1.0])) == [1, 2]
    assert by_id(rank(candidates, query_terms("festival"), [1.0])) == [2, 1]
    russian = [candidate(2, "Фестиваль", "Новости."), candidate(1, "Фестивали", "Новости.")]
    assert by_id(rank(russian, query_terms("фестивали"), [1.0])) == [1, 2]


def test_more_occurrences_and_shorter_texts_rank_higher() -> None:
    filler = " and more words" * 30
    candidates = [
        candidate(1, "A", "steppe" + filler),
        candidate(2, "B", "steppe steppe steppe" + filler),
        candidate(3, "C", "steppe"),
    ]
    assert by_id(rank(candidates, query_terms("steppe"), [1.0])) == [3, 2, 1]


def test_a_rare_word_weighs_more_than_a_common_one() -> None:
    found = query_terms("leopard film")
    candidates = [
        candidate(1, "One", "leopard film film film"),
        candidate(2, "Two", "leopard leopard leopard film"),
    ]
    assert by_id(rank(candidates, found, [idf(5, 1000), idf(400, 1000)])) == [2, 1]
    assert by_id(rank(candidates, found, [idf(400, 1000), idf(5, 1000)])) == [1, 2]


def test_ties_go_to_the_newest_by_date_then_id() -> None:
    candidates = [
        candidate(3, "News", "Same body.", date(2026, 3, 1)),
        candidate(9, "News", "Same body.", date(2026, 1, 1)),
        candidate(5, "News", "Same body.", date(2026, 1, 1)),
    ]
    assert by_id(rank(candidates, query_terms("news"), [1.0])) == [3, 9, 5]


def test_a_prefix_counts_every_word_it_starts() -> None:
    candidates = [candidate(1, "x", "pandas and a panda"), candidate(2, "x", "the pandemic")]
    assert by_id(rank(candidates, query_terms("pand*"), [1.0])) == [1, 2]


def test_mixed_case_and_accents_are_still_counted_as_exact() -> None:
    candidates = [
        candidate(1, "x", "San Sebastián PrEmIeRe, San Sebastián PrEmIeRe."),
        candidate(2, "x", "San Sebastian premiere." + " filler" * 20),
    ]
    assert by_id(rank(candidates, query_terms("sebastian premiere"), [1.0, 1.0])) == [1, 2]


async def test_only_the_newest_candidates_are_ranked(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 3)
    best, _ = await store.articles.add(NewArticle("Leopard leopard", "Leopard.", "test"))
    newer = [
        (await store.articles.add(NewArticle(f"News {n}", "A leopard.", "test")))[0]
        for n in range(4)
    ]
    page = await store.search.find("leopard", limit=10)
    assert sorted(hit.article.id for hit in page.hits) == sorted(newer[1:])
    assert (page.total, page.ranked) == (5, 3)
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 500)
    assert (await store.search.hits("leopard", limit=1))[0].article.id == best


async def test_the_count_stops_at_its_cap(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 2)
    monkeypatch.setattr(search, "COUNT_CAP", 4)
    for n in range(3):
        await store.articles.add(NewArticle(f"Steppe {n}", "Body.", "test"))
    assert (await store.search.find("steppe")).total == 3
    for n in range(3, 6):
        await store.articles.add(NewArticle(f"Steppe {n}", "Body.", "test"))
    page = await store.search.find("steppe")
    assert (page.total, page.more, page.ranked) == (4, True, 2)


async def test_search_weighs_a_rare_word_above_a_common_one(store: Store) -> None:
    for n in range(12):
        await store.articles.add(NewArticle(f"Filler {n}", "A film about something.", "test"))
    many_films, _ = await store.articles.add(
        NewArticle("One", "A leopard film, film, film and film.", "test")
    )
    many_leopards, _ = await store.articles.add(
        NewArticle("Two", "A leopard, leopard, leopard and film.", "test")
    )
    hits = await store.search.hits("film leopard")
    assert [hit.article.id for hit in hits] == [many_leopards, many_films]


async def test_a_limit_below_one_finds_nothing(store: Store) -> None:
    await store.articles.add(NewArticle("Film", "Body.", "test"))
    assert await store.search.hits("film", limit=0) == []
