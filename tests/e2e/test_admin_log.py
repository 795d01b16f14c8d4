"""E2E: one log line per update handled (who, command, milliseconds, outcome)."""

from __future__ import annotations

import logging
import re

import pytest

from tests.e2e.conftest import ADMIN_ID, RunningBot

LINE = re.compile(r"^update from (?P<who>\S+ \S+|-): (?P<what>.+) → (?P<outcome>\w+) in \d+ ms$")


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, str]]:
    found = []
    for record in caplog.records:
        if record.name == "bot.updates.log":
            match = LINE.match(record.getMessage())
            assert match, record.getMessage()
            found.append({**match.groupdict(), "level": record.levelname})
    return found


async def test_each_update_gets_one_line_with_who_what_and_outcome(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.updates.log")

    await bot.private(5).send("/latest@filmnews_test_bot 2")
    await bot.private(6).send("/post Secret title\nsecret body")
    await bot.private(5).send("some private words")

    assert _lines(caplog) == [
        {"who": "user 5", "what": "/latest", "outcome": "ok", "level": "INFO"},
        {"who": "user 6", "what": "/post", "outcome": "refused", "level": "INFO"},
        {"who": "user 5", "what": "text", "outcome": "ok", "level": "INFO"},
    ]
    assert "secret" not in caplog.text.casefold()  # what people write stays out of the log
    assert "private words" not in caplog.text


async def test_a_failed_update_is_logged_as_an_error(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.updates.log")
    bot.emulator.fail_next("sendMessage", status=403, chat_id=ADMIN_ID)

    await bot.private(ADMIN_ID).send("/setrate KZT 0.002")

    [line] = _lines(caplog)
    assert line == {
        "who": f"user {ADMIN_ID}",
        "what": "/setrate",
        "outcome": "error",
        "level": "WARNING",
    }


async def test_a_button_press_is_logged_by_its_data(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    chat = bot.private(ADMIN_ID)
    [article] = await bot.store.articles.latest(1)
    question = await chat.send(f"/delete {article.id}")
    caplog.set_level(logging.INFO, logger="bot.updates.log")

    await chat.press(question.last, "Keep it")

    assert _lines(caplog) == [
        {
            "who": f"user {ADMIN_ID}",
            "what": f"button 'admin:spare:{article.id}'",
            "outcome": "ok",
            "level": "INFO",
        }
    ]
