"""Real ``filmnews`` processes against the emulator: the health check, and SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SEEDS
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
    env["FILMNEWS_SOURCES"] = "none"  # never poll the real feeds and banks from a test
    env.update(variables)
    return env


async def start(tmp_path: Path, *args: str, **variables: str) -> asyncio.subprocess.Process:
    """Start ``python -m bot ARGS`` in ``tmp_path`` (so no .env is read)."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=environment(tmp_path, **variables),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def filmnews(tmp_path: Path, *args: str, **variables: str) -> Finished:
    """Run ``python -m bot ARGS`` in ``tmp_path`` until it exits."""
    process = await start(tmp_path, *args, **variables)
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
    with closing(sqlite3.connect(database)) as connection:
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


async def test_sigterm_finishes_the_reply_in_flight_and_closes_the_database(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    process = await start(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=emulator.api_url,
        FILMNEWS_ADMIN_IDS="42",
        FILMNEWS_SEEDS=str(SEEDS),
    )
    try:
        await emulator.wait_for(lambda: emulator.calls("getUpdates"), TIMEOUT, "polling")
        emulator.set_delay(1.0, "sendMessage")  # the reply is slow to be answered
        await emulator.send_text(42, "/setrate KZT 0.00201 2026-01-05", user_id=42)
        await emulator.wait_for(lambda: emulator.calls("sendMessage"), TIMEOUT, "the reply")
        assert not emulator.sent(42)  # the reply is on the wire, not answered yet

        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(TIMEOUT):
            _, stderr = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    log = stderr.decode()
    assert process.returncode == 0, log
    [reply] = emulator.sent(42)
    assert "KZT/USD = 0.00201" in reply.plain
    assert "update from user 42: /setrate → ok" in log
    database = tmp_path / "data" / "filmnews.db"
    assert closed_cleanly(database)
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute(
            "SELECT value FROM rates WHERE currency = 'KZT' AND as_of = '2026-01-05'"
        ).fetchall() == [("0.00201",)]
        assert connection.execute("SELECT user_id, action FROM admin_actions").fetchall() == [
            (42, "setrate")
        ]


def closed_cleanly(database: Path) -> bool:
    """No write-ahead log left (the last connection closed and checkpointed) and no damage."""
    if Path(f"{database}-wal").exists():
        return False
    with closing(sqlite3.connect(database)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
