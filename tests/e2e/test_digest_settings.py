"""Digest settings end to end: partial /subscribe, zones as readers type them, the /settings
panel by tapping, the digest's own buttons, and a new subscriber's first digest."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.render.settings import TIME_PROMPT, ZONE_PROMPT
from storage import Store
from storage.models import NewArticle
from tests.e2e.conftest import ADMIN_ID, RunningBot
from tests.emulator import BotApiEmulator, SentMessage

# 1 December 2026, 05:00 in Bishkek: the shipped seeds (February 2026) are the archive.
NOW = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(bot: RunningBot) -> FakeClock:
    """The bot's digest clock, stopped at NOW."""
    fake = FakeClock(NOW)
    bot.app.bot_data.delivery.clock = fake
    return fake


async def settled(store: Store) -> None:
    """Wait until the sender has nothing pending or in flight."""
    async with asyncio.timeout(5):
        while not (await store.outbox.report()).done:  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def digest_now(bot: RunningBot, clock: FakeClock, chat_id: int) -> list[SentMessage]:
    """Move the clock to the chat's next digest, compose and send it; the chat's digests."""
    subscriber = await bot.store.subscribers.get(chat_id)
    assert subscriber.next_due_at is not None
    clock.now = subscriber.next_due_at
    await bot.app.bot_data.delivery.compose(bot.app)
    await settled(bot.store)
    return [m for m in bot.emulator.sent(chat_id) if "film news digest" in m.plain]


async def add(store: Store, title: str, day: date) -> None:
    """An article dated ``day`` arrives (a page of that date was ingested)."""
    await store.articles.add(NewArticle(title, f"All about {title}.", "seed:test", seen_on=day))


async def test_a_partial_subscribe_keeps_the_other_setting(
    bot: RunningBot, clock: FakeClock
) -> None:
    chat = bot.private(5)
    await chat.send("/subscribe 08:30 Asia/Bishkek")

    new_time = await chat.send("/subscribe 07:00")
    after_time = await bot.store.subscribers.get(5)
    new_zone = await chat.send("/subscribe Asia/Tashkent")
    after_zone = await bot.store.subscribers.get(5)

    assert "07:00 (Asia/Bishkek)" in new_time.text
    assert (after_time.digest_time, after_time.timezone) == (time(7), "Asia/Bishkek")
    assert "07:00 (Asia/Tashkent)" in new_zone.text
    assert (after_zone.digest_time, after_zone.timezone) == (time(7), "Asia/Tashkent")


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("Bishkek", "Asia/Bishkek", "08:30 (Asia/Bishkek)"),
        ("Ташкент", "Asia/Tashkent", "08:30 (Asia/Tashkent)"),
        ("Astana", "Asia/Almaty", "08:30 (Asia/Almaty)"),
        ("UTC+5", "Etc/GMT-5", "08:30 (UTC+5)"),
        ("+05:00", "Etc/GMT-5", "08:30 (UTC+5)"),
    ],
)
async def test_city_and_offset_zones(
    bot: RunningBot, clock: FakeClock, typed: str, stored: str, shown: str
) -> None:
    reply = await bot.private(5).send(f"/subscribe 08:30 {typed}")

    subscriber = await bot.store.subscribers.get(5)
    assert subscriber.timezone == stored
    assert shown in reply.text
    assert subscriber.next_due_at is not None
    local = subscriber.next_due_at.astimezone(ZoneInfo(stored))
    assert (local.hour, local.minute) == (8, 30)


async def test_a_bad_zone_says_what_a_zone_can_be(bot: RunningBot, clock: FakeClock) -> None:
    reply = await bot.private(5).send("/subscribe 08:30 Atlantis")

    assert "'Atlantis' is not a time zone I know" in reply.text
    assert "UTC+5" in reply.text
    assert await bot.store.subscribers.count() == 0


async def test_tapping_through_the_settings_edits_the_panel_and_the_subscription(
    bot: RunningBot, clock: FakeClock
) -> None:
    chat = bot.private(5)
    panel = (await chat.send("/settings")).last
    assert "You have no daily digest" in panel.plain
    assert {"07:00", "21:00", "Other time…", "Bishkek", "Moscow", "Other zone…"} <= {
        button["text"] for button in panel.buttons
    }
    assert all(len(data.encode()) <= 64 for data in panel.callback_data)

    at_seven = await chat.press(panel, "07:00")
    in_bishkek = await chat.press(panel, "Bishkek")
    at_nine_pm = await chat.press(panel, "21:00")
    subscriber = await bot.store.subscribers.get(5)

    assert not at_seven.sent  # the same message, edited in place
    assert at_seven.edits
    assert at_seven.edits[0].message_id == panel.message_id
    assert "07:00 (Asia/Almaty)" in at_seven.text  # the default zone until one is chosen
    assert "07:00 (Asia/Bishkek)" in in_bishkek.text
    assert "21:00 (Asia/Bishkek)" in at_nine_pm.text
    assert "✓ 21:00" in [b["text"] for b in at_nine_pm.edits[0].buttons]
    assert "✓ Bishkek" in [b["text"] for b in at_nine_pm.edits[0].buttons]
    assert (subscriber.digest_time, subscriber.timezone, subscriber.active) == (
        time(21),
        "Asia/Bishkek",
        True,
    )
    assert "21:00" in at_nine_pm.answers[0]["text"]


async def test_other_time_and_other_zone_ask_for_a_typed_answer(
    bot: RunningBot, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    chat = bot.private(5)
    await chat.send("/subscribe 08:30 Bishkek")
    panel = (await chat.send("/settings")).last

    asked = await chat.press(panel, "Other time…")
    prompt = asked.last
    wrong = await chat.send("quarter past seven", reply_to_message_id=prompt.message_id)
    right = await chat.send("07:45", reply_to_message_id=prompt.message_id)
    zone_prompt = (await chat.press(panel, "Other zone…")).last
    in_tashkent = await chat.send("Самарканд", reply_to_message_id=zone_prompt.message_id)

    assert prompt.plain.startswith(TIME_PROMPT)
    assert prompt.reply_markup is not None
    assert prompt.reply_markup.get("force_reply")
    assert "is not a time like 09:00" in wrong.text
    assert "07:45 (Asia/Bishkek)" in right.text
    assert zone_prompt.plain.startswith(ZONE_PROMPT)
    assert "07:45 (Asia/Samarkand)" in in_tashkent.text
    subscriber = await bot.store.subscribers.get(5)
    assert (subscriber.digest_time, subscriber.timezone) == (time(7, 45), "Asia/Samarkand")


async def test_pause_and_resume_keep_the_settings(bot: RunningBot, clock: FakeClock) -> None:
    chat = bot.private(5)
    await chat.send("/subscribe 18:00 Dushanbe")
    panel = (await chat.send("/settings")).last

    paused = await chat.press(panel, "Pause")
    while_paused = await bot.store.subscribers.get(5)
    resumed = await chat.press(panel, "Resume")
    after = await bot.store.subscribers.get(5)

    assert "Paused" in paused.text
    assert (while_paused.active, while_paused.next_due_at) == (False, None)
    assert "When: every day at 18:00 (Asia/Dushanbe)" in resumed.text
    assert (after.active, after.digest_time, after.timezone) == (True, time(18), "Asia/Dushanbe")
    assert after.next_due_at is not None


@pytest.mark.parametrize(
    "forged", ["ds:t:0715", "ds:z:xyz", "ds:pause:now", "ds:nothing", "ds:t:0700:extra"]
)
async def test_a_forged_button_is_refused_and_changes_nothing(
    bot: RunningBot, clock: FakeClock, forged: str
) -> None:
    chat = bot.private(5)
    await chat.send("/subscribe 08:30 Bishkek")
    panel = (await chat.send("/settings")).last
    before = await bot.store.subscribers.get(5)

    replies = await chat.press(panel, data=forged, strict=False)

    assert not replies.edits
    assert not replies.sent
    assert "not one I know" in replies.answers[0]["text"]
    assert await bot.store.subscribers.get(5) == before


async def test_in_a_group_only_admins_tap_the_settings(
    bot: RunningBot, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    emulator.set_member(-100777, 7, "member")
    emulator.set_member(-100777, 8, "administrator")
    await bot.group(-100777, 8).send("/subscribe 10:00 Bishkek")
    panel = (await bot.group(-100777, 7).send("/settings")).last  # anyone may look
    before = await bot.store.subscribers.get(-100777)

    refused = await bot.group(-100777, 7).press(panel, "12:00")
    paused = await bot.group(-100777, 7).press(panel, "Pause")
    accepted = await bot.group(-100777, 8).press(panel, "12:00")

    assert not refused.edits
    assert "Only the group's admins" in refused.answers[0]["text"]
    assert not paused.edits
    assert "12:00 (Asia/Bishkek)" in accepted.text
    after = await bot.store.subscribers.get(-100777)
    assert (before.digest_time, after.digest_time) == (time(10), time(12))
    assert after.active


async def test_the_digest_buttons_open_the_settings_and_unsubscribe(
    bot: RunningBot, clock: FakeClock
) -> None:
    chat = bot.private(5)
    await chat.send("/subscribe 09:00 Bishkek")
    await add(bot.store, "Kyrgyz cinema week", date(2026, 12, 1))
    [digest] = await digest_now(bot, clock, 5)
    assert {"⚙️ Settings", "🔕 Unsubscribe"} <= {button["text"] for button in digest.buttons}

    opened = await chat.press(digest, "Settings")
    stopped = await chat.press(digest, "Unsubscribe")
    subscriber = await bot.store.subscribers.get(5)
    back = await chat.press(stopped.last, "Subscribe again")

    assert "When: every day at 09:00 (Asia/Bishkek)" in opened.text
    assert opened.last.buttons  # the panel, as a new message below the digest
    assert not stopped.edits  # the digest itself stays as it was
    assert "Unsubscribed" in stopped.text
    assert not subscriber.active
    assert (await bot.store.subscribers.get(5)).active
    assert "When: every day at 09:00 (Asia/Bishkek)" in back.text


async def test_a_new_subscribers_first_digest_is_todays_news_in_their_zone(
    bot: RunningBot, clock: FakeClock
) -> None:
    # NOW is 1 December in Bishkek (UTC+6) but still 30 November in Lisbon (UTC+0).
    await add(bot.store, "A November premiere", date(2026, 11, 30))
    await add(bot.store, "A December premiere", date(2026, 12, 1))
    await add(bot.store, "Late from the archive", date(2026, 3, 1))
    await bot.private(5).send("/subscribe 09:00 Bishkek")
    await bot.private(6).send("/subscribe 09:00 Europe/Lisbon")

    [bishkek] = await digest_now(bot, clock, 5)
    [lisbon] = await digest_now(bot, clock, 6)

    assert "A December premiere" in bishkek.plain
    assert "A November premiere" not in bishkek.plain
    assert "1 new article" in bishkek.plain
    assert "A November premiere" in lisbon.plain
    assert "A December premiere" in lisbon.plain
    for digest in (bishkek, lisbon):
        assert "Late from the archive" not in digest.plain
        assert "Golden Panda" not in digest.plain  # the shipped seeds: February's archive


async def test_digest_for_someone_without_a_digest_yet(bot: RunningBot, clock: FakeClock) -> None:
    admin = bot.private(ADMIN_ID)
    await admin.send("/subscribe 09:00 Bishkek")

    replies = await admin.send("/digest")

    assert "Nothing new since your last digest" not in replies.text
    assert "first digest" in replies.text
