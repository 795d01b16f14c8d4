"""E2E: the newsroom's channel (FILMNEWS_CHANNEL): "Publish now" also posts there, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import ADMIN_ID, Launcher, RunningBot, UserChat
from tests.e2e.reach import Clock, settled, use_clock
from tests.emulator import BotApiEmulator, SentMessage

CHANNEL_ID = -1009000
CHANNEL = "@filmnews_kg"
READER = 5
TITLE = "Didor festival opens in Dushanbe"


def posts(emulator: BotApiEmulator) -> list[SentMessage]:
    """What the channel received."""
    return emulator.sent(CHANNEL_ID)


async def draft(admin: UserChat, title: str = TITLE) -> SentMessage:
    """An admin's /post preview."""
    return (await admin.send(f"/post {title}\nThe festival of Tajik cinema opens on Friday.")).last


async def sent_out(bot: RunningBot, clock: Clock) -> None:
    """Let the sender send what is queued now."""
    clock.now = datetime.now(UTC) + timedelta(seconds=1)
    bot.app.bot_data.delivery.wake(bot.app)
    await settled(bot)


@pytest.mark.bot_settings(channel=CHANNEL)
async def test_publish_now_posts_to_the_channel_once_pressed_twice_and_after_a_restart(
    launch: Launcher, emulator: BotApiEmulator
) -> None:
    emulator.add_channel(CHANNEL_ID, CHANNEL[1:])
    async with launch() as bot:
        clock = use_clock(bot)
        await bot.private(READER).send("/subscribe 09:00 Bishkek")
        admin = bot.private(ADMIN_ID)
        preview = await draft(admin)
        assert f"also posts it to the channel {CHANNEL}" in preview.plain
        assert any("Channel only" in b["text"] for b in preview.buttons)

        first = await admin.press(preview, "Publish now")
        again = await admin.press(
            preview, data=preview.button("Publish now")["callback_data"], strict=False
        )
        await sent_out(bot, clock)

        assert "on its way to the channel" in first.text
        assert "already went to the channel" in again.text
        [post] = posts(emulator)
        assert TITLE in post.plain
        [read, share] = post.buttons
        assert read["url"] == f"https://t.me/{bot.username}?start=a{await _id(bot)}"
        assert share["url"].startswith("https://t.me/share/url?")
        assert any(TITLE in m.plain for m in emulator.sent(READER))
    async with launch() as bot:  # a restart, and the button pressed once more
        admin = bot.private(ADMIN_ID)
        await admin.press(
            preview, data=preview.button("Publish now")["callback_data"], strict=False
        )
        await settled(bot)
    assert len(posts(emulator)) == 1


@pytest.mark.bot_settings(channel=CHANNEL)
async def test_not_an_admin_of_the_channel_the_admin_is_told_and_retries(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    emulator.add_channel(CHANNEL_ID, CHANNEL[1:], bot_status="member")
    clock = use_clock(bot)
    admin = bot.private(ADMIN_ID)
    preview = await draft(admin)

    pressed = await admin.press(preview, "Channel only")

    why = pressed.sent[-1]
    assert "not an admin of the channel @filmnews_kg" in why.plain
    assert "is published, but not in the channel yet" in why.plain
    assert await bot.store.search.hits(TITLE)  # published all the same: nothing lost
    await sent_out(bot, clock)
    assert not posts(emulator)

    emulator.set_member(CHANNEL_ID, emulator.bot_user["id"], "administrator")
    retried = await admin.press(why, "Post to the channel")
    await sent_out(bot, clock)

    assert "on its way to the channel" in retried.text
    [post] = posts(emulator)
    assert TITLE in post.plain


@pytest.mark.bot_settings(channel=CHANNEL)
async def test_channel_only_reaches_the_channel_and_no_subscriber(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    emulator.add_channel(CHANNEL_ID, CHANNEL[1:])
    clock = use_clock(bot)
    await bot.private(READER).send("/subscribe 09:00 Bishkek")
    admin = bot.private(ADMIN_ID)

    pressed = await admin.press(await draft(admin), "Channel only")
    await sent_out(bot, clock)

    assert "It goes to the channel only" in pressed.edits[-1].plain
    assert [TITLE in post.plain for post in posts(emulator)] == [True]
    assert not any(TITLE in m.plain for m in emulator.sent(READER))


async def test_without_a_channel_the_draft_says_nothing_of_one(bot: RunningBot) -> None:
    preview = await draft(bot.private(ADMIN_ID))
    assert "channel" not in preview.plain
    assert not any("Channel only" in b["text"] for b in preview.buttons)


async def _id(bot: RunningBot) -> int:
    [hit] = await bot.store.search.hits(TITLE)
    return hit.article.id
