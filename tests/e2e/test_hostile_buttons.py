"""Forged buttons, readers at admin commands and buttons, edited messages (issue 10 items 5, 7):
every answer is one Telegram takes, none is the generic error, readers change nothing."""

from __future__ import annotations

import re

import pytest

from bot.commands import ADMIN_COMMANDS
from bot.render import admin as render_admin
from bot.render import admin_festivals, festivals, language, news, receive, search, settings_data
from tests.e2e.conftest import ADMIN_ID, Replies, RunningBot, UserChat
from tests.e2e.hostile import (
    EVERYWHERE,
    HOSTILE,
    OTHER_READER_ID,
    READER_ID,
    Watch,
    module_bot,
    snapshot,
)
from tests.emulator import SentMessage

pytestmark = pytest.mark.asyncio(loop_scope="module")
__all__ = ["module_bot"]

ADMIN_VERBS = (
    render_admin.PUBLISH,
    render_admin.QUIET,
    render_admin.DISCARD,
    render_admin.DELETE,
    render_admin.SPARE,
    render_admin.SEND,
    render_admin.DROP,
    "chan",
    "chretry",
    "setrate",
    "keeprate",
)
# Every prefix of callback data the bot registers a handler for, and one nobody handles.
READER_PREFIXES = (
    "start",
    news.ARTICLE,
    news.PART,
    news.OLDER,
    news.NEWER,
    news.PAGE,
    search.SEARCH,
    festivals.FESTIVAL,
    festivals.PAGE,
    festivals.REMIND,
    festivals.UNREMIND,
    settings_data.PREFIX,
    receive.PREFIX,
    receive.FOLLOW,
    receive.UNFOLLOW,
    language.PREFIX,
    "nobody-handles-this",
)
ADMIN_PREFIXES = (
    *(f"{render_admin.PREFIX}:{verb}" for verb in ADMIN_VERBS),
    admin_festivals.DELETE,
    admin_festivals.KEEP,
)
# What follows the prefix: wrong, huge and malformed ids, garbage, data of Telegram's 64 bytes.
TAILS = (
    "",
    ":0",
    ":999999",
    ":9223372036854775808",
    ":" + "9" * 32,
    ":1:9223372036854775807",
    ":1:9223372036854775808",
    ":20260101:9223372036854775807:9223372036854775807",
    ":1:20260101:1:9223372036854775807",
    ":٣",
    ":<b>&amp;",
    ":'; DROP TABLE articles;--",
    ":KZT:1e-400:2026-01-01",
    ":" + "ж" * 40,
)


def forged(prefix: str, tail: str) -> str:
    """``prefix + tail`` cut to Telegram's 64 bytes (never inside a character)."""
    data = (prefix + tail).encode()[:64]
    return data.decode(errors="ignore")


@pytest.mark.parametrize("prefix", [*READER_PREFIXES, *ADMIN_PREFIXES])
async def test_forged_buttons_are_answered_calmly(
    module_bot: RunningBot, caplog: pytest.LogCaptureFixture, prefix: str
) -> None:
    """Pressing forged data (as an admin: the admin buttons' own checks are reached)."""
    watch = Watch(module_bot, caplog)
    chat = module_bot.private(ADMIN_ID)
    message = (await chat.send("/search festival")).last  # saved search 1, for srs:1:…
    for tail in TAILS:
        data = forged(prefix, tail)
        replies = await chat.press(message, data=data, strict=False)
        watch.check(replies, data)
        assert replies.answers, f"{data!r} was not answered"
    await watch.sane()


@pytest.mark.parametrize("prefix", ADMIN_PREFIXES)
async def test_readers_pressing_admin_buttons_change_nothing(
    module_bot: RunningBot, caplog: pytest.LogCaptureFixture, prefix: str
) -> None:
    """A reader's forged admin buttons, small ids included, are refused; nothing changes."""
    watch = Watch(module_bot, caplog)
    before = snapshot(module_bot.settings.database)
    chat = module_bot.private(READER_ID)
    message = (await chat.send("/start")).last
    for tail in (*TAILS[:5], ":1", ":2", ":KZT:505:2026-01-01"):
        data = forged(prefix, tail)
        replies = await chat.press(message, data=data, strict=False)
        watch.check(replies, data)
        assert replies.answers, f"{data!r} was not answered"
    assert snapshot(module_bot.settings.database) == before
    await watch.sane()


async def test_readers_pressing_real_admin_buttons_change_nothing(
    module_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """A draft's, a deletion's, a broadcast's and a rate's own buttons, pressed by a reader in
    the admin's chat: each refused, the draft, the article, the outbox and the rates intact."""
    watch = Watch(module_bot, caplog)
    await module_bot.private(OTHER_READER_ID).send("/subscribe 08:30")
    admin = module_bot.private(ADMIN_ID)
    messages = [
        (await admin.send(typed)).last
        for typed in (
            "/post Hostile buttons test\nA body that nobody may publish but the admins.",
            "/delete 2",
            "/broadcast Only admins may send this",
            "/setrate KZT 999",
            "/delfestival 1",
        )
    ]
    before = snapshot(module_bot.settings.database)
    for message in messages:
        for data in message.callback_data:
            replies = await _press_as(module_bot, message, data, READER_ID)
            watch.check(replies, data)
            assert "admins only" in str(replies.answers), data
    assert snapshot(module_bot.settings.database) == before
    await watch.sane()


async def _press_as(bot: RunningBot, message: SentMessage, data: str, user_id: int) -> Replies:
    """Press ``data`` on a message of the admin's chat as ``user_id``."""
    chat = UserChat(bot, chat_id=ADMIN_ID, user_id=user_id, chat_type="private")
    return await chat.press(message, data=data)


# A reader typing every admin command with arguments that an admin would get through with.
ADMIN_ATTEMPTS = {
    "post": "/post A reader's article\nWith a body.",
    "edit": "/edit 1 A reader's title",
    "delete": "/delete 1",
    "setrate": "/setrate KZT 505",
    "addfestival": "/addfestival Readers Film Festival | Bishkek | Kyrgyzstan",
    "delfestival": "/delfestival 1",
    "cancel": "/cancel",
    "broadcast": "/broadcast Hello from a reader",
    "stats": "/stats",
    "digest": "/digest",
    "sources": "/sources",
    "addsource": "/addsource https://example.com/feed/ 1h",
    "removesource": "/removesource timesca-cinema",
}


async def test_every_admin_command_is_attempted() -> None:
    """The attempts cover the command list's admin commands."""
    assert set(ADMIN_ATTEMPTS) == {command.name for command in ADMIN_COMMANDS}


@pytest.mark.parametrize("group", [False, True], ids=["private", "group"])
async def test_readers_at_admin_commands_change_nothing(
    module_bot: RunningBot, caplog: pytest.LogCaptureFixture, group: bool
) -> None:
    """Each admin command from a reader is refused (or, /cancel, finds nothing to cancel);
    the database is as it was."""
    watch = Watch(module_bot, caplog)
    chat = module_bot.group(-1009, READER_ID) if group else module_bot.private(READER_ID)
    before = snapshot(module_bot.settings.database)
    for name, typed in ADMIN_ATTEMPTS.items():
        replies = await chat.send(typed)
        watch.check(replies, typed)
        if name != "cancel":
            assert "admins only" in replies.text, typed
    # The guided /addfestival: refused at its start, so the answers that follow go nowhere.
    for typed in ("/addfestival", "Readers Film Festival", "Bishkek"):
        watch.check(await chat.send(typed), typed)
    assert snapshot(module_bot.settings.database) == before
    await watch.sane()


async def test_another_readers_buttons_and_searches(
    module_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """A reader pressing buttons that carry another chat's data: another's saved search, a
    group's settings by a member who is not its admin (refused, nothing changes)."""
    watch = Watch(module_bot, caplog)
    found = await module_bot.private(READER_ID).send("/search festival")
    pages = [data for data in found.last.callback_data if data.startswith(f"{search.SEARCH}:")]
    other = module_bot.private(OTHER_READER_ID)
    mine = (await other.send("/start")).last
    for data in pages:
        watch.check(await other.press(mine, data=data, strict=False), data)
    group = module_bot.group(-1002, READER_ID)
    module_bot.emulator.set_member(-1002, READER_ID, "administrator")
    module_bot.emulator.set_member(-1002, OTHER_READER_ID, "member")
    panel = (await group.send("/settings")).last
    before = snapshot(module_bot.settings.database)
    member = module_bot.group(-1002, OTHER_READER_ID)
    for data in panel.callback_data:
        replies = await member.press(panel, data=data, strict=False)
        watch.check(replies, data)
    assert snapshot(module_bot.settings.database) == before
    await watch.sane()


@pytest.mark.parametrize("typed", ["/latest", "/delete 1", "/broadcast hi", "plain words"])
async def test_edited_messages(
    module_bot: RunningBot, caplog: pytest.LogCaptureFixture, typed: str
) -> None:
    """A message edited into hostile text, or into an admin command, is not run again."""
    watch = Watch(module_bot, caplog)
    before = snapshot(module_bot.settings.database)
    for user_id in (READER_ID, ADMIN_ID):
        chat = module_bot.private(user_id)
        sent = await chat.send(typed)
        message_id = sent.update["message"]["message_id"]
        for name in EVERYWHERE:
            watch.check(await chat.edit(message_id, HOSTILE[name]), f"edit to {name}")
        replies = await chat.edit(message_id, "/delete 2")
        watch.check(replies, "edit to /delete 2")
        buttons = [data for message in replies.sent for data in message.callback_data]
        assert not any(data.startswith("admin:") for data in buttons)
    assert snapshot(module_bot.settings.database) == before
    await watch.sane()


async def test_forged_data_fits_telegram() -> None:
    """The forger's data is what a client could send: 1 to 64 bytes."""
    for prefix in (*READER_PREFIXES, *ADMIN_PREFIXES):
        for tail in TAILS:
            assert 1 <= len(forged(prefix, tail).encode()) <= 64
    assert re.fullmatch(r"[\w:-]+", forged("admin:now", ":" + "9" * 80))
