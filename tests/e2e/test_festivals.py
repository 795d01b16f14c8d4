"""E2E: /festival (forgiving lookup, card, choices, buttons) and /festivals over the seeds."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.i18n import Catalogs
from bot.render.festivals import date_range
from storage.models import Festival, NewFestival
from tests.e2e.conftest import Launcher, RunningBot

BISHKEK = "Bishkek International Film Festival"
PANDA = "Golden Panda Awards"
EURASIAN = "Eurasian Film Festival"
ECG = "Eurasian Creative Guild Film Festival"


async def festival_named(bot: RunningBot, name: str) -> Festival:
    return next(f for f in await bot.store.festivals.all() if f.name == name)


async def test_festival_card(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/festival bishkek")

    [card] = replies.sent
    lines = card.plain.splitlines()
    assert lines[0] == f"🎬 {BISHKEK}"
    assert lines[1] == "Festival · Bishkek, Kyrgyzstan"
    assert lines[2] == "📅 11–15 June 2025 (past) · 3rd edition"
    assert "Also known as: Bishkek Film Festival, Bishkek festival, BIFF" in card.plain
    assert "retrospective of director Tolomush Okeev" in card.plain
    assert "Kyrgyzstan: Film Festival Showcases Central Asian Talent, New and Old" in card.plain
    festival_id = (await festival_named(bot, BISHKEK)).id
    assert card.callback_data == ["art:3", f"remind:{festival_id}", f"follow:{festival_id}"]
    # The file's year is the newsroom's; the city, country and edition are the article's.
    assert "From the news: city, country, edition." in card.plain
    assert "From the newsroom: other names, dates, description." in card.plain
    assert "In the news (1 article that names it)" in card.plain


FORGIVEN = [
    ("golden panda", PANDA),
    ("panda", PANDA),
    ("Golden Pnda", PANDA),
    ("BIFF", BISHKEK),
    ("Bishkek International Film Festival", BISHKEK),
    ("eurasian film festival", EURASIAN),
    ("lokarno", "Locarno Film Festival"),
]


async def test_festival_is_forgiving(bot: RunningBot) -> None:
    for query, name in FORGIVEN:
        replies = await bot.private(5).send(f"/festival {query}")
        assert replies.last.plain.startswith(f"🎬 {name}\n"), query


async def test_card_opens_the_articles_that_mention_it(bot: RunningBot) -> None:
    chat = bot.private(5)
    card = (await chat.send("/festival golden panda")).last
    assert "12–13 September 2025 (past) · 2nd edition" in card.plain
    assert card.callback_data[0] == "art:4"

    opened = await chat.press(card, "#4")

    assert opened.sent[0].plain.startswith(
        "Kazakh Film Brings History and Culture to the 2nd Golden Panda Awards"
    )


async def test_several_matches_are_buttons(bot: RunningBot) -> None:
    chat = bot.private(5)
    eurasian = await festival_named(bot, EURASIAN)
    ecg = await festival_named(bot, ECG)

    choices = (await chat.send("/festival eurasian")).last

    assert choices.plain.startswith("Several festivals match “eurasian”")
    assert sorted(choices.callback_data) == sorted([f"fest:{eurasian.id}", f"fest:{ecg.id}"])
    card = await chat.press(choices, data=f"fest:{eurasian.id}")
    assert card.answers
    assert card.last.plain.startswith(f"🎬 {EURASIAN}\n")
    assert "22–27 May 2025 (past) · 7th edition" in card.last.plain
    assert "Where East Meets West" in card.last.plain
    other = await chat.press(choices, data=f"fest:{ecg.id}")
    assert "dates not known" in other.last.plain
    assert "Film About Turkmen Poet Wins International Award in London" in other.last.plain


async def test_unknown_festival_lists_some_known(bot: RunningBot) -> None:
    for query in ["a", "cannes", "<b>&amp;"]:
        replies = await bot.private(5).send(f"/festival {query}")
        assert replies.text.startswith(f"I know no festival called “{query}”."), query
        assert f"Some I know: {BISHKEK}" in replies.text, query
        assert not replies.last.buttons, query


async def test_festival_usage(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/festival")
    assert "Send /festival with a name, e.g. /festival bishkek" in replies.text


async def test_forged_festival_buttons(bot: RunningBot) -> None:
    chat = bot.private(5)
    choices = (await chat.send("/festival eurasian")).last
    for data, answer in [
        ("fest:999999", "no longer listed"),
        ("fest:abc", "no longer works"),
        ("fest:", "no longer works"),
    ]:
        pressed = await chat.press(choices, data=data, strict=False)
        assert not pressed.sent, data
        assert answer in pressed.answers[0]["text"], data


async def test_festivals_upcoming_first_then_undated_then_past(bot: RunningBot) -> None:
    today = datetime.now(bot.settings.timezone).date()
    soon = (today + timedelta(days=30), today + timedelta(days=35))
    running = (today - timedelta(days=5), today + timedelta(days=5))
    for name, (starts, ends) in (("Didor Film Festival", soon), ("Running Film Days", running)):
        await bot.store.festivals.upsert(
            NewFestival(
                name, city="Dushanbe", country="Tajikistan", starts_on=starts, ends_on=ends
            )
        )
    await bot.store.festivals.upsert(
        NewFestival("Old Film Camp", kind="film camp", starts_on=date(2020, 7, 1))
    )

    replies = await bot.private(5).send("/festivals")

    text = replies.text
    order = ["Upcoming", "Running Film Days", "Didor Film Festival", "Next date not known"]
    order += [ECG, "Lisbon Film Festival"]
    positions = [text.index(item) for item in order]
    assert positions == sorted(positions)
    dates = date_range(Catalogs.load().get("en"), *running)
    assert f"Running Film Days — Dushanbe, Tajikistan, {dates} (on now)" in text
    assert "1 July 2020 (past)" not in text  # on the second page
    assert len(replies.last.buttons) == 9  # numbers 1-8, then "More ▸"
    running_id = (await festival_named(bot, "Running Film Days")).id
    assert replies.last.callback_data[0] == f"fest:{running_id}"
    card = await bot.private(5).press(replies.last, data=f"fest:{running_id}")
    assert card.last.plain.startswith("🎬 Running Film Days")
    assert "No articles mention it yet." in card.last.plain

    more = await bot.private(5).press(replies.last, "More")
    assert "Old Film Camp — 1 July 2020 (past)" in more.text
    assert more.edits
    assert not more.sent


@pytest.mark.parametrize("zone", ["Asia/Almaty", "UTC"])
async def test_festivals_on_1_december_2026_list_the_next_editions(
    bot: RunningBot, zone: str
) -> None:
    """Issue 12: the seeds' 2025 editions are past; next year's are listed, with their year."""
    with time_machine.travel(datetime(2026, 12, 1, 6, tzinfo=ZoneInfo(zone)), tick=True):
        replies = await bot.private(5).send("/festivals")

    text = replies.text
    lines = text.splitlines()
    assert lines[0] == "🎬 Festivals · page 1 of 2"
    upcoming = lines[lines.index("Upcoming") + 1 : lines.index("Next date not known") - 1]
    assert upcoming == [
        f"1. {EURASIAN} — London, United Kingdom, expected around May 2027 (last: 22–27 May 2025)",
        f"2. {BISHKEK} — Bishkek, Kyrgyzstan, expected around June 2027 (last: 11–15 June 2025)",
        f"3. {PANDA} — Chengdu, China, expected around September 2027 "
        "(last: 12–13 September 2025)",
    ]
    assert "2025 (past)" not in text


async def test_festivals_when_none_are_known(launch: Launcher, tmp_path: Path) -> None:
    async with launch(seeds=tmp_path / "no-seeds") as empty:
        replies = await empty.private(5).send("/festivals")
        assert replies.text == "I know no festivals yet."
        unknown = await empty.private(5).send("/festival bishkek")
        assert unknown.text == "I know no festival called “bishkek”."
