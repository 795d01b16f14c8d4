"""End to end: the platform every command runs on (lifecycle, /start, /help, fallbacks, faults)."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from bot.app import build_application
from bot.commands import ADMIN_COMMANDS, COMMANDS, PUBLIC_COMMANDS
from bot.config import Settings
from bot.handlers import fallback, start
from bot.updates.errors import SORRY
from tests.e2e.conftest import ADMIN_ID, Launcher, RunningBot
from tests.emulator import BotApiEmulator

ROOT = Path(__file__).resolve().parents[2]
UNKNOWN = "don't know the command"


async def test_start_greets_with_buttons_instead_of_the_command_list(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/start")
    assert len(replies.sent) == 1
    text = replies.text
    assert "Film news from Central Asia" in text
    assert "/help" in text
    assert "/latest" not in text  # no copy of /help
    labels = [
        [button["text"] for button in row] for row in replies.last.reply_markup["inline_keyboard"]
    ]
    assert labels == [["📰 Latest", "🎬 Festivals"], ["💱 Rates", "🔔 Subscribe"]]


@pytest.mark.parametrize(
    ("label", "command"),
    [
        ("Latest", "/latest"),
        ("Festivals", "/festivals"),
        ("Rates", "/rates"),
        ("Subscribe", "/subscribe"),
    ],
)
async def test_each_start_button_answers_as_its_command(
    bot: RunningBot, label: str, command: str
) -> None:
    welcome = await bot.private(5).send("/start")
    pressed = await bot.private(5).press(welcome.last, label)
    typed = await bot.private(6).send(command)
    assert pressed.answers  # the button stops spinning
    assert pressed.sent
    assert pressed.texts == typed.texts
    assert [m.reply_markup for m in pressed.sent] == [m.reply_markup for m in typed.sent]


async def test_the_subscribe_button_subscribes_the_chat_that_pressed_it(bot: RunningBot) -> None:
    chat = bot.private(5)
    pressed = await chat.press((await chat.send("/start")).last, "Subscribe")
    assert "09:00" in pressed.text
    subscriber = await bot.store.subscribers.find(5)
    assert subscriber is not None
    assert subscriber.active
    assert await bot.store.subscribers.find(6) is None


async def test_id_gives_the_user_and_chat_ids_and_how_to_become_admin(bot: RunningBot) -> None:
    private = (await bot.private(5).send("/id")).text
    assert "Your user id: 5" in private
    assert "This chat's id: 5" in private
    assert "FILMNEWS_ADMIN_IDS" in private
    group = (await bot.group(-1008, 77).send("/id")).text
    assert "Your user id: 77" in group
    assert "This chat's id: -1008" in group


def test_the_readme_says_how_to_become_an_admin() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [paragraph] = [p for p in readme.split("\n\n") if "/id" in p and "FILMNEWS_ADMIN_IDS" in p]
    assert "restart" in paragraph


async def test_help_shows_admin_commands_only_to_admins(bot: RunningBot) -> None:
    reader = (await bot.private(5).send("/help")).text
    admin = (await bot.private(ADMIN_ID).send("/help")).text
    for command in PUBLIC_COMMANDS:
        assert command.usage in reader
        assert command.usage in admin
    for command in ADMIN_COMMANDS:
        assert command.usage not in reader
        assert command.usage in admin
    assert "Admin commands" in admin
    assert "Admin" not in reader


@pytest.mark.bot_settings(admin_ids={7})
async def test_admin_ids_come_from_the_settings(bot: RunningBot) -> None:
    assert "Admin commands" in (await bot.private(7).send("/help")).text
    assert "Admin commands" not in (await bot.private(ADMIN_ID).send("/help")).text


async def test_help_is_valid_telegram_html_with_bold_headings(bot: RunningBot) -> None:
    message = (await bot.private(ADMIN_ID).send("/help")).last
    bold = [message.plain[e["offset"] : e["offset"] + e["length"]] for e in message.entities]
    assert bold == ["Commands", "Admin commands"]


async def test_start_up_opens_the_store_ingests_seeds_and_sets_commands(
    launch: Launcher, emulator: BotApiEmulator
) -> None:
    async with launch() as bot:
        assert await bot.store.articles.count() == 7
        assert [c["command"] for c in emulator.commands] == [c.name for c in PUBLIC_COMMANDS]
        # The commands were announced before polling began.
        methods = [call.method for call in emulator.requests]
        assert "getUpdates" not in methods[: methods.index("setMyCommands")]
    assert bot.app.bot_data._store is None  # closed on shutdown


async def test_restart_on_the_same_database_adds_nothing(launch: Launcher) -> None:
    async with launch() as bot:
        first = await bot.store.articles.count()
    async with launch() as bot:
        assert await bot.store.articles.count() == first


async def test_unknown_command_in_private_is_named_with_a_pointer_to_help(
    bot: RunningBot,
) -> None:
    replies = await bot.private(5).send("/frobnicate now")
    assert len(replies.sent) == 1
    assert "/frobnicate" in replies.text
    assert "/help" in replies.text


async def test_unknown_command_in_a_group_is_answered_only_when_addressed_to_us(
    bot: RunningBot,
) -> None:
    group = bot.group(-1001, 5)
    assert not await group.send("/frobnicate")
    replies = await group.send(f"/frobnicate@{bot.username}")
    assert UNKNOWN in replies.text


async def test_commands_for_another_bot_are_ignored_in_a_group(bot: RunningBot) -> None:
    group = bot.group(-1002, 5)
    for text in ("/latest@otherbot", "/help@otherbot", "/frobnicate@otherbot", "/start@other_bot"):
        assert not await group.send(text), text
    assert "Commands" in (await group.send(f"/help@{bot.username}")).text
    assert "Commands" in (await group.send("/help")).text


async def test_commands_for_another_bot_are_ignored_in_private_too(bot: RunningBot) -> None:
    assert not await bot.private(5).send("/help@otherbot")


async def test_latest_addressed_to_us_in_a_group_is_answered(bot: RunningBot) -> None:
    group = bot.group(-1003, 5)
    addressed = await group.send(f"/latest@{bot.username}")
    assert addressed.sent
    assert UNKNOWN not in addressed.text
    assert addressed.texts == (await group.send("/latest")).texts


async def test_sticker_and_photo_get_a_hint_in_private(bot: RunningBot) -> None:
    chat = bot.private(5)
    assert (await chat.send_sticker()).texts == [fallback.NO_TEXT_HINT]
    assert (await chat.send_photo(caption="look /help")).texts == [fallback.NO_TEXT_HINT]


async def test_sticker_and_photo_are_ignored_in_a_group(bot: RunningBot) -> None:
    group = bot.group(-1004, 5)
    assert not await group.send_sticker()
    assert not await group.send_photo()


async def test_plain_text_in_private_is_searched_with_those_words(bot: RunningBot) -> None:
    replies = await bot.private(5).send("golden   panda <zzq> & more")
    assert replies.text.startswith("Nothing found for “golden panda <zzq> & more”")
    assert "Golden Panda" in (await bot.private(5).send("golden   panda")).text


async def test_long_plain_text_is_shortened_in_the_hint(bot: RunningBot) -> None:
    replies = await bot.private(5).send("word " * 100)
    assert len(replies.text) < 200


async def test_plain_text_in_a_group_is_ignored(bot: RunningBot) -> None:
    assert not await bot.group(-1005, 5).send("hello everyone")


async def test_an_edited_command_is_not_rerun_and_the_user_is_told(bot: RunningBot) -> None:
    chat = bot.private(5)
    sent = await chat.send("/frobnicate")
    edited = await chat.edit(sent.update["message"]["message_id"], "/help")
    assert edited.texts == [fallback.EDITED_NOTE]
    assert not edited.edits


async def test_an_edited_message_in_a_group_is_ignored(bot: RunningBot) -> None:
    group = bot.group(-1006, 5)
    sent = await group.send("/help")
    assert not await group.edit(sent.update["message"]["message_id"], "/start")


async def test_a_button_nobody_handles_is_answered(bot: RunningBot) -> None:
    chat = bot.private(5)
    shown = await chat.send("/help")
    pressed = await chat.press(shown.last, data="no-such-button:1", strict=False)
    assert [answer.get("text") for answer in pressed.answers] == [fallback.STALE_BUTTON]
    assert not pressed.sent


async def test_one_429_is_waited_out_and_the_reply_arrives_once(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    emulator.fail_next("sendMessage", status=429, retry_after=1, chat_id=5)
    replies = await bot.private(5).send("/help")
    assert len(replies.sent) == 1
    assert "Commands" in replies.text
    outcomes = [call.status for call in emulator.calls("sendMessage")]
    assert outcomes == [429, 200]


async def test_a_slow_api_keeps_order_per_chat_and_does_not_block_other_chats(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    emulator.set_delay(0.15, "sendMessage")
    slow, other = bot.private(5), bot.private(6)
    # Pushed together, so that the bot fetches all four in one getUpdates batch.
    await emulator.send_text(5, "/start", user_id=5)
    await emulator.send_text(5, "/frobnicate", user_id=5)
    await emulator.send_text(5, "/help", user_id=5)
    await emulator.send_text(6, "/help", user_id=6)
    await bot.settle()
    order = [(m.chat_id, m.plain.split("\n", 1)[0].split(" Send")[0]) for m in emulator.sent()]
    ours = [text for chat, text in order if chat == slow.chat_id]
    assert ours == ["Film news from Central Asia", f"I {UNKNOWN} /frobnicate.", "Commands"]
    # Chat 6 did not wait behind chat 5's three replies.
    assert order.index((other.chat_id, "Commands")) < order.index((slow.chat_id, "Commands"))


@pytest.mark.parametrize("status", [404, 500])
async def test_refused_set_my_commands_is_logged_and_the_bot_still_serves(
    launch: Launcher,
    emulator: BotApiEmulator,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    emulator.refuse("setMyCommands", status)
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        async with launch() as bot:
            assert "Commands" in (await bot.private(5).send("/help")).text
    assert emulator.calls("setMyCommands")[0].status == status
    assert any("setMyCommands" in record.getMessage() for record in caplog.records)


async def test_an_exception_in_a_handler_gets_a_polite_reply_and_is_logged(
    launch: Launcher, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(t: object, *, is_admin: bool) -> str:
        raise RuntimeError("help text exploded")

    monkeypatch.setattr(start, "help_text", broken)
    with caplog.at_level(logging.ERROR, logger="bot.updates.errors"):
        async with launch() as bot:
            chat = bot.private(5)
            assert (await chat.send("/help")).texts == [SORRY]
            # The bot keeps serving this chat and others.
            assert UNKNOWN in (await chat.send("/frobnicate")).text
            assert UNKNOWN in (await bot.private(6).send("/frobnicate")).text
    [record] = [r for r in caplog.records if r.name == "bot.updates.errors"]
    assert "/help" in record.getMessage()  # the update is in the log line
    assert record.exc_info is not None
    assert "help text exploded" in str(record.exc_info[1])


async def test_a_failing_reply_gets_the_polite_reply_instead(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    emulator.fail_next("sendMessage", status=400, chat_id=5)
    replies = await bot.private(5).send("/help")
    assert replies.texts == [SORRY]
    assert "Commands" in (await bot.private(5).send("/help")).text


async def test_a_blocked_user_does_not_stop_the_bot(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    emulator.block(5)
    assert not await bot.private(5).send("/help")
    assert "Commands" in (await bot.private(6).send("/help")).text


def test_run_without_a_token_points_to_botfather_and_chat(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "FILMNEWS_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,  # no .env there
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "@BotFather" in result.stderr
    assert "filmnews chat" in result.stderr


def _registered_commands(handlers: list[BaseHandler]) -> set[str]:  # type: ignore[type-arg]
    names: set[str] = set()
    for handler in handlers:
        if isinstance(handler, CommandHandler):
            names |= set(handler.commands)
        elif isinstance(handler, ConversationHandler):
            nested = [*handler.entry_points, *handler.fallbacks]
            nested += [h for state in handler.states.values() for h in state]
            names |= _registered_commands(nested)
    return names


def test_start_up_jobs_run_however_late_the_start_is(settings: Settings) -> None:
    # APScheduler drops a run missed by more than a second: on a busy machine the admins'
    # command menu was then never set.
    application = build_application(settings)
    assert application.job_queue is not None
    jobs = application.job_queue.jobs()
    assert "admin command menu" in {job.name for job in jobs}
    for job in jobs:
        assert job.job.misfire_grace_time is None, job.name


def test_every_listed_command_has_a_handler_and_every_handler_is_listed(
    settings: Settings,
) -> None:
    application = build_application(settings)
    registered = _registered_commands(
        [handler for group in application.handlers.values() for handler in group]
    )
    listed = {command.name for command in COMMANDS}
    assert listed - registered == set(), "listed in bot/commands.py but no handler"
    assert registered - listed == set(), "handled but missing from bot/commands.py"


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c.name for c in COMMANDS if not re.search(rf"/{c.name}\b", readme)]
    assert missing == []


async def test_run_refuses_a_database_newer_than_it_knows(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    database = tmp_path / "newer.db"
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA user_version = 999")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "FILMNEWS_"))}
    env |= {
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.api_url,
        "FILMNEWS_DATABASE": str(database),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(30):
        _, stderr = await process.communicate()
    assert process.returncode != 0
    message = stderr.decode()
    assert "schema version 999" in message
    assert "upgrade filmnews" in message
    assert not emulator.calls("getUpdates")  # it never started polling


@pytest.mark.parametrize("fault", [502, "drop"])
async def test_a_reply_lost_to_a_network_error_is_sent_again(
    bot: RunningBot, emulator: BotApiEmulator, fault: int | str
) -> None:
    emulator.fail_next("sendMessage", status=fault, chat_id=5)  # type: ignore[arg-type]
    replies = await bot.private(5).send("/help")
    assert len(replies.sent) == 1
    assert "Commands" in replies.text
    assert [call.status for call in emulator.calls("sendMessage")] == [
        0 if fault == "drop" else fault,
        200,
    ]


async def test_reply_retries_are_bounded_then_the_user_hears_of_the_error(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    emulator.fail_next("sendMessage", status=502, chat_id=5, count=4)
    replies = await bot.private(5).send("/help")
    assert replies.texts == [SORRY]
    assert [call.status for call in emulator.calls("sendMessage")] == [502] * 4 + [200]


async def test_missing_seeds_and_an_empty_database_are_warned_about(
    launch: Launcher, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    absent = tmp_path / "no-such-seeds"
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        async with launch(seeds=absent) as bot:
            assert await bot.store.articles.count() == 0
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.app"]
    assert any("FILMNEWS_SEEDS" in w and str(absent) in w for w in warnings)
    assert any("has no articles" in w for w in warnings)


async def test_no_warning_when_the_seeds_are_there(
    launch: Launcher, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        async with launch():
            pass
    assert not [r for r in caplog.records if r.name == "bot.app"]
