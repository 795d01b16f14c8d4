"""E2E: "🔔 Remind me" on a festival card, /reminders, and the reminders themselves: 7 days
before the opening and on the opening day, once each, across a restart (issue 12)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time
from pathlib import Path

import time_machine

from storage import Store
from storage.models import Festival, NewArticle, NewFestival
from tests.e2e.conftest import ADMIN_ID, Launcher, RunningBot
from tests.emulator import SentMessage

DIDOR = "Didor Film Festival"
OPENS, CLOSES = date(2026, 10, 10), date(2026, 10, 15)
# FILMNEWS_TIMEZONE's default is Asia/Almaty (UTC+5): 09:00 there is 04:00 UTC.
PRESSED = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
WEEK_BEFORE = datetime(2026, 10, 3, 4, 0, tzinfo=UTC)
OPENING_DAY = datetime(2026, 10, 10, 4, 0, tzinfo=UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def stop_clock(bot: RunningBot, now: datetime) -> FakeClock:
    clock = FakeClock(now)
    bot.app.bot_data.delivery.clock = clock
    return clock


async def at(bot: RunningBot, clock: FakeClock, when: datetime) -> None:
    """Move the clock to ``when``, run the minute job's work, and wait until it is sent."""
    clock.now = when
    await bot.app.bot_data.delivery.compose(bot.app)
    async with asyncio.timeout(5):
        while not (await bot.store.outbox.report()).done:  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def add_didor(store: Store, starts: date = OPENS, ends: date = CLOSES) -> Festival:
    festival, _ = await store.festivals.upsert(
        NewFestival(DIDOR, city="Dushanbe", country="Tajikistan", starts_on=starts, ends_on=ends)
    )
    return festival


def reminders_in(bot: RunningBot, chat_id: int) -> list[SentMessage]:
    return [
        m
        for m in bot.emulator.sent(chat_id)
        if m.plain.startswith("🔔 ") and " opens " in m.plain.splitlines()[0]
    ]


async def press_remind(bot: RunningBot, chat_id: int) -> None:
    chat = bot.private(chat_id) if chat_id > 0 else bot.group(chat_id, 7)
    card = (await chat.send("/festival didor")).last
    pressed = await chat.press(card, "Remind me")
    assert pressed.answers[0]["text"] == f"🔔 I will remind you of {DIDOR}."
    [edit] = pressed.edits
    assert "🔕 Stop reminding me" in [button["text"] for button in edit.buttons]


async def test_a_reader_gets_one_reminder_a_week_before_and_one_on_the_day_across_a_restart(
    launch: Launcher,
) -> None:
    async with launch() as bot:
        await add_didor(bot.store)
        stop_clock(bot, PRESSED)
        await press_remind(bot, 5)
        with time_machine.travel(PRESSED, tick=True):
            listed = await bot.private(5).send("/reminders")
        assert f"{DIDOR} — 10–15 October 2026" in listed.text
        clock = stop_clock(bot, PRESSED)

        await at(bot, clock, datetime(2026, 10, 3, 3, 59, tzinfo=UTC))  # 08:59 in Almaty
        assert reminders_in(bot, 5) == []
        await at(bot, clock, WEEK_BEFORE)
        await at(bot, clock, datetime(2026, 10, 3, 5, 0, tzinfo=UTC))
        [week] = reminders_in(bot, 5)
        assert week.plain.startswith(f"🔔 {DIDOR} opens in 7 days.\n📅 10–15 October 2026")

    async with launch() as bot:  # the bot restarts: nothing is sent twice
        clock = stop_clock(bot, datetime(2026, 10, 3, 6, 0, tzinfo=UTC))
        await at(bot, clock, clock.now)
        assert len(reminders_in(bot, 5)) == 1
        await at(bot, clock, datetime(2026, 10, 10, 3, 59, tzinfo=UTC))
        assert len(reminders_in(bot, 5)) == 1
        await at(bot, clock, OPENING_DAY)
        await at(bot, clock, datetime(2026, 10, 11, 4, 0, tzinfo=UTC))
        week, day = reminders_in(bot, 5)
        assert day.plain.startswith(f"🔔 {DIDOR} opens today.")
        assert len(bot.emulator.sent(5)) == 4  # the card, /reminders, and the two reminders


async def test_a_subscriber_is_reminded_at_their_digest_time_and_a_missed_one_is_caught_up(
    bot: RunningBot,
) -> None:
    await add_didor(bot.store)
    await bot.private(8).send("/subscribe 07:30 Asia/Bishkek")  # UTC+6: 01:30 UTC
    clock = stop_clock(bot, PRESSED)
    await press_remind(bot, 8)

    await at(bot, clock, datetime(2026, 10, 3, 1, 29, tzinfo=UTC))
    assert reminders_in(bot, 8) == []
    # The bot was down from then until two days before the opening: caught up once.
    await at(bot, clock, datetime(2026, 10, 8, 12, 0, tzinfo=UTC))
    [late] = reminders_in(bot, 8)
    assert late.plain.startswith(f"🔔 {DIDOR} opens in 2 days.")
    await at(bot, clock, datetime(2026, 10, 10, 1, 30, tzinfo=UTC))
    assert [m.plain.split(".")[0] for m in reminders_in(bot, 8)] == [
        f"🔔 {DIDOR} opens in 2 days",
        f"🔔 {DIDOR} opens today",
    ]


async def test_moved_dates_move_the_reminders_and_a_deleted_festival_cancels_them(
    bot: RunningBot,
) -> None:
    didor = await add_didor(bot.store)
    clock = stop_clock(bot, PRESSED)
    await press_remind(bot, 5)
    await at(bot, clock, WEEK_BEFORE)
    assert len(reminders_in(bot, 5)) == 1

    await bot.private(ADMIN_ID).send(f"/addfestival {DIDOR} | | | 2026-10-20..2026-10-25")
    await at(bot, clock, OPENING_DAY)  # the old opening day: nothing
    assert len(reminders_in(bot, 5)) == 1
    await at(bot, clock, datetime(2026, 10, 13, 4, 0, tzinfo=UTC))
    assert reminders_in(bot, 5)[-1].plain.startswith(f"🔔 {DIDOR} opens in 7 days.")

    asked = await bot.private(ADMIN_ID).send(f"/delfestival {didor.id}")
    assert "its readers' reminders go with it" in asked.text
    await bot.private(ADMIN_ID).press(asked.last, "Delete")
    await at(bot, clock, datetime(2026, 10, 20, 4, 0, tzinfo=UTC))
    assert len(reminders_in(bot, 5)) == 2
    assert (await bot.private(5).send("/reminders")).text.startswith("You have no festival")


async def test_undo_and_reminders_list_remove_them(bot: RunningBot) -> None:
    await add_didor(bot.store)
    clock = stop_clock(bot, PRESSED)
    chat = bot.private(5)
    await press_remind(bot, 5)
    card = (await chat.send("/festival didor")).last
    assert "🔕 Stop reminding me" in [button["text"] for button in card.buttons]
    undone = await chat.press(card, "Stop reminding me")
    assert undone.answers[0]["text"] == f"🔕 No more reminders of {DIDOR}."
    assert (await chat.send("/reminders")).text.startswith("You have no festival reminders")

    await press_remind(bot, 5)
    listed = (await chat.send("/reminders")).last
    assert listed.plain.startswith("🔔 Your festival reminders (1)")
    await chat.press(listed, DIDOR)
    await at(bot, clock, WEEK_BEFORE)
    assert reminders_in(bot, 5) == []


async def test_reminders_in_a_group_and_a_festival_without_dates(bot: RunningBot) -> None:
    await add_didor(bot.store, OPENS, CLOSES)
    clock = stop_clock(bot, PRESSED)
    await press_remind(bot, -1001)
    chat = bot.private(5)
    card = (await chat.send("/festival romford")).last
    await chat.press(card, "Remind me")
    assert (
        "Romford Film Festival — dates not announced yet" in (await chat.send("/reminders")).text
    )
    await at(bot, clock, WEEK_BEFORE)
    assert len(reminders_in(bot, -1001)) == 1
    assert reminders_in(bot, 5) == []


async def test_the_digest_has_a_coming_up_line_for_festivals_opening_within_14_days(
    bot: RunningBot, tmp_path: Path
) -> None:
    await add_didor(bot.store)  # 10 October
    await bot.store.festivals.upsert(
        NewFestival("Later Film Festival", starts_on=date(2026, 10, 30), ends_on=date(2026, 11, 2))
    )
    clock = stop_clock(bot, datetime(2026, 9, 28, 0, 0, tzinfo=UTC))
    await bot.private(9).send("/subscribe 09:00")
    await bot.store.articles.add(NewArticle("Fresh news", "Something new.", "admin:42"))

    await at(bot, clock, datetime(2026, 9, 28, 4, 0, tzinfo=UTC))

    [digest] = [m for m in bot.emulator.sent(9) if "digest" in m.plain.lower()[:60]]
    assert f"🎬 Coming up: {DIDOR} (10–15 October 2026, Dushanbe)" in digest.plain
    assert "Later Film Festival" not in digest.plain
    assert time(9) == bot.settings.digest_time
