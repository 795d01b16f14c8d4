"""``filmnews run`` as a real process: start-up failures in one line, waiting for the network,
SIGTERM within Docker's grace whatever a handler does, and no job-queue chatter."""

from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.emulator import TEST_TOKEN, BotApiEmulator
from tests.test_ops_process import TIMEOUT, filmnews, start

DOCKER_GRACE = 10.0
UNREACHABLE = "cannot reach the Bot API"


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A Bot API emulator on 127.0.0.1."""
    async with BotApiEmulator() as emu:
        yield emu


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on."""
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def stop(process: asyncio.subprocess.Process) -> str:
    """SIGTERM; wait (at most Docker's grace) for the exit; the process's stderr."""
    process.send_signal(signal.SIGTERM)
    try:
        async with asyncio.timeout(DOCKER_GRACE):
            _, stderr = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return stderr.decode()


async def test_a_refused_token_exits_2_with_one_line(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    done = await filmnews(
        tmp_path, "run", TELEGRAM_BOT_TOKEN="999:WRONG", TELEGRAM_API_URL=emulator.api_url
    )
    assert done.code == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("filmnews run: Telegram refused TELEGRAM_BOT_TOKEN")
    assert "@BotFather" in line


@pytest.mark.parametrize("kind", ["a folder", "under a file"])
async def test_a_database_that_cannot_be_opened_is_one_line_naming_it(
    tmp_path: Path, emulator: BotApiEmulator, kind: str
) -> None:
    (tmp_path / "file.txt").write_text("not a folder", "utf-8")
    database = tmp_path / "a-folder" if kind == "a folder" else tmp_path / "file.txt" / "f.db"
    if kind == "a folder":
        database.mkdir()
    done = await filmnews(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=emulator.api_url,
        FILMNEWS_DATABASE=str(database),
        FILMNEWS_LOG_LEVEL="WARNING",
    )
    assert done.code == 1, done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    line = done.stderr.strip()
    assert line.startswith(f"filmnews: cannot open the database {database}: ")
    assert not emulator.calls("getUpdates")


async def test_run_waits_for_the_network_logging_once_then_serves(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    emulator.refuse("getMe", status=500)  # Telegram unreachable: a 5xx, like a proxy's
    process = await start(
        tmp_path, "run", TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_URL=emulator.api_url
    )
    try:
        await emulator.wait_for(lambda: len(emulator.calls("getMe")) >= 3, TIMEOUT, "3 tries")
        assert process.returncode is None  # still there, trying
        emulator.allow("getMe")
        [reply] = await emulator.ask(7, "/help", timeout=TIMEOUT)
        assert "Commands" in reply.plain
    finally:
        log = await stop(process)
    assert process.returncode == 0, log
    assert log.count(UNREACHABLE) == 1  # logged once a minute, not at every try
    assert "Traceback" not in log
    assert "apscheduler" not in log  # the job queue's INFO lines are quiet


async def test_run_with_no_network_at_all_keeps_trying_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    process = await start(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=f"http://127.0.0.1:{free_port()}",
    )
    assert process.stderr is not None
    first = await asyncio.wait_for(process.stderr.readline(), TIMEOUT)
    assert UNREACHABLE in first.decode()
    await asyncio.sleep(1.5)  # a retry or two later, it has not given up
    assert process.returncode is None
    log = first.decode() + await stop(process)
    assert process.returncode == 0, log
    assert log.count(UNREACHABLE) == 1
    assert "Traceback" not in log


async def test_sigterm_stops_within_docker_grace_while_a_reply_hangs_and_it_is_answered_later(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    variables = {"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_API_URL": emulator.api_url}
    process = await start(tmp_path, "run", **variables)
    try:
        await emulator.wait_for(lambda: emulator.calls("getUpdates"), TIMEOUT, "polling")
        emulator.set_delay(60, "sendMessage")  # the reply hangs far past Docker's grace
        await emulator.send_text(7, "/help", user_id=7)
        await emulator.wait_for(lambda: emulator.calls("sendMessage"), TIMEOUT, "the reply")
    finally:
        log = await stop(process)  # fails if it takes longer than DOCKER_GRACE
    assert process.returncode == 0, log
    assert "cut short" in log
    assert not emulator.sent(7)
    journal = tmp_path / "data" / "filmnews.db.updates"
    with closing(sqlite3.connect(journal)) as connection:
        assert connection.execute(
            "SELECT count(*) FROM updates WHERE handled_at IS NULL"
        ).fetchone() == (1,)

    emulator.set_delay(0, "sendMessage")
    again = await start(tmp_path, "run", **variables)
    try:
        [reply] = await emulator.wait_for_messages(7, 1, TIMEOUT)
    finally:
        log = await stop(again)
    assert "Commands" in reply.plain
    assert "handling 1 update(s) received but not handled before" in log
