"""Ranking search candidates: word counting, folding, IDF estimates, BM25 order; the cap."""

from __future__ import annotations

import math

import pytest

from storage import Store, articles, ranking
from storage.models import NewArticle
from storage.ranking import Candidate, count, estimated_matches, fold, idf, rank, terms


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("the film, the end", "the", 2),
        ("there is another theme", "the", 0),
        ("the", "the", 1),
        ("breathe the air", "the", 1),
        ("x_the the_x", "the", 2),  # "_" separates words, for unicode61 too
        ("кино, кинотеатр и кино.", "кино", 2),
        ("", "the", 0),
    ],
)
def test_count_finds_whole_words_only(text: str, word: str, expected: int) -> None:
    assert count(text, word) == expected


def test_fold_removes_case_and_accents() -> None:
    assert fold("San Sebastián") == "san sebastian"
    assert fold("César BENÍTEZ") == "cesar benitez"
    assert fold("Фестиваль КИНО") == "фестиваль кино"
    assert fold("plain ascii") == "plain ascii"


def test_terms_are_distinct_with_their_spellings() -> None:
    found = terms("Film film FILM Sebastián C++")
    assert [term.word for term in found] == ["Film", "Sebastián", "C"]
    assert found[0].spellings == ("film", "Film", "FILM")
    assert found[1].folded == "sebastian"
    assert terms("* ( ) _") == []


def test_idf_follows_fts5_and_has_a_floor() -> None:
    assert idf(1, 1000) == pytest.approx(math.log(999.5 / 1.5))
    assert idf(10, 1000) > idf(100, 1000) > idf(400, 1000) > 0
    assert idf(600, 1000) == ranking.MIN_IDF  # in more than half of the rows


def test_matches_are_exact_below_the_cap_and_extrapolated_above() -> None:
    assert estimated_matches(7, 100, 1000, 500) == 7
    assert estimated_matches(0, None, 1000, 500) == 0
    # The 500 newest matches reach back over the newest 1,000 ids of 1,000,000: about half.
    assert estimated_matches(500, 999_001, 1_000_000, 500) == pytest.approx(500_000)


def by_id(ranked: list[tuple[float, int]]) -> list[int]:
    """The ids of a ranking, best first."""
    return [article_id for _, article_id in ranked]


def test_a_title_match_outranks_a_body_match() -> None:
    found = terms("panda")
    ranked = rank(
        [Candidate(2, "Awards in Chengdu", "The panda is a symbol."), Candidate(1, "Panda", "x")],
        found,
        [1.0],
    )
    assert by_id(ranked) == [1, 2]
    assert all(score < 0 for score, _ in ranked)


def test_more_occurrences_and_shorter_texts_rank_higher() -> None:
    found = terms("steppe")
    filler = " and more words" * 30
    candidates = [
        Candidate(1, "A", "steppe" + filler),
        Candidate(2, "B", "steppe steppe steppe" + filler),
        Candidate(3, "C", "steppe"),
    ]
    assert by_id(rank(candidates, found, [1.0])) == [3, 2, 1]


def test_a_rare_word_weighs_more_than_a_common_one() -> None:
    found = terms("leopard film")
    candidates = [
        Candidate(1, "One", "leopard film film film"),
        Candidate(2, "Two", "leopard leopard leopard film"),
    ]
    assert by_id(rank(candidates, found, [idf(5, 1000), idf(400, 1000)])) == [2, 1]
    assert by_id(rank(candidates, found, [idf(400, 1000), idf(5, 1000)])) == [1, 2]


def test_ties_go_to_the_newest() -> None:
    found = terms("news")
    candidates = [Candidate(i, "News", "Same body.") for i in (3, 9, 5)]
    assert by_id(rank(candidates, found, [1.0])) == [9, 5, 3]


def test_mixed_case_and_accents_are_still_counted() -> None:
    found = terms("sebastian premiere")
    candidates = [
        Candidate(1, "x", "San Sebastián PrEmIeRe, San Sebastián PrEmIeRe."),
        Candidate(2, "x", "San Sebastian premiere." + " filler" * 20),
    ]
    assert by_id(rank(candidates, found, [1.0, 1.0])) == [1, 2]


async def test_only_the_newest_candidates_are_ranked(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(articles, "SEARCH_CANDIDATES", 3)
    best, _ = await store.articles.add(NewArticle("Leopard leopard", "Leopard.", "test"))
    newer = [
        (await store.articles.add(NewArticle(f"News {n}", "A leopard.", "test")))[0]
        for n in range(4)
    ]
    hits = await store.articles.search("leopard", limit=10)
    assert sorted(hit.article.id for hit in hits) == sorted(newer[1:])
    monkeypatch.setattr(articles, "SEARCH_CANDIDATES", 500)
    assert (await store.articles.search("leopard", limit=1))[0].article.id == best


async def test_search_weighs_a_rare_word_above_a_common_one(store: Store) -> None:
    for n in range(12):
        await store.articles.add(NewArticle(f"Filler {n}", "A film about something.", "test"))
    many_films, _ = await store.articles.add(
        NewArticle("One", "A leopard film, film, film and film.", "test")
    )
    many_leopards, _ = await store.articles.add(
        NewArticle("Two", "A leopard, leopard, leopard and film.", "test")
    )
    hits = await store.articles.search("film leopard")
    assert [hit.article.id for hit in hits] == [many_leopards, many_films]


async def test_a_limit_below_one_finds_nothing(store: Store) -> None:
    await store.articles.add(NewArticle("Film", "Body.", "test"))
    assert await store.articles.search("film", limit=0) == []
