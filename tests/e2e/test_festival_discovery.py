"""E2E: festivals found in the news (issue 12), curated ones kept by restarts (issue 9 item 2),
and the admin's /addfestival and /delfestival over them (issue 9 item 7)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.newsroom.ingest import ingest
from storage.database import Dialect
from storage.models import FactSource, Festival
from tests.e2e.conftest import ADMIN_ID, Launcher, RunningBot

SILK_ROAD = "Silk Road Documentary Film Festival"
BISHKEK = "Bishkek International Film Festival"


def page(day: str, articles: list[tuple[str, str]]) -> str:
    """A listing page in the seed format."""
    body = "\n\n".join(f"{title}\n\n{text}" for title, text in articles)
    return f"{day}\n\nViewing results 1 - {len(articles)} of 9\n\n{body}\n"


SILK_ROAD_PAGE = page(
    "10 February 2026",
    [
        (
            "Documentaries Head to Samarkand",
            "The first Silk Road Documentary Film Festival will take place in Samarkand from "
            "April 3 to 8, with films from all five Central Asian countries.",
        ),
        ("Uzbek Cinema Weekly", "A new cinema opened in Tashkent this week."),
    ],
)


async def ingest_page(bot: RunningBot, folder: Path, text: str, name: str = "news.txt") -> None:
    (folder / name).write_text(text, "utf-8")
    report = await ingest(bot.store, [folder / name])
    assert report.errors == []


async def named(bot: RunningBot, name: str) -> Festival | None:
    return await bot.store.festivals.named(name)


async def test_a_festival_nobody_listed_is_found_with_its_dates_and_city(
    bot: RunningBot, tmp_path: Path
) -> None:
    await ingest_page(bot, tmp_path, SILK_ROAD_PAGE)

    card = (await bot.private(5).send("/festival silk road")).last

    lines = card.plain.splitlines()
    assert lines[0] == f"🎬 {SILK_ROAD}"
    assert lines[1] == "Festival · Samarkand, Uzbekistan"
    assert lines[2].startswith("📅 3–8 April 2026")
    assert "From the news: city, country, dates, edition." in card.plain
    assert "Documentaries Head to Samarkand" in card.plain
    found = await named(bot, SILK_ROAD)
    assert found is not None
    assert found.origin is FactSource.NEWS
    [article] = await bot.store.articles.mentioning(found.id, 5)
    assert card.callback_data == [f"art:{article.id}", f"remind:{found.id}", f"follow:{found.id}"]
    # The other article names no festival, and nothing else was invented.
    assert await bot.store.festivals.count() == 10


async def test_cyrillic_query_finds_a_latin_name_and_the_reverse(bot: RunningBot) -> None:
    await bot.private(ADMIN_ID).send("/addfestival Дидор Кинофестиваль | Душанбе | Таджикистан")

    bishkek = await bot.private(5).send("/festival бишкек")
    didor = await bot.private(5).send("/festival didor")

    assert bishkek.last.plain.startswith(f"🎬 {BISHKEK}\n")
    assert didor.last.plain.startswith("🎬 Дидор Кинофестиваль\n")


async def test_no_card_offers_the_articles_that_mention_the_words(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/festival Tolomush Okeev")

    assert replies.text.startswith(
        "I have no card for “Tolomush Okeev”, but 1 article mentions it:"
    )
    assert "Kyrgyzstan: Film Festival Showcases Central Asian Talent" in replies.text
    opened = await bot.private(5).press(replies.last, "#3")
    assert opened.sent[0].plain.startswith("Kyrgyzstan: Film Festival Showcases")


async def test_admin_confirms_a_discovered_festival_keeping_its_id_and_articles(
    bot: RunningBot, tmp_path: Path
) -> None:
    await ingest_page(bot, tmp_path, SILK_ROAD_PAGE)
    found = await named(bot, SILK_ROAD)
    assert found is not None

    replies = await bot.private(ADMIN_ID).send(
        f"/addfestival {SILK_ROAD} | | | 2026-04-04..2026-04-09 | edition: 2 | aka: SRDFF"
    )

    assert f"Updated festival #{found.id}" in replies.text
    confirmed = await bot.store.festivals.get(found.id)
    assert (confirmed.starts_on, confirmed.ends_on) == (date(2026, 4, 4), date(2026, 4, 9))
    assert (confirmed.edition, confirmed.aliases, confirmed.city) == (2, ("SRDFF",), "Samarkand")
    assert confirmed.source("dates") is FactSource.ADMIN
    assert confirmed.source("city") is FactSource.NEWS
    assert [a.title for a in await bot.store.articles.mentioning(found.id, 5)] == [
        "Documentaries Head to Samarkand"
    ]
    card = (await bot.private(5).send("/festival srdff")).last
    assert "From the news: city, country." in card.plain
    assert "From the newsroom: other names, dates, edition." in card.plain


async def test_delfestival_asks_then_removes_and_it_is_not_found_again(
    bot: RunningBot, tmp_path: Path
) -> None:
    await ingest_page(bot, tmp_path, SILK_ROAD_PAGE)
    found = await named(bot, SILK_ROAD)
    assert found is not None
    admin = bot.private(ADMIN_ID)

    asked = await admin.send(f"/delfestival {found.id}")
    assert f"Delete festival #{found.id} {SILK_ROAD} (Samarkand, Uzbekistan" in asked.text
    assert "Its link to 1 article" in asked.text
    assert await named(bot, SILK_ROAD) is not None  # nothing happens before the button
    kept = await admin.press(asked.last, "Keep it")
    assert "Kept" in kept.text
    assert await named(bot, SILK_ROAD) is not None

    deleted = await admin.press((await admin.send(f"/delfestival {found.id}")).last, "Delete")

    assert f"Deleted festival #{found.id}" in deleted.text
    assert await named(bot, SILK_ROAD) is None
    [action] = await bot.store.admin_actions.recent(1)
    assert (action.action, action.target) == ("delfestival", str(found.id))
    # The same article, ingested again or edited and re-read, does not bring it back.
    await ingest_page(bot, tmp_path, SILK_ROAD_PAGE, "again.txt")
    assert await named(bot, SILK_ROAD) is None
    gone = await bot.private(5).send("/festival silk road documentary")
    assert gone.text.startswith("I have no card for")


@pytest.mark.parametrize(
    ("typed", "problem"),
    [("", "needs a festival id"), ("abc", "“abc” is not a festival id"), ("999", "no festival")],
)
async def test_delfestival_with_a_bad_id_explains(
    bot: RunningBot, typed: str, problem: str
) -> None:
    count = await bot.store.festivals.count()
    replies = await bot.private(ADMIN_ID).send(f"/delfestival {typed}".strip())
    assert problem in replies.text.replace("That needs", "needs")
    assert await bot.store.festivals.count() == count


async def test_delfestival_is_for_admins(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/delfestival 1")
    assert "admins only" in replies.text
    assert await bot.store.festivals.count() == 9


async def test_an_admin_edit_survives_restarts_and_no_id_is_spent(launch: Launcher) -> None:
    """Issue 9 item 2: the festivals file is ingested at every start; it must not undo this."""
    async with launch() as bot:
        await bot.private(ADMIN_ID).send(
            f"/addfestival {BISHKEK} | Bishkek | Kyrgyzstan | 2027-06-10..2027-06-14 | "
            "Fourth edition."
        )
        await bot.private(ADMIN_ID).send("/delfestival 9")  # Romford
        await bot.private(ADMIN_ID).press(bot.emulator.sent(ADMIN_ID)[-1], "Delete")
        sequence = await _festival_sequence(bot)

    async with launch() as bot:
        card = (await bot.private(5).send("/festival bishkek")).last
        assert "📅 10–14 June 2027 · 3rd edition" in card.plain
        assert "Fourth edition." in card.plain
        assert await bot.store.festivals.named("Romford Film Festival") is None
    async with launch() as bot:
        assert await _festival_sequence(bot) == sequence


async def _festival_sequence(bot: RunningBot) -> int:
    """The last festival id handed out (spent or not), read on the bot's own database."""
    db = bot.store.db
    if db.dialect is Dialect.SQLITE:
        sql = "SELECT seq FROM sqlite_sequence WHERE name = 'festivals'"
    else:
        sql = "SELECT last_value FROM festivals_id_seq"
    return int(await db.fetch_value(sql))


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ("A | B", "too short to be a festival's name"),
        ("Didor", "too short to be a festival's name"),
        ("Film Festival | Dushanbe", "names no festival in particular"),
        ("Didor Film Festival | | | 2026-10-01 | edition: many", "not an edition"),
    ],
)
async def test_addfestival_refuses_junk_names(bot: RunningBot, args: str, problem: str) -> None:
    before = await bot.store.festivals.all()
    replies = await bot.private(ADMIN_ID).send(f"/addfestival {args}")
    assert problem in replies.text
    assert await bot.store.festivals.all() == before


async def test_addfestival_takes_an_alias_edition_and_aliases_in_one_line(
    bot: RunningBot,
) -> None:
    replies = await bot.private(ADMIN_ID).send(
        "/addfestival BIFF | | | 2027-06-10..2027-06-14 | edition: 4th | aliases: Bishkek IFF"
    )

    assert "Updated festival #1" in replies.text
    bishkek = await bot.store.festivals.get(1)
    assert (bishkek.name, bishkek.edition, bishkek.aliases) == (BISHKEK, 4, ("Bishkek IFF",))
    assert bishkek.starts_on == date(2027, 6, 10)


async def test_addfestival_guided_asks_edition_and_aliases(bot: RunningBot) -> None:
    chat = bot.private(ADMIN_ID)
    await chat.send("/addfestival")
    assert "too short" in (await chat.send("Didor")).text
    for answer in ("Didor Film Festival", "Dushanbe", "Tajikistan", "2026-10-01"):
        await chat.send(answer)
    assert "not an edition" in (await chat.send("lots")).text
    assert "Other names" in (await chat.send("9th")).text
    assert "Description?" in (await chat.send("Дидор, Didor IFF")).text
    done = await chat.send("The film festival of Tajikistan")

    assert "Added festival" in done.text
    didor = await bot.store.festivals.named("Didor Film Festival")
    assert didor is not None
    assert (didor.edition, didor.aliases) == (9, ("Дидор", "Didor IFF"))


async def test_cancel_outside_a_form_says_there_is_nothing_to_cancel(bot: RunningBot) -> None:
    assert "nothing to cancel" in (await bot.private(5).send("/cancel")).text
    assert "nothing to cancel" in (await bot.private(ADMIN_ID).send("/cancel")).text
