"""``filmnews check``, the container health check, run as a real process against the emulator."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.emulator import BOT_USERNAME, TEST_TOKEN, BotApiEmulator

TIMEOUT = 30


@dataclass(frozen=True)
class Finished:
    """How a ``filmnews`` process ended."""

    code: int
    stdout: str
    stderr: str


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A Bot API emulator on 127.0.0.1."""
    async with BotApiEmulator() as emu:
        yield emu


def environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """The process environment: no inherited filmnews or Telegram settings, then ``variables``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FILMNEWS_", "TELEGRAM_"))
    }
    env["FILMNEWS_DATABASE"] = str(tmp_path / "data" / "filmnews.db")
    env["FILMNEWS_SEEDS"] = str(tmp_path / "no-seeds")
    env.update(variables)
    return env


async def filmnews(tmp_path: Path, *args: str, **variables: str) -> Finished:
    """Run ``python -m bot ARGS`` in ``tmp_path`` (so no .env is read) until it exits."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=environment(tmp_path, **variables),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(TIMEOUT):
        stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return Finished(process.returncode, stdout.decode(), stderr.decode())


async def test_check_passes_when_the_database_opens_and_get_me_answers(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    done = await filmnews(
        tmp_path, "check", TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_URL=emulator.api_url
    )

    assert (done.code, done.stderr) == (0, "")
    assert done.stdout.count("\n") == 1
    assert done.stdout.startswith("ok:")
    assert f"@{BOT_USERNAME}" in done.stdout
    assert emulator.calls("getMe")
    assert (tmp_path / "data" / "filmnews.db").exists()


async def test_check_fails_in_one_line_when_the_bot_api_is_down(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    emulator.refuse("getMe", status=500)

    done = await filmnews(
        tmp_path, "check", TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_URL=emulator.api_url
    )

    assert done.code == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("filmnews check: Bot API at http://127.0.0.1:")
    assert "getMe failed" in done.stderr


async def test_check_fails_in_one_line_when_the_database_is_too_new(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    database = tmp_path / "data" / "filmnews.db"
    database.parent.mkdir()
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA user_version = 999")

    done = await filmnews(
        tmp_path, "check", TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_URL=emulator.api_url
    )

    assert done.code == 1
    assert done.stderr.count("\n") == 1
    assert "schema version 999" in done.stderr
    assert not emulator.calls("getMe")


async def test_check_fails_without_a_token(tmp_path: Path) -> None:
    done = await filmnews(tmp_path, "check")

    assert done.code == 1
    assert done.stderr == "filmnews check: TELEGRAM_BOT_TOKEN is not set\n"
