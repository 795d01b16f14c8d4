"""Webhook settings, its secret, and the updates taken across processes, replayed when their
process is gone."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import subprocess
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import pytest
from telegram import Update

from bot.config import ConfigError, Settings
from bot.updates.journal import UpdateJournal
from bot.updates.owners import alive, this_process
from bot.updates.webhook import url_path
from bot.updates.webhook_admin import secret_of
from storage.updates import Owner, Updates, journal_path

TOKEN = "123456:ABC"


def settings(**environ: str) -> Settings:
    """Settings from exactly ``environ`` (no .env)."""
    return Settings.from_env(environ, env_file=None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.0.0.0:8080", ("0.0.0.0", 8080)),
        ("127.0.0.1:8443", ("127.0.0.1", 8443)),
        ("localhost:80", ("localhost", 80)),
        (":8080", ("0.0.0.0", 8080)),
        ("[::]:8443", ("::", 8443)),
        ("[::1]:9000", ("::1", 9000)),
    ],
)
def test_listen_is_host_and_port(raw: str, expected: tuple[str, int]) -> None:
    assert settings(FILMNEWS_LISTEN=raw).listen == expected


@pytest.mark.parametrize("raw", ["8080", "host:", "host:0", "host:70000", "::1:80", "a b:80"])
def test_a_malformed_listen_is_refused_naming_the_variable(raw: str) -> None:
    with pytest.raises(ConfigError, match=r"^FILMNEWS_LISTEN: .*host:port"):
        settings(FILMNEWS_LISTEN=raw)


def test_webhook_url_and_secret_are_checked() -> None:
    assert settings(FILMNEWS_WEBHOOK_URL="https://bot.example.com/tg").webhook_url == (
        "https://bot.example.com/tg"
    )
    with pytest.raises(ConfigError, match=r"^FILMNEWS_WEBHOOK_URL: "):
        settings(FILMNEWS_WEBHOOK_URL="bot.example.com/tg")
    with pytest.raises(ConfigError, match=r"^FILMNEWS_WEBHOOK_SECRET: "):
        settings(FILMNEWS_WEBHOOK_SECRET="has spaces!")
    unset = settings()
    assert (unset.webhook_url, unset.listen, unset.webhook_secret) == (None, None, None)


def test_the_default_secret_is_derived_from_the_token_the_same_on_every_replica() -> None:
    first = secret_of(settings(TELEGRAM_BOT_TOKEN=TOKEN))
    again = secret_of(settings(TELEGRAM_BOT_TOKEN=TOKEN, FILMNEWS_DATABASE="other.db"))
    other_bot = secret_of(settings(TELEGRAM_BOT_TOKEN="654321:XYZ"))

    assert first == again != other_bot
    assert TOKEN.split(":")[1] not in first
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,256}", first)  # what Telegram accepts


def test_a_configured_secret_wins() -> None:
    chosen = settings(TELEGRAM_BOT_TOKEN=TOKEN, FILMNEWS_WEBHOOK_SECRET="s3cret_-x")
    assert secret_of(chosen) == "s3cret_-x"


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://bot.example.com", "/"),
        ("https://bot.example.com/", "/"),
        ("https://bot.example.com:8443/telegram/hook", "/telegram/hook"),
    ],
)
def test_the_server_serves_the_webhook_urls_path(url: str, path: str) -> None:
    assert url_path(url) == path


def update(update_id: int, text: str = "/help", chat: int = 5) -> dict[str, Any]:
    """A Bot API update of a text message, as Telegram posts it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_771_059_600,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "Reader"},
            "text": text,
        },
    }


@pytest.fixture
async def processes() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Four running processes, to own updates."""
    started = [await asyncio.create_subprocess_exec("sleep", "30") for _ in range(4)]
    yield started
    for process in started:
        if process.returncode is None:
            process.kill()
        await process.wait()


def owner(process: asyncio.subprocess.Process | subprocess.Popen[bytes]) -> Owner:
    """A running process as the owner of updates."""
    return Owner(process.pid, psutil.Process(process.pid).create_time())


async def test_an_update_is_kept_and_taken_once_across_processes(tmp_path: Path) -> None:
    path = journal_path(tmp_path / "filmnews.db")
    me = this_process()
    replica_a, replica_b = await Updates.open(path), await Updates.open(path)
    try:
        assert await replica_a.take(update(10), me)
        assert not await replica_b.take(update(10), me)
        assert not await replica_a.take(update(10, "/latest"), me)
        assert await replica_b.take(update(11, "/rates"), me)
    finally:
        await replica_a.close()
        await replica_b.close()

    reopened = await Updates.open(path)
    try:
        assert not await reopened.take(update(11), me)  # kept in the file, not in the process
        kept = await reopened.unhandled()  # the content, for whoever must replay it
        assert [(u.update_id, u.payload["message"]["text"]) for u in kept] == [
            (10, "/help"),
            (11, "/rates"),
        ]
        assert await reopened.owners() == {me}
    finally:
        await reopened.close()


async def test_a_gone_process_updates_are_replayed_once_and_handled_ones_never(
    tmp_path: Path, processes: list[asyncio.subprocess.Process]
) -> None:
    database = tmp_path / "filmnews.db"
    crashed, *replicas = (UpdateJournal(owner(process)) for process in processes)
    for journal in (crashed, *replicas[1:]):  # already running
        assert await journal.open(database) == []
    for n in range(1, 41):
        assert await crashed.take(update(n, chat=n))
    await crashed.handled(Update.de_json(update(3, chat=3), None))
    assert await replicas[1].take(update(100, chat=100))  # being handled, by a live process
    await crashed.close()
    processes[0].kill()  # 39 updates taken (answered 200), never handled
    await processes[0].wait()
    try:
        # One replica starting and two running claim at once: each update goes to one.
        replayed = await asyncio.gather(
            replicas[0].open(database), replicas[1].orphans(), replicas[2].orphans()
        )
        ids = [payload["update_id"] for batch in replayed for payload in batch]
        assert sorted(ids) == [n for n in range(1, 41) if n != 3]
        assert [await replica.orphans() for replica in replicas] == [[], [], []]
        assert not await replicas[1].take(update(5, chat=5))  # a redelivery: still once
    finally:
        for journal in replicas:
            await journal.close()


def test_a_reused_pid_or_a_zombie_is_not_taken_for_the_owner() -> None:
    me = this_process()
    assert alive(me)
    assert not alive(Owner(me.pid, me.started - 60))  # the pid, given to another process
    assert not alive(None)  # kept before updates had owners
    with subprocess.Popen(["sleep", "30"]) as process:  # reaped only when asked
        running = owner(process)
        assert alive(running)
        process.kill()
        # Until it has ended, not reaping it (WNOWAIT): a zombie, until its parent reaps it.
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        assert psutil.Process(process.pid).status() == psutil.STATUS_ZOMBIE
        assert not alive(running)
    assert not alive(running)  # reaped: gone


async def test_a_journal_from_before_owners_is_upgraded_and_its_updates_replayed(
    tmp_path: Path,
) -> None:
    database = tmp_path / "filmnews.db"
    with closing(sqlite3.connect(journal_path(database))) as old:
        old.executescript(
            "CREATE TABLE updates (update_id INTEGER PRIMARY KEY, payload TEXT NOT NULL, "
            "received_at TEXT NOT NULL, handled_at TEXT);"
            "CREATE TABLE seen_updates (update_id INTEGER PRIMARY KEY, seen_at TEXT NOT NULL);"
        )
        old.execute(
            "INSERT INTO updates VALUES (7, ?, '2026-02-14T09:00:00+00:00', NULL)",
            (json.dumps(update(7, "/latest")),),
        )
        old.commit()

    journal = UpdateJournal()
    try:
        assert [u["message"]["text"] for u in await journal.open(database)] == ["/latest"]
        assert await journal.take(update(8))
    finally:
        await journal.close()
    with closing(sqlite3.connect(journal_path(database))) as upgraded:
        tables = {row[0] for row in upgraded.execute("SELECT name FROM sqlite_master")}
        owners = upgraded.execute("SELECT DISTINCT owner_pid FROM updates").fetchall()
    assert "seen_updates" not in tables
    assert owners == [(os.getpid(),)]


async def test_handled_updates_are_forgotten_after_a_day(tmp_path: Path) -> None:
    path = journal_path(tmp_path / "filmnews.db")
    now = datetime.now(UTC)
    kept = await Updates.open(path)
    try:
        assert await kept.take(update(1), None, now - timedelta(days=1, minutes=2))
        assert await kept.take(update(2), None, now - timedelta(hours=23))
        await kept.mark_handled(1, now - timedelta(days=1, minutes=1))
        await kept.mark_handled(2, now - timedelta(hours=23))
    finally:
        await kept.close()

    journal = UpdateJournal()
    assert await journal.open(tmp_path / "filmnews.db") == []  # forgets what is over a day old
    try:
        assert await journal.take(update(1))  # forgotten: Telegram may reuse an id after a week
        assert not await journal.take(update(2))
        assert await journal.prune() == 0
    finally:
        await journal.close()
    with pytest.raises(ValueError, match="not open"):
        await journal.take(update(3))
