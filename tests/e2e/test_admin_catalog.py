"""E2E: /setrate and /addfestival (one line and guided) by an admin."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from storage.models import NewArticle, Rate
from tests.e2e.conftest import ADMIN_ID, RunningBot


def _today(bot: RunningBot) -> date:
    return datetime.now(bot.settings.timezone).date()


async def test_setrate_records_the_rate_with_its_change(bot: RunningBot) -> None:
    today = _today(bot)
    yesterday = today - timedelta(days=1)
    await bot.store.rates.set(Rate("KZT", "USD", Decimal("0.00200"), None, yesterday, "seed"))

    replies = await bot.private(ADMIN_ID).send("/setrate kzt 0,00210")

    [rate] = await bot.store.rates.up_to("KZT", today, limit=1)
    assert rate == Rate(
        "KZT", "USD", Decimal("0.00210"), Decimal("5.00"), today, f"admin:{ADMIN_ID}", digits=3
    )
    assert "KZT/USD = 0.00210" in replies.text
    assert f"+5.00% since {yesterday.day} {yesterday:%B %Y}" in replies.text
    [action] = await bot.store.admin_actions.recent(1)
    assert (action.action, action.target, action.detail) == ("setrate", f"KZT/{today}", "0.00210")


async def test_setrate_on_a_past_date_replaces_that_day(bot: RunningBot) -> None:
    day = date(2025, 3, 10)
    await bot.store.rates.set(Rate("UZS", "USD", Decimal("0.000077"), None, day, "seed"))

    replies = await bot.private(ADMIN_ID).send("/setrate UZS 0.000078 2025-03-10")

    [rate] = await bot.store.rates.up_to("UZS", day, limit=1)
    assert (rate.value, rate.as_of, rate.change_pct) == (Decimal("0.000078"), day, None)
    assert "It replaces: UZS 1 USD ≈ 13,000 UZS · 1 UZS = 0.000077 USD" in replies.text


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ("KZT -1", "not a positive number"),
        ("KZT 0", "not a positive number"),
        ("KZT abc", "not a number"),
        ("KZT NaN", "not a number"),
        ("XYZ 1", "not a currency I follow"),
        ("USD 1", "not a currency I follow"),
        ("KZT", "Give a currency code"),
        ("KZT 1 2025-13-01", "not a date"),
        ("KZT 1 2999-01-01", "in the future"),
        ("KZT 1 2025-01-01 extra", "Give a currency code"),
    ],
)
async def test_setrate_with_bad_input_explains_and_records_nothing(
    bot: RunningBot, args: str, problem: str
) -> None:
    before = await bot.store.rates.latest()

    replies = await bot.private(ADMIN_ID).send(f"/setrate {args}")

    assert problem in replies.text
    assert "/setrate KZT" in replies.text  # an example
    assert await bot.store.rates.latest() == before
    assert await bot.store.admin_actions.recent() == []


async def test_addfestival_one_line_adds_and_links_articles_that_name_it(
    bot: RunningBot,
) -> None:
    naming, _ = await bot.store.articles.add(
        NewArticle("Didor opens in Dushanbe", "The Didor Film Festival opens.", source="t")
    )
    other, _ = await bot.store.articles.add(
        NewArticle("Didorama", "Not the festival: Didorama is a shop.", source="t")
    )

    replies = await bot.private(ADMIN_ID).send(
        "/addfestival Didor Film Festival | Dushanbe | Tajikistan | 2026-10-01..2026-10-07 "
        "| International <film> festival & more | with a pipe"
    )

    festival = next(f for f in await bot.store.festivals.all() if f.name == "Didor Film Festival")
    assert (festival.city, festival.country) == ("Dushanbe", "Tajikistan")
    assert (festival.starts_on, festival.ends_on) == (date(2026, 10, 1), date(2026, 10, 7))
    assert festival.description == "International <film> festival & more | with a pipe"
    assert [a.id for a in await bot.store.articles.mentioning(festival.id, 10)] == [naming]
    assert other not in [a.id for a in await bot.store.articles.mentioning(festival.id, 10)]
    assert "Added festival" in replies.text
    assert "International <film> festival & more" in replies.text
    assert "Linked 1 article" in replies.text
    [action] = await bot.store.admin_actions.recent(1)
    assert (action.action, action.target) == ("addfestival", str(festival.id))


async def test_addfestival_updates_an_existing_festival_in_place(bot: RunningBot) -> None:
    before = next(f for f in await bot.store.festivals.all() if f.name.startswith("Bishkek"))

    replies = await bot.private(ADMIN_ID).send(
        "/addfestival bishkek international film festival | | | 2026-06-10 – 2026-06-14"
    )

    after = await bot.store.festivals.get(before.id)
    assert (after.starts_on, after.ends_on) == (date(2026, 6, 10), date(2026, 6, 14))
    assert (after.city, after.country, after.description) == (
        before.city,
        before.country,
        before.description,
    )
    assert after.aliases == before.aliases
    assert after.edition == before.edition
    assert await bot.store.festivals.count() == len(await bot.store.festivals.all())
    assert "Updated festival" in replies.text
    assert "10–14 June 2026" in replies.text  # dates read as on the festival's card
    [action] = await bot.store.admin_actions.recent(1)
    assert (action.action, action.target) == ("updatefestival", str(before.id))


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ("| Dushanbe", "needs a name"),
        ("Didor Film Festival | Dushanbe | Tajikistan | next week", "not a date"),
        ("Didor Film Festival | | | 2026-10-07..2026-10-01", "ends (2026-10-01) before it starts"),
    ],
)
async def test_addfestival_with_bad_input_explains(
    bot: RunningBot, args: str, problem: str
) -> None:
    festivals = await bot.store.festivals.all()

    replies = await bot.private(ADMIN_ID).send(f"/addfestival {args}")

    assert problem in replies.text
    assert await bot.store.festivals.all() == festivals


async def test_addfestival_guided_asks_field_by_field(bot: RunningBot) -> None:
    chat = bot.private(ADMIN_ID)
    assert "Name?" in (await chat.send("/addfestival")).text
    assert "City?" in (await chat.send("Eurasia Film Festival")).text
    assert "Country?" in (await chat.send("Almaty")).text
    assert "Dates?" in (await chat.send("-")).text
    retry = await chat.send("soon")
    assert "not a date" in retry.text
    assert "Edition?" in (await chat.send("2026-09-20")).text
    assert "Other names" in (await chat.send("-")).text
    assert "Description?" in (await chat.send("-")).text
    done = await chat.send("The | oldest festival of Kazakhstan")

    assert "Added festival" in done.text
    festival = next(f for f in await bot.store.festivals.all() if f.name.startswith("Eurasia"))
    assert festival.city == "Almaty"
    assert festival.country is None
    assert (festival.starts_on, festival.ends_on) == (date(2026, 9, 20), date(2026, 9, 20))
    assert festival.description == "The / oldest festival of Kazakhstan"
    # The conversation is over: more text is no longer taken as an answer.
    count = await bot.store.festivals.count()
    await chat.send("Another Festival")
    assert await bot.store.festivals.count() == count


async def test_addfestival_guided_can_be_cancelled(bot: RunningBot) -> None:
    chat = bot.private(ADMIN_ID)
    count = await bot.store.festivals.count()
    await chat.send("/addfestival")
    await chat.send("Half Festival")

    replies = await chat.send("/cancel")

    assert "Cancelled" in replies.text
    await chat.send("Almaty")
    assert await bot.store.festivals.count() == count
    assert await bot.store.admin_actions.recent() == []
