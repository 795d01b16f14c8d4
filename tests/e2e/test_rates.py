"""E2E: /rates and /convert over the seed rates (7 and 13 February 2026)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from storage.models import Rate
from tests.e2e.conftest import Launcher, RunningBot

KNOWN = "KGS, KZT, TJS, TMT, USD, UZS"


async def test_rates_show_value_change_inverse_and_date(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/rates")

    lines = replies.text.splitlines()
    assert lines[0] == "💱 Rates against USD"
    assert lines[2:7] == [
        "KGS: 0.01144 USD (0%) · 1 USD = 87.41 KGS",
        "KZT: 0.00202 USD (0%) · 1 USD = 495.05 KZT",
        "TJS: 0.10598 USD (-0.19%) · 1 USD = 9.44 TJS",
        "TMT: 0.28490 USD (0%) · 1 USD = 3.51 TMT",
        "UZS: 0.00008 USD (0%) · 1 USD = 12,500.00 UZS",
    ]
    assert "As of 13 February 2026" in replies.text


async def test_rates_of_different_days_are_dated_each(bot: RunningBot) -> None:
    await bot.store.rates.set(
        Rate("KZT", "USD", Decimal("0.00199"), Decimal("-1.49"), date(2026, 2, 14), "test")
    )
    replies = await bot.private(5).send("/rates")
    assert "KZT: 0.00199 USD (-1.49%) · 1 USD = 502.51 KZT (14 February 2026)" in replies.text
    assert "KGS: 0.01144 USD (0%) · 1 USD = 87.41 KGS (13 February 2026)" in replies.text


async def test_rates_history_of_one_currency(bot: RunningBot) -> None:
    for code in ["KZT", "kzt", "Kzt"]:
        replies = await bot.private(5).send(f"/rates {code}")
        assert replies.text.splitlines() == [
            "💱 KZT against USD, last 2 days",
            "",
            "13 February 2026: 0.00202 USD (0%) · 1 USD = 495.05 KZT",
            "7 February 2026: 0.00202 USD (0%) · 1 USD = 495.05 KZT",
        ], code


async def test_rates_history_shows_the_changes(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/rates tjs")
    assert "13 February 2026: 0.10598 USD (-0.19%) · 1 USD = 9.44 TJS" in replies.text
    assert "7 February 2026: 0.10661 USD (0%) · 1 USD = 9.38 TJS" in replies.text


async def test_rates_of_an_unknown_code_lists_the_known(bot: RunningBot) -> None:
    for code in ["XYZ", "eur", "kazakh", "<b>"]:
        replies = await bot.private(5).send(f"/rates {code}")
        assert replies.text == (
            f"I don't know the currency “{code.upper()}”. I know: KGS, KZT, TJS, TMT, UZS."
        )


async def test_rates_of_usd_and_too_many_codes(bot: RunningBot) -> None:
    assert "Rates are against USD" in (await bot.private(5).send("/rates usd")).text
    assert "Send /rates for every currency" in (await bot.private(5).send("/rates KZT KGS")).text


CONVERSIONS = [
    ("1000 KZT", "1,000 KZT = 2.02 USD"),
    ("1 000 kzt", "1,000 KZT = 2.02 USD"),
    ("100 USD", "100 USD = 49,504.95 KZT"),
    ("100 usd uzs", "100 USD = 1,250,000.00 UZS"),
    ("1,5 KGS KZT", "1.5 KGS = 8.50 KZT"),
    ("250kgs to tjs", "250 KGS = 26.99 TJS"),
    ("1 UZS", "1 UZS = 0.00008 USD"),
    ("1000000 uzs", "1,000,000 UZS = 80.00 USD"),
    ("0.5 TMT", "0.5 TMT = 0.1425 USD"),
    ("10 kzt kzt", "10 KZT = 10.00 KZT"),
]


async def test_convert(bot: RunningBot) -> None:
    for arguments, answer in CONVERSIONS:
        replies = await bot.private(5).send(f"/convert {arguments}")
        assert replies.text.splitlines()[0] == f"💱 {answer}", arguments
        assert "as of 13 February 2026" in replies.text, arguments


async def test_convert_names_the_rates_used(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/convert 100 KGS KZT")
    assert replies.text.splitlines()[1] == (
        "Rates (through USD): 1 KGS = 0.01144 USD, 1 KZT = 0.00202 USD, as of 13 February 2026."
    )


async def test_convert_uses_the_latest_rate(bot: RunningBot) -> None:
    await bot.store.rates.set(
        Rate("KZT", "USD", Decimal("0.0025"), Decimal("23.76"), date(2026, 3, 1), "test")
    )
    replies = await bot.private(5).send("/convert 100 USD")
    assert replies.text.splitlines() == [
        "💱 100 USD = 40,000.00 KZT",
        "Rates: 1 KZT = 0.0025 USD, as of 1 March 2026.",
    ]


BAD_AMOUNTS = [
    ("abc KZT", "“abc” is not an amount I can read."),
    ("ten kzt", "“ten” is not an amount I can read."),
    ("-5 KZT", "The amount cannot be negative."),
    ("NaN KZT", "“NaN” is not an amount I can read."),
    ("Infinity USD", "“Infinity” is not an amount I can read."),
    ("1e3 USD", "“1e3” is not an amount I can read."),
    ("1,500 USD", "“1,500” could be 1500 or 1.500"),
    ("99999999999999999 USD", "That amount is too large."),
    ("1<2 KZT", "“1<2” is not an amount I can read."),
]


async def test_convert_a_bad_amount(bot: RunningBot) -> None:
    for arguments, problem in BAD_AMOUNTS:
        replies = await bot.private(5).send(f"/convert {arguments}")
        assert replies.text.startswith(problem), arguments
        assert "Send /convert AMOUNT FROM [TO]" in replies.text, arguments
        assert f"Currencies: {KNOWN}." in replies.text, arguments


async def test_convert_usage(bot: RunningBot) -> None:
    for arguments in ["", "100", "KZT", "100 KZT USD EUR"]:
        replies = await bot.private(5).send(f"/convert {arguments}".strip())
        assert "Send /convert AMOUNT FROM [TO]" in replies.text, arguments
        assert f"Currencies: {KNOWN}." in replies.text, arguments


async def test_convert_an_unknown_currency(bot: RunningBot) -> None:
    for arguments, code in [("5 EUR", "EUR"), ("5 KZT RUB", "RUB")]:
        replies = await bot.private(5).send(f"/convert {arguments}")
        assert replies.text == f"I don't know the currency “{code}”. I know: {KNOWN}.", arguments


async def test_without_rates(launch: Launcher, tmp_path: Path) -> None:
    async with launch(seeds=tmp_path / "no-seeds") as empty:
        chat = empty.private(5)
        assert (await chat.send("/rates")).text == "No rates yet."
        assert (await chat.send("/convert 5 USD")).text.startswith("I have no rate for KZT yet.")
        assert (await chat.send("/rates TMT")).text.startswith("I have no rate for TMT yet.")
        await empty.store.rates.set(
            Rate("KGS", "USD", Decimal("0.0115"), None, date(2026, 3, 2), "test")
        )
        replies = await chat.send("/convert 10 KGS TMT")
        assert replies.text.startswith("I have no rate for TMT yet.")
        assert "1 USD = 86.96 KGS" in (await chat.send("/rates")).text
