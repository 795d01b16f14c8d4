"""E2E: /rates and /convert over the seed rates (7 and 13 February 2026) and the banks' rates
fetched from a local server; /setrate quoted either way, its confirmation and its refusals;
absurd values written straight into the table never break a reader's command."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.newsroom.sources.http import build_client
from bot.newsroom.sources.rates import fetch_rates
from storage.models import Rate
from tests.bank_server import serve_banks
from tests.e2e.conftest import ADMIN_ID, Launcher, RunningBot

KNOWN = "USD, KGS, KZT, TJS, TMT, UZS, RUB, EUR, CNY"
GENERIC_ERROR = "something went wrong"
STALE = "news site, 13 February 2026 ⚠️ stale"


def _today(bot: RunningBot) -> date:
    return datetime.now(bot.settings.timezone).date()


async def test_rates_show_both_ways_the_change_source_date_and_staleness(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/rates")

    lines = replies.text.splitlines()
    assert lines[0] == "💱 Rates against USD"
    assert lines[2:12] == [
        "KGS 1 USD ≈ 87.41 KGS · 1 KGS = 0.01144 USD",
        f"    +0.09% since 7 February 2026 · {STALE}",
        "KZT 1 USD ≈ 495 KZT · 1 KZT = 0.00202 USD",
        f"    0.00% since 7 February 2026 · {STALE}",
        "TJS 1 USD ≈ 9.4357 TJS · 1 TJS = 0.10598 USD",
        f"    -0.59% since 7 February 2026 · {STALE}",  # from the rows, not the ticker's -0.19%
        "TMT 1 USD ≈ 3.5100 TMT · 1 TMT = 0.28490 USD",
        f"    -0.30% since 7 February 2026 · {STALE}",
        "UZS 1 USD ≈ 10,000 UZS · 1 UZS = 0.00008 USD",  # one digit, as on the page
        f"    0.00% since 7 February 2026 · {STALE}",
    ]


async def test_a_fresh_rate_is_not_stale(bot: RunningBot) -> None:
    await bot.store.rates.set(
        Rate("KZT", "USD", Decimal("0.00199"), None, _today(bot), f"admin:{ADMIN_ID}")
    )
    replies = await bot.private(5).send("/rates")
    [kzt] = [line for line in replies.text.splitlines() if line.startswith("KZT")]
    details = replies.text.splitlines()[replies.text.splitlines().index(kzt) + 1]
    assert kzt == "KZT 1 USD ≈ 503 KZT · 1 KZT = 0.00199 USD"
    assert details.endswith("since 13 February 2026 · admin, " + _format(_today(bot)))


def _format(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


async def test_rates_history_labels_each_change_with_the_rows_dates(bot: RunningBot) -> None:
    for code in ["KGS", "kgs", "сом"]:
        replies = await bot.private(5).send(f"/rates {code}")
        assert replies.text.splitlines() == [
            "💱 KGS against USD, the last 2 rates",
            "",
            "13 February 2026: 1 USD ≈ 87.41 KGS · 1 KGS = 0.01144 USD",
            f"    +0.09% since 7 February 2026 · {STALE}",
            "7 February 2026: 1 USD ≈ 87.49 KGS · 1 KGS = 0.01143 USD",
            "    news site, 7 February 2026 ⚠️ stale",
        ], code


async def test_rates_of_an_unknown_code_lists_the_known(bot: RunningBot) -> None:
    for code, shown in [("XYZ", "XYZ"), ("kazakh", "kazakh"), ("<b>", "<b>"), ("q" * 4000, None)]:
        replies = await bot.private(5).send(f"/rates {code}")
        assert replies.text.startswith("I don't know the currency “"), code
        assert replies.text.endswith(f"I know: {KNOWN[5:]}."), code
        if shown:
            assert f"“{shown}”" in replies.text
        assert len(replies.text) < 200


CONVERSIONS = [
    ("1000 KZT", "1,000 KZT ≈ 2.02 USD"),
    ("1 000 kzt", "1,000 KZT ≈ 2.02 USD"),
    ("100 USD", "100 USD ≈ 49,500 KZT"),
    ("1000000 uzs", "1,000,000 UZS ≈ 80 USD"),  # one-digit rate: not "80.00", not "="
    ("1,5 KGS KZT", "1.5 KGS ≈ 8.50 KZT"),
    ("250kgs to tjs", "250 KGS ≈ 26.99 TJS"),
    ("100 тенге USD", "100 KZT ≈ 0.202 USD"),
    ("100 теңге", "100 KZT ≈ 0.202 USD"),
    ("$100 сом", "100 USD ≈ 8,741 KGS"),
    ("5000₸ в сомони", "5,000 KZT ≈ 95.3 TJS"),
    ("10 манат сўм", "10 TMT ≈ 40,000 UZS"),
]


async def test_convert_says_how_exact_it_is_and_understands_names(bot: RunningBot) -> None:
    for arguments, answer in CONVERSIONS:
        replies = await bot.private(5).send(f"/convert {arguments}")
        assert replies.text.splitlines()[0] == f"💱 {answer}", arguments
        assert "13 February 2026 ⚠️ stale" in replies.text, arguments


async def test_convert_names_the_rates_used_both_ways(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/convert 100 KGS KZT")
    assert replies.text.splitlines()[1:] == [
        "Rates (through USD):",
        "KGS 1 USD ≈ 87.41 KGS · 1 KGS = 0.01144 USD",
        f"    +0.09% since 7 February 2026 · {STALE}",
        "KZT 1 USD ≈ 495 KZT · 1 KZT = 0.00202 USD",
        f"    0.00% since 7 February 2026 · {STALE}",
    ]


async def test_convert_blames_the_currency_not_the_amount(bot: RunningBot) -> None:
    for arguments, word in [
        ("100 gold USD", "gold"),
        ("100 KZT тугрик", "тугрик"),
        ("5 XAU", "XAU"),
        ("5 KZT GBP", "GBP"),
    ]:
        replies = await bot.private(5).send(f"/convert {arguments}")
        assert replies.text == f"I don't know the currency “{word}”. I know: {KNOWN}.", arguments


BAD_AMOUNTS = [
    ("abc KZT", "“abc” is not an amount I can read."),
    ("ten kzt", "“ten” is not an amount I can read."),
    ("-5 KZT", "The amount cannot be negative."),
    ("NaN KZT", "“NaN” is not an amount I can read."),
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


async def test_without_rates(launch: Launcher, tmp_path: Path) -> None:
    async with launch(seeds=tmp_path / "no-seeds") as empty:
        chat = empty.private(5)
        assert (await chat.send("/rates")).text == "No rates yet."
        assert (await chat.send("/convert 5 USD")).text.startswith("I have no usable rate for KZT")
        assert (await chat.send("/rates TMT")).text.startswith("I have no usable rate for TMT")
        assert (await chat.send("/convert 5 RUB")).text.startswith("I have no usable rate for RUB")


async def test_the_banks_rates_fetched_show_their_bank_and_convert_rub(bot: RunningBot) -> None:
    async with serve_banks() as banks, build_client() as client:
        for provider, path, day in [
            ("nbk", "/nbk/get_rates.cfm", date(2026, 4, 1)),
            ("nbkr", "/nbkr/daily.xml", date(2026, 7, 2)),
        ]:
            await fetch_rates(
                client, bot.store, provider, banks.url(path), day, allow_private=True
            )
    text = (await bot.private(5).send("/rates")).text
    lines = text.splitlines()
    codes = [line.split()[0] for line in lines if line[:3].isalpha() and line[:3].isupper()]
    assert codes == ["KGS", "KZT", "TJS", "TMT", "UZS", "RUB", "EUR", "CNY"]
    kgs = lines.index("KGS 1 USD = 87.4500 KGS · 1 KGS ≈ 0.0114351 USD")
    assert lines[kgs + 1].endswith("· NBKR, 3 July 2026 ⚠️ stale")
    assert "RUB 1 USD ≈ 77.809 RUB · 1 RUB ≈ 0.012852 USD" in text  # 1.1239 KGS: 5 digits
    replies = await bot.private(5).send("/convert 1000 RUB KZT")
    assert replies.text.splitlines()[0].startswith("💱 1,000 RUB ≈ 6,")
    assert "NBKR cross" in replies.text


ABSURD = ["1e-400", "0.000000000000000000000000000001", "1E+30", "0", "-1", "NaN", "sNaN", "x"]


@pytest.mark.bot_settings(admin_ids={ADMIN_ID})
@pytest.mark.sqlite_only("stores values of any type (text, NaN) in SQLite's loosely typed column")
async def test_no_stored_value_breaks_a_readers_command(bot: RunningBot) -> None:
    database = bot.settings.database

    def write(value: object) -> None:  # on a connection of its own, as another process would
        with closing(sqlite3.connect(database)) as connection, connection:
            connection.execute(
                "INSERT OR REPLACE INTO rates (currency, base, value, as_of, source, rank) "
                "VALUES ('TMT', 'USD', ?, '2026-03-01', 'admin:42', 4)",
                (value,),
            )

    for value in ABSURD:
        # In a thread: blocking the event loop here would stall a transaction the bot's jobs
        # have open, and the write would then wait for it in vain ("database is locked").
        await asyncio.to_thread(write, value)
        bot.store.rates.forget_latest()  # seen now, not once the kept latest rates expire
        for command in ["/rates", "/rates TMT", "/convert 100 TMT", "/convert 5 USD TMT"]:
            replies = await bot.private(5).send(command)
            assert replies.text, (value, command)
            assert GENERIC_ERROR not in replies.text.lower(), (value, command)
            assert len(replies.text) < 4096
        digest = await bot.private(ADMIN_ID).send("/digest")
        assert GENERIC_ERROR not in digest.text.lower(), value


# --- /setrate ------------------------------------------------------------------------------------


async def test_setrate_takes_the_local_quote_505_kzt_per_usd(bot: RunningBot) -> None:
    today = _today(bot)
    replies = await bot.private(ADMIN_ID).send("/setrate KZT 505")

    [rate] = await bot.store.rates.up_to("KZT", today, limit=1)
    assert (rate.per_usd, rate.as_of, rate.source) == (Decimal(505), today, f"admin:{ADMIN_ID}")
    assert rate.value * 505 == pytest.approx(Decimal(1))
    assert replies.text.splitlines()[:2] == [
        f"💱 Recorded USD/KZT = 505 for {_format(today)}:",
        "KZT 1 USD = 505 KZT · 1 KZT ≈ 0.00198 USD",
    ]
    conversion = await bot.private(5).send("/convert 100 USD KZT")
    assert conversion.text.splitlines()[0] == "💱 100 USD ≈ 50,500 KZT"  # not 0.198 KZT


async def test_setrate_takes_the_other_quote_too(bot: RunningBot) -> None:
    today = _today(bot)
    replies = await bot.private(ADMIN_ID).send("/setrate kzt 0,00198")
    [rate] = await bot.store.rates.up_to("KZT", today, limit=1)
    assert (rate.value, rate.per_usd) == (Decimal("0.00198"), None)
    assert "Recorded KZT/USD = 0.00198" in replies.text
    assert "KZT 1 USD ≈ 505 KZT · 1 KZT = 0.00198 USD" in replies.text
    assert "-1.98% since 13 February 2026" in replies.text
    [action] = await bot.store.admin_actions.recent(1)
    assert (action.action, action.target, action.detail) == ("setrate", f"KZT/{today}", "0.00198")


async def test_a_big_move_asks_first_showing_old_and_new_both_ways(bot: RunningBot) -> None:
    admin = bot.private(ADMIN_ID)
    before = await bot.store.rates.latest()
    ask = await admin.send("/setrate KZT 800")

    assert await bot.store.rates.latest() == before  # nothing stored yet
    assert ask.text.splitlines()[:4] == [
        "⚠️ That moves KZT by -38.12%. Is it right?",
        "",
        "Now: KZT 1 USD ≈ 495 KZT · 1 KZT = 0.00202 USD",
        f"    {STALE}",
    ]
    assert ask.text.splitlines()[4].startswith("New: 1 USD = 800 KZT · 1 KZT = 0.00125 USD, for ")

    kept = await admin.press(ask.last, "Keep the old one")
    assert "nothing was changed" in kept.text
    assert await bot.store.rates.latest() == before

    again = await admin.send("/setrate KZT 800")
    done = await admin.press(again.last, "Set the new rate")
    assert "Recorded USD/KZT = 800" in done.text
    [rate] = await bot.store.rates.up_to("KZT", _today(bot), limit=1)
    assert rate.per_usd == Decimal(800)


async def test_a_forged_confirmation_is_refused_to_others(bot: RunningBot) -> None:
    ask = await bot.private(ADMIN_ID).send("/setrate KZT 800")
    before = await bot.store.rates.latest()
    data = ask.last.callback_data[0]
    own = await bot.private(777).send("/rates")  # a message of the stranger's, to forge on
    stranger = await bot.private(777).press(own.last, data=data, strict=False)
    assert stranger.answers
    assert "admins only" in stranger.answers[0]["text"]
    forged = await bot.private(ADMIN_ID).press(
        ask.last, data="admin:setrate:KZT:1e-400:2026-01-01", strict=False
    )
    assert forged.answers
    assert "not one I made" in forged.answers[0]["text"]
    assert await bot.store.rates.latest() == before


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ("TMT 1e-400", "outside the sane range for TMT: 1 USD = 2–10 TMT"),
        ("TMT 0.000000000000000000000000000001", "1 TMT = 0.1–0.5 USD"),
        ("TMT 1E+30", "outside the sane range for TMT"),
        ("KZT 5", "1 USD = 100–2000 KZT"),
        ("KZT 505.123456789012", "no bank publishes over 12"),
        ("KZT -1", "not a positive number"),
        ("KZT abc", "not a number"),
        ("KZT NaN", "not a number"),
        ("XYZ 1", "not a currency I follow"),
        ("USD 1", "not a currency I follow"),
        ("KZT", "Give a currency code"),
        ("KZT 505 2025-13-01", "not a date"),
        ("KZT 505 2999-01-01", "in the future"),
        (f"{'Q' * 4000} 1", "not a currency I follow"),
    ],
)
async def test_setrate_refuses_bad_input_and_records_nothing(
    bot: RunningBot, args: str, problem: str
) -> None:
    before = await bot.store.rates.latest()
    replies = await bot.private(ADMIN_ID).send(f"/setrate {args}")
    assert problem in replies.text
    assert "/setrate KZT 505" in replies.text  # an example
    assert len(replies.text) < 500
    assert await bot.store.rates.latest() == before
    assert await bot.store.admin_actions.recent() == []
