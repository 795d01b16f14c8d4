"""Finding festivals by what people type, over the shipped festivals file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.newsroom.festival_lookup import MAX_CHOICES, find_festivals, name_score
from bot.newsroom.sources.festivals import read_festivals
from storage.models import Festival
from storage.names import name_key as normalise

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def festivals() -> list[Festival]:
    """The seed festivals, as the store would return them (ids from 1)."""
    return [
        Festival(
            id=number,
            name=new.name,
            aliases=new.aliases,
            kind=new.kind,
            city=new.city,
            country=new.country,
            starts_on=new.starts_on,
            ends_on=new.ends_on,
            edition=new.edition,
            description=new.description,
        )
        for number, new in enumerate(read_festivals(SEEDS / "festivals.toml"), start=1)
    ]


def names(query: str, festivals: list[Festival]) -> list[str]:
    return [festival.name for festival in find_festivals(query, festivals)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bishkek", "Bishkek International Film Festival"),
        ("BISHKEK", "Bishkek International Film Festival"),
        ("Bishkek International Film Festival", "Bishkek International Film Festival"),
        ("bish", "Bishkek International Film Festival"),  # partial
        ("bishkke", "Bishkek International Film Festival"),  # typo
        ("bishkek film fest", "Bishkek International Film Festival"),  # words not side by side
        ("bishkek festival 2025", "Bishkek International Film Festival"),  # a year
        ("BIFF", "Bishkek International Film Festival"),  # alias
        ("golden panda", "Golden Panda Awards"),
        ("panda", "Golden Panda Awards"),
        ("Golden Pnda", "Golden Panda Awards"),
        ("gold panda", "Golden Panda Awards"),
        ("goldenpanda", "Golden Panda Awards"),
        ("panda awrds", "Golden Panda Awards"),
        ("eurasian film festival", "Eurasian Film Festival"),  # the exact name wins
        ("eurasian creative guild", "Eurasian Creative Guild Film Festival"),
        ("ECG", "Eurasian Creative Guild Film Festival"),
        ("lokarno", "Locarno Film Festival"),
        ("San Sebastián", "San Sebastian International Film Festival"),
        ("sebastien", "San Sebastian International Film Festival"),
        ("Lisbon & Sintra", "Lisbon Film Festival"),
        ("romfrd", "Romford Film Festival"),
        ("post", "Post Space"),
    ],
)
def test_one_clear_winner(query: str, expected: str, festivals: list[Festival]) -> None:
    assert names(query, festivals) == [expected]


@pytest.mark.parametrize("query", ["eurasian", "Eurasion", "eur", "eurasian film"])
def test_the_two_eurasian_festivals_are_both_offered(
    query: str, festivals: list[Festival]
) -> None:
    assert sorted(names(query, festivals)) == [
        "Eurasian Creative Guild Film Festival",
        "Eurasian Film Festival",
    ]


def test_a_common_word_offers_many_but_not_too_many(festivals: list[Festival]) -> None:
    found = names("festival", festivals)
    assert "Golden Panda Awards" not in found  # an award, not a festival
    assert "Bishkek International Film Festival" in found
    assert 2 < len(found) <= MAX_CHOICES
    assert len(names("film", festivals)) == MAX_CHOICES


@pytest.mark.parametrize(
    "query",
    [
        "a",
        "ab",
        "fi",
        "",
        "   ",
        "!!!",
        "cannes",
        "venice",
        "berlin film festival",
        "tokyo",
        "the",
    ],
)
def test_no_match(query: str, festivals: list[Festival]) -> None:
    assert names(query, festivals) == []


def test_a_short_alias_still_matches_exactly() -> None:
    short = Festival(
        1, "Almaty Film Festival", ("AF",), "festival", None, None, None, None, None, ""
    )
    assert find_festivals("af", [short]) == [short]
    assert find_festivals("a", [short]) == []


def test_normalise_ignores_case_accents_and_punctuation() -> None:
    assert normalise("  San Sebastián — Film-Festival! ") == "san sebastian film festival"
    assert normalise("Eurasian Creative Guild (ECG)") == "eurasian creative guild ecg"


def test_name_score_orders_exact_prefix_typo_and_miss() -> None:
    name = "bishkek international film festival"
    exact = name_score(name, name)
    prefix = name_score("bish", name)
    typo = name_score("bishkke", name)
    miss = name_score("almaty", name)
    assert exact == 100
    assert exact > prefix > typo > miss
    assert miss == 0
