"""Discovering festivals in article text: every row of the table, precision and recall over it,
year inference and the name key."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from bot.newsroom.discovery import KINDS, Discovered, discover, name_key
from tests.discovery_table import ROWS, Row, Want

MIN_PRECISION = 0.9
MIN_RECALL = 0.9


def _matches(found: Discovered, want: Want) -> bool:
    """A festival is right when its name key, kind, dates, city and edition are."""
    return (
        name_key(found.name) == name_key(want.name)
        and found.kind == want.kind
        and (found.starts_on, found.ends_on) == (want.starts_on, want.ends_on)
        and found.city == want.city
        and found.edition == want.edition
    )


def _score(row: Row) -> tuple[int, int, int]:
    """Correct, found and wanted festivals of one row."""
    found = discover(row.title, row.body, row.published)
    unmatched = list(row.want)
    correct = 0
    for event in found:
        hit = next((want for want in unmatched if _matches(event, want)), None)
        if hit is not None:
            unmatched.remove(hit)
            correct += 1
    return correct, len(found), len(row.want)


def _described(events: list[Discovered]) -> list[tuple[object, ...]]:
    return [(e.name, e.kind, e.starts_on, e.ends_on, e.city, e.edition, e.aliases) for e in events]


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(row, id=row.id, marks=pytest.mark.xfail(reason=row.known_miss, strict=True))
        if row.known_miss
        else pytest.param(row, id=row.id)
        for row in ROWS
    ],
)
def test_row(row: Row) -> None:
    found = discover(row.title, row.body, row.published)
    correct, _, wanted = _score(row)
    assert (correct, len(found)) == (wanted, wanted), _described(found)


def test_precision_and_recall() -> None:
    correct = found = wanted = 0
    for row in ROWS:
        row_correct, row_found, row_wanted = _score(row)
        correct, found, wanted = correct + row_correct, found + row_found, wanted + row_wanted
    precision = correct / found if found else 1.0
    recall = correct / wanted if wanted else 1.0
    print(
        f"\ndiscovery over {len(ROWS)} rows: {wanted} festivals wanted, {found} found, "
        f"{correct} right; precision {precision:.3f}, recall {recall:.3f}"
    )
    assert len(ROWS) >= 40
    assert sum(not row.want for row in ROWS) >= 10
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL


def test_every_event_has_a_known_kind_and_its_sentence() -> None:
    for row in ROWS:
        for event in discover(row.title, row.body, row.published):
            assert event.kind in KINDS
            assert event.evidence
            assert event.evidence in f"{row.title} {row.body}"


# --- Year inference ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "starts_on", "ends_on"),
    [
        # Upcoming: the next occurrence on or after the published date.
        (
            "The Almaty Film Festival runs April 3–8.",
            date(2026, 12, 1),
            "2027-04-03",
            "2027-04-08",
        ),
        ("The Almaty Film Festival runs April 3–8.", date(2026, 3, 1), "2026-04-03", "2026-04-08"),
        # Running on the published date: this year's.
        ("The Almaty Film Festival runs April 3–8.", date(2026, 4, 5), "2026-04-03", "2026-04-08"),
        # Over: the most recent occurrence on or before it.
        (
            "The Almaty Film Festival took place June 11–15.",
            date(2026, 12, 1),
            "2026-06-11",
            "2026-06-15",
        ),
        (
            "The Almaty Film Festival took place June 11–15.",
            date(2026, 3, 1),
            "2025-06-11",
            "2025-06-15",
        ),
        (
            "The Almaty Film Festival was held 3-8 April.",
            date(2026, 12, 1),
            "2026-04-03",
            "2026-04-08",
        ),
        (
            "Кинофестиваль «Евразия» завершился 8 апреля.",
            date(2026, 12, 1),
            "2026-04-08",
            "2026-04-08",
        ),
        (
            "Кинофестиваль «Евразия» состоится 8 апреля.",
            date(2026, 12, 1),
            "2027-04-08",
            "2027-04-08",
        ),
        # A range across the new year, and a year the text gives.
        (
            "The Almaty Film Festival runs December 28 - January 3.",
            date(2026, 12, 1),
            "2026-12-28",
            "2027-01-03",
        ),
        (
            "The Almaty Film Festival runs from 3 to 8 April 2030.",
            date(2026, 12, 1),
            "2030-04-03",
            "2030-04-08",
        ),
        (
            "The Almaty Film Festival ran June 28 - July 3, 2024.",
            date(2026, 12, 1),
            "2024-06-28",
            "2024-07-03",
        ),
    ],
)
def test_year_inference(text: str, published: date, starts_on: str, ends_on: str) -> None:
    [event] = discover("", text, published)
    assert (event.starts_on, event.ends_on) == (
        date.fromisoformat(starts_on),
        date.fromisoformat(ends_on),
    )


def test_no_year_and_no_published_date_means_no_dates() -> None:
    [event] = discover("", "The Almaty Film Festival runs April 3–8.", None)
    assert (event.starts_on, event.ends_on) == (None, None)
    [event] = discover("", "The Almaty Film Festival runs April 3–8, 2027.", None)
    assert (event.starts_on, event.ends_on) == (date(2027, 4, 3), date(2027, 4, 8))


def test_impossible_date_is_dropped() -> None:
    [event] = discover("", "The Almaty Film Festival runs February 30–31.", date(2026, 1, 1))
    assert event.starts_on is None


# --- Names, aliases, places ----------------------------------------------------------------


def test_aliases_gather_on_one_event() -> None:
    text = (
        "The film won at the Eurasian Creative Guild (ECG) Film Festival in London. "
        "The ECG Film Festival annually gathers filmmakers from over 20 countries."
    )
    [event] = discover("", text, date(2026, 1, 1))
    assert event.name == "Eurasian Creative Guild Film Festival"
    assert "ECG Film Festival" in event.aliases


def test_short_reference_becomes_an_alias_with_the_edition() -> None:
    text = (
        "The Bishkek International Film Festival (BIFF) opens on June 11. "
        "The Bishkek festival, the third edition of the event, will screen five films."
    )
    [event] = discover("", text, date(2026, 1, 1))
    assert event.aliases == ("BIFF", "Bishkek festival")
    assert event.edition == 3
    assert (event.city, event.country) == ("Bishkek", "Kyrgyzstan")


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("The Nomad Film Festival will be held in Cholpon-Ata.", "Cholpon-Ata", "Kyrgyzstan"),
        ("The Nomad Film Festival will be held in Osh.", "Osh", "Kyrgyzstan"),
        ("Кинофестиваль «Номад» пройдёт в Бишкеке.", "Bishkek", "Kyrgyzstan"),
        ("Кинофестиваль «Номад» пройдёт в Ташкенте.", "Tashkent", "Uzbekistan"),
        ("Кинофестиваль «Номад» пройдёт в Худжанде.", "Khujand", "Tajikistan"),
        ("Кинофестиваль «Номад» пройдёт в Ашхабаде.", "Ashgabat", "Turkmenistan"),
        ("The Nomad Film Camp in Kyrgyzstan opens soon.", None, "Kyrgyzstan"),
        ("The Nomad Film Festival will be held in Paris.", None, None),
    ],
)
def test_city_and_country(text: str, city: str | None, country: str | None) -> None:
    [event] = discover("", text, date(2026, 1, 1))
    assert (event.city, event.country) == (city, country)


def test_discovered_is_frozen() -> None:
    [event] = discover("", "The Nomad Film Festival is on.", None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.name = "Other"  # type: ignore[misc]


def test_empty_text_finds_nothing() -> None:
    assert discover("", "", None) == []


# --- name_key ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Eurasian Film Festival", "the 7th Eurasian Film Festival"),
        ("Eurasian Film Festival", "Seventh  Eurasian film-festival"),
        ("Eurasian Film Festival", "XVII EURASIAN FILM FESTIVAL"),
        ("Eurasian Film Festival", "The Twenty-First Eurasian Film Festival"),
        ("Eurasian Film Festival", "2025 Eurasian Film Festival"),
        ("San Sebastián International Film Festival", "San Sebastian International Film Festival"),
        ("ﬁlm Festival Ｄｉｄｏｒ", "Film Festival Didor"),  # NFKC: ligature, full-width
        ("Кинофестиваль «Шёлковый путь»", "кинофестиваль шелковый путь"),
        ("Кинофестиваль «Евразия»", "XVII кинофестиваль «Евразия»"),
        ("Кинофестиваль «Евразия»", "7-й кинофестиваль «Евразия»"),
        ("Кинофестиваль «Евразия»", "Седьмой кинофестиваль «Евразия»"),
        ("Lisbon & Sintra Film Festival", "Lisbon Sintra Film Festival"),
    ],
)
def test_name_key_same(one: str, other: str) -> None:
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Eurasian Film Festival", "Eurasian Creative Guild Film Festival"),
        ("Bishkek Film Festival", "Bishkek Documentary Film Festival"),
        ("Premiere Film Festival", "Film Festival"),
    ],
)
def test_name_key_different(one: str, other: str) -> None:
    assert name_key(one) != name_key(other)


def test_name_key_keeps_a_name_that_is_only_an_ordinal_or_the() -> None:
    assert name_key("The") == "the"
    assert name_key("First") == "first"
    assert name_key("  Eurasian   FILM\tfestival!  ") == "eurasian film festival"
    assert name_key("") == ""
