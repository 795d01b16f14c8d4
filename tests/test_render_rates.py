"""Rates and /setrate views: both ways, dated, sourced, stale marked, valid Telegram HTML."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.i18n import Catalogs, mark
from bot.newsroom import money
from bot.newsroom.amounts import AmountError
from bot.render import rates as views
from bot.render import rates_admin
from bot.render.common import MAX_MESSAGE, utf16_len
from storage.models import Rate
from tests.telegram_html import parse_telegram_html

FEB_7, FEB_13 = date(2026, 2, 7), date(2026, 2, 13)
T = Catalogs.load().get("en")


def visible(html: str) -> str:
    plain, _ = parse_telegram_html(html)
    return plain


def rate(
    code: str, value: str, as_of: date = FEB_13, source: str = "seed:p.txt", **extra: object
) -> Rate:
    return Rate(code, "USD", Decimal(value), None, as_of, source, **extra)  # type: ignore[arg-type]


def test_source_labels() -> None:
    assert views.source_label(T, "KZT", "nbk") == "NBK"
    assert views.source_label(T, "KZT", "nbkr") == "NBKR cross"
    assert views.source_label(T, "TMT", "cbt-peg") == "CBT peg"
    assert views.source_label(T, "KZT", "admin:42") == "admin"
    assert views.source_label(T, "KZT", "seed:000_x.txt") == "news site"
    assert views.source_label(T, "KZT", "x" * 100) == "x" * 23 + "…"


def test_rates_table_region_first_with_change_source_date_and_staleness() -> None:
    kzt = rate(
        "KZT",
        str(Decimal(1) / Decimal("478.77")),
        date(2026, 4, 1),
        "nbk",
        per_usd=Decimal("478.77"),
        digits=5,
        previous=rate("KZT", "0.00202", date(2026, 3, 31)),
    )
    rub = rate("RUB", "0.0128", date(2026, 4, 1), "nbkr")
    shown = visible(views.rates_table(T, [rub, kzt], date(2026, 4, 9)))
    assert shown.splitlines()[2:6] == [
        "KZT 1 USD = 478.77 KZT · 1 KZT ≈ 0.0020887 USD",
        "    +3.40% since 31 March 2026 · NBK, 1 April 2026 ⚠️ stale",
        "RUB 1 USD ≈ 78.1 RUB · 1 RUB = 0.0128 USD",
        "    NBKR cross, 1 April 2026 ⚠️ stale",
    ]
    fresh = visible(views.rates_table(T, [kzt], date(2026, 4, 8)))
    assert "⚠️" not in fresh


def test_an_unusable_rate_is_said_so() -> None:
    shown = visible(views.rates_table(T, [rate("TMT", "NaN", source="admin:1")], FEB_13))
    assert "TMT unusable stored value" in shown


def test_a_table_of_many_currencies_fits_one_message() -> None:
    many = [rate(f"X{a}{b}", "1E-35", source="s" * 200) for a in "ABCDEFG" for b in "ABCDEFG"]
    text = views.rates_table(T, many, FEB_13)
    assert utf16_len(text) <= MAX_MESSAGE
    assert visible(text).count("\n    ") == views.TABLE_CURRENCIES


def test_history_labels_the_change_with_the_row_below() -> None:
    older = rate("TJS", "0.10661", FEB_7)
    newer = rate("TJS", "0.10598", previous=older)
    shown = visible(views.rate_history(T, "TJS", [newer, older], FEB_13))
    assert shown.splitlines() == [
        "💱 TJS against USD, the last 2 rates",
        "",
        "13 February 2026: 1 USD ≈ 9.4357 TJS · 1 TJS = 0.10598 USD",
        "    -0.59% since 7 February 2026 · news site, 13 February 2026",
        "7 February 2026: 1 USD ≈ 9.3800 TJS · 1 TJS = 0.10661 USD",
        "    news site, 7 February 2026",
    ]


def test_conversion_view() -> None:
    rates = {"KZT": rate("KZT", "0.00202"), "KGS": rate("KGS", "0.01144")}
    done = money.convert(Decimal("1.5"), "KGS", "KZT", rates)
    shown = visible(views.conversion(T, done, FEB_13))
    assert shown.splitlines()[:2] == ["💱 1.5 KGS ≈ 8.50 KZT", "Rates (through USD):"]


def test_unknown_currency_is_escaped_and_lists_known() -> None:
    shown = visible(views.unknown_currency(T, "<X>", ["KGS", "KZT"]))
    assert shown == "I don't know the currency “<X>”. I know: KGS, KZT."


def test_convert_usage_with_a_problem() -> None:
    shown = visible(
        views.convert_usage(
            T,
            ["KZT", "USD"],
            AmountError(mark("“{amount}” is not an amount I can read."), amount="1<2"),
        )
    )
    assert shown.startswith("“1<2” is not an amount I can read.")
    assert "Currencies: KZT, USD." in shown


def test_setrate_confirmation_shows_old_and_new_both_ways() -> None:
    reading = money.read_typed_rate("KZT", Decimal(800))
    current = rate("KZT", "0.00202")
    text, markup = rates_admin.confirm_move(
        T, "KZT", reading, FEB_13, current, "admin:setrate:KZT:800:2026-02-13"
    )
    shown = visible(text)
    assert "That moves KZT by -38.12%" in shown
    assert "Now: KZT 1 USD ≈ 495 KZT · 1 KZT = 0.00202 USD" in shown
    assert "New: 1 USD = 800 KZT · 1 KZT = 0.00125 USD, for 13 February 2026" in shown
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [
        ["admin:setrate:KZT:800:2026-02-13", "admin:keeprate:KZT"]
    ]


def test_setrate_confirmation_over_an_unusable_rate() -> None:
    reading = money.read_typed_rate("KZT", Decimal(505))
    text, _ = rates_admin.confirm_move(T, "KZT", reading, FEB_13, rate("KZT", "NaN"), "admin:x")
    shown = visible(text)
    assert shown.startswith("⚠️ The current KZT rate is unusable. Is it right?")
    assert "Now: KZT unusable stored value" in shown
