"""E2E: what a reader's update reads from the database, counted statement by statement.

Each round trip to SQLite costs the bot a thread handoff: a chat's language is read once for a
run of updates (and anew right after /language), /latest reads one page, /rates reads the rates
once for a run of updates (and anew after /setrate).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.conftest import ADMIN_ID, RunningBot

pytestmark = pytest.mark.sqlite_only("counts statements through SQLite's trace callback")

GROUP = -4242
SUPERGROUP = -1004343


class Statements:
    """The SQL statements run on the bot's database connection."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, sql: str) -> None:
        self.seen.append(sql)

    def count(self, fragment: str) -> int:
        """How many statements contain ``fragment``; forgets them."""
        found = sum(fragment in sql for sql in self.seen)
        self.seen.clear()
        return found


@pytest.fixture
async def statements(bot: RunningBot) -> AsyncIterator[Statements]:
    """Every statement the bot's store runs from now on."""
    traced = Statements()
    connection = bot.store.db.connection
    await connection.set_trace_callback(traced)
    yield traced
    await connection.set_trace_callback(None)


async def test_a_chats_language_is_read_once_for_a_run_of_updates(
    bot: RunningBot, statements: Statements
) -> None:
    chat = bot.private(7)
    statements.count("")
    for command in ("/help", "/start", "/help", "/id", "/help"):
        await chat.send(command)
    # Once (twice if a slow machine let the 5 s entry expire meanwhile), not once an update.
    assert statements.count("FROM chat_languages") <= 2

    choice = await chat.send("/language")
    await chat.press(choice.last, "Русский")
    replies = await chat.send("/help")

    assert replies.text.startswith("Команды")  # the new choice at once
    assert statements.count("FROM chat_languages") == 1  # read anew after the choice


async def test_a_group_that_migrated_speaks_its_language_under_its_new_id(
    bot: RunningBot,
) -> None:
    bot.emulator.set_member(GROUP, ADMIN_ID, "administrator")
    group = bot.group(GROUP, user_id=ADMIN_ID)
    choice = await group.send("/language")
    await group.press(choice.last, "Русский")
    await bot.group(SUPERGROUP, user_id=ADMIN_ID).send("/help")  # its language read: none yet

    await bot.emulator.migrate_group(GROUP, SUPERGROUP, user_id=ADMIN_ID)
    await bot.settle()
    replies = await bot.group(SUPERGROUP, user_id=ADMIN_ID).send("/help")

    assert replies.text.startswith("Команды")


async def test_latest_reads_its_page_in_one_statement(
    bot: RunningBot, statements: Statements
) -> None:
    chat = bot.private(8)
    await chat.send("/help")  # the chat's language, read once
    statements.count("")

    replies = await chat.send("/latest 2")

    assert statements.count("FROM articles") == 1
    labels = [button["text"] for button in replies.last.buttons]
    assert labels[:2] == ["1", "2"]
    assert "Older ▸" in labels  # the seeds hold more than two articles
    assert "◂ Newer" not in labels


async def test_rates_are_read_once_for_a_run_of_updates_and_anew_after_setrate(
    bot: RunningBot, statements: Statements
) -> None:
    reader = bot.private(9)
    first = await reader.send("/rates")
    await reader.send("/rates")
    await reader.send("/convert 100 USD KZT")
    # At most once for the three (none when the worker's catch-up digest read them just before).
    assert statements.count("FROM rates") <= 1

    await bot.private(ADMIN_ID).send("/setrate KZT 510")
    replies = await reader.send("/rates")

    assert "KZT 1 USD ≈ 495 KZT" in first.text
    assert "KZT 1 USD = 510 KZT" in replies.text
