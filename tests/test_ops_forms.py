"""Admin arguments → checked values, and admin replies that always fit in one valid message."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.handlers.admin.forms import (
    FestivalForm,
    festival_from,
    parse_article_id,
    parse_dates,
    parse_decimal,
    parse_festival,
    parse_post,
)
from bot.i18n import Catalogs
from bot.newsroom.figures import Stats
from bot.render import admin as render
from bot.render import admin_reports as reports
from bot.render.common import MAX_MESSAGE, utf16_len
from storage.models import AdminAction, Article, Festival
from storage.names import name_key
from tests.telegram_html import parse_telegram_html

EN = Catalogs.load().get("en")

HOSTILE = "<b>x</b> & <script>alert(1)</script> «Кино» 🎬🎞️ &amp; "


def _article(title: str, body: str) -> Article:
    return Article(1, title, body, False, None, "admin:42", None, datetime(2026, 1, 1, tzinfo=UTC))


def test_post_splits_title_from_body() -> None:
    form = parse_post("\n\n  Didor   opens \nFirst line\n\nSecond paragraph  \n")
    assert (form.title, form.body) == ("Didor opens", "First line\n\nSecond paragraph")


def test_post_on_one_line_splits_at_the_first_bar() -> None:
    form = parse_post("Didor | opens | on Friday")
    assert (form.title, form.body) == ("Didor", "opens | on Friday")
    assert parse_post("A | B title\nbody").title == "A | B title"


@pytest.mark.parametrize(("text", "expected"), [("12", 12), (" #7 ", 7)])
def test_article_ids(text: str, expected: int) -> None:
    assert parse_article_id(text) == expected


@pytest.mark.parametrize("text", ["abc", "", "0", "-3", "1.5", "١٢", "12abc"])
def test_bad_article_ids(text: str) -> None:
    with pytest.raises(ValueError, match="not an article id"):
        parse_article_id(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.01143", "0.01143"), ("0,01143", "0.01143"), ("475.5", "475.5"), ("10", "10")],
)
def test_decimals_keep_their_precision(text: str, expected: str) -> None:
    value = parse_decimal(text)
    assert isinstance(value, Decimal)
    assert str(value) == expected


@pytest.mark.parametrize("text", ["abc", "Infinity", "NaN", "1,000,000", "", "0x10"])
def test_bad_decimals(text: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_decimal(text)


@pytest.mark.parametrize(
    "text",
    [
        "2026-06-11..2026-06-15",
        "2026-06-11 .. 2026-06-15",
        "2026-06-11–2026-06-15",
        "2026-06-11 — 2026-06-15",
        "2026-06-11 - 2026-06-15",
        "2026-06-11 to 2026-06-15",
    ],
)
def test_date_ranges_in_every_usual_spelling(text: str) -> None:
    assert parse_dates(text) == (date(2026, 6, 11), date(2026, 6, 15))


def test_one_day_and_no_dates() -> None:
    assert parse_dates("2026-06-11") == (date(2026, 6, 11), date(2026, 6, 11))
    assert parse_dates(" - ") == (None, None)


def test_festival_fields_may_be_missing_empty_or_a_dash() -> None:
    known = frozenset({name_key("Didor")})  # a one-word name must be a known name or alias
    assert parse_festival("  Didor  ", known) == FestivalForm("Didor")
    assert parse_festival("Didor | - | Tajikistan | | About | with | pipes", known) == (
        FestivalForm("Didor", None, "Tajikistan", None, None, "About | with | pipes")
    )


def test_the_form_gives_only_what_it_names() -> None:
    """What the form leaves out stays None: the store keeps the stored facts for those."""
    new = festival_from(
        FestivalForm("DIDOR", country="TJ", starts_on=date(2026, 10, 2), ends_on=date(2026, 10, 2))
    )
    assert (new.name, new.aliases, new.city, new.country) == ("DIDOR", (), None, "TJ")
    day = date(2026, 10, 2)
    assert (new.starts_on, new.ends_on, new.edition) == (day, day, None)


@pytest.mark.parametrize("budget", [1, 10, 60, 300, 1500])
def test_excerpts_fit_their_budget_however_much_escaping_grows_them(budget: int) -> None:
    shown = render.excerpt(HOSTILE * 400, budget)
    assert utf16_len(shown) <= budget
    parse_telegram_html(shown)  # valid Telegram HTML


def test_a_hostile_ten_thousand_character_post_previews_in_one_valid_message() -> None:
    article = _article(HOSTILE * 5, (HOSTILE * 300)[:10_000])
    festival = Festival(1, HOSTILE, (), "festival", None, None, None, None, None, "")
    for text in (
        render.post_preview(EN, article, [festival] * 50, 3)[0],
        render.published_article(EN, article)[0],
        render.delete_confirm(EN, article)[0],
        reports.broadcast_confirm(EN, article.body, 3, 1)[0],
        render.deleted(EN, article),
    ):
        assert utf16_len(text) <= MAX_MESSAGE
        plain, _ = parse_telegram_html(text)
        assert "<script>" in plain  # shown as text, never as markup


def test_stats_show_audit_lines_escaped_and_in_the_bots_zone() -> None:
    action = AdminAction(1, 7, "post", None, False, HOSTILE, datetime(2026, 1, 1, 20, tzinfo=UTC))
    figures = Stats(1, 2, 3, 4, 5, None, [action])
    text = reports.stats(EN, figures, ZoneInfo("Asia/Almaty"))
    plain, _ = parse_telegram_html(text)
    assert "2 Jan 01:00 user 7 post — refused: <b>x</b>" in plain
    assert "Last ingest: never" in plain
