"""Real ``filmnews`` processes in webhook mode, and ``filmnews webhook``, against the emulator."""

from __future__ import annotations

import asyncio
import copy
import signal
import socket
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from bot.config import Settings
from bot.updates.webhook_admin import ALLOWED_UPDATES, SECRET_HEADER, secret_of
from storage.updates import journal_path
from tests.conftest import SEEDS
from tests.emulator import TEST_TOKEN, BotApiEmulator
from tests.test_ops_process import TIMEOUT, closed_cleanly, filmnews, start

GOLDEN_PANDA = "Kazakh Film Brings History and Culture to the 2nd Golden Panda Awards"
SECRET = secret_of(Settings(token=TEST_TOKEN))
COMMANDS = 12  # from 12 chats: 4 handled at once, the others waiting for a worker


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A Bot API emulator on 127.0.0.1."""
    async with BotApiEmulator() as emu:
        yield emu


def free_port() -> int:
    """A port of 127.0.0.1 nobody listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def serving(process: asyncio.subprocess.Process) -> list[str]:
    """Read the process's log until it says it serves; the lines read."""
    assert process.stderr is not None
    lines: list[str] = []
    async with asyncio.timeout(TIMEOUT):
        while not lines or "serving as" not in lines[-1]:
            line = (await process.stderr.readline()).decode()
            assert line, f"the process ended: {''.join(lines)}"
            lines.append(line)
    return lines


async def stopped(process: asyncio.subprocess.Process) -> tuple[int, str]:
    """SIGTERM, then the exit code and the rest of the log."""
    process.send_signal(signal.SIGTERM)
    async with asyncio.timeout(TIMEOUT):
        _, stderr = await process.communicate()
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def post(url: str, update: dict[str, Any], secret: str | None = SECRET) -> int:
    """POST ``update`` to a webhook as Telegram would (with ``secret`` in its header)."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with ClientSession() as session, session.post(url, json=update, headers=headers) as r:
        return r.status


def another(update: dict[str, Any], update_id: int, text: str) -> dict[str, Any]:
    """A new update in the same chat: another id, message and command."""
    fresh = copy.deepcopy(update)
    fresh["update_id"] = update_id
    fresh["message"] |= {"message_id": update_id, "text": text}
    fresh["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return fresh


async def test_two_webhook_replicas_answer_once_and_refuse_forged_requests(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    ports = free_port(), free_port()
    public = f"http://127.0.0.1:{ports[0]}/telegram"  # the proxy, here replica A itself
    common = {
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_URL": emulator.api_url,
        "FILMNEWS_WEBHOOK_URL": public,
    }
    registered = await filmnews(tmp_path, "webhook", "set", **common)
    assert registered.code == 0, registered.stderr
    replica_a = await start(
        tmp_path,
        "run",
        FILMNEWS_LISTEN=f"127.0.0.1:{ports[0]}",
        FILMNEWS_SEEDS=str(SEEDS),
        **common,
    )
    replica_b = await start(tmp_path, "run", FILMNEWS_LISTEN=f"127.0.0.1:{ports[1]}", **common)
    try:
        await serving(replica_a)
        await serving(replica_b)
        assert not emulator.calls("getUpdates")
        assert len(emulator.calls("setWebhook")) == 1  # by `webhook set`, not by the replicas

        # Telegram posts the updates (with the secret): both commands answered.
        started = await emulator.send_text(5, "/start")
        [welcome] = await emulator.wait_for_messages(5, 1, TIMEOUT)
        assert "Film news from Central Asia" in welcome.plain
        [latest] = await emulator.ask(5, "/latest", timeout=TIMEOUT)
        assert GOLDEN_PANDA in latest.plain

        # A forged request (no secret, or a wrong one) is refused and not handled.
        forged = another(started, 900_001, "/id")
        forged["message"]["chat"]["id"] = forged["message"]["from"]["id"] = 6
        assert await post(public, forged, secret=None) == 403
        assert await post(public, {**forged, "update_id": 900_002}, secret="guess") == 403
        [answer] = await emulator.ask(6, "/help", timeout=TIMEOUT)
        assert "/latest" in answer.plain
        assert len(emulator.sent(6)) == 1

        # The same update again, to A and to B: answered once; later updates still are.
        update = await emulator.send_text(7, "/id")
        [ids] = await emulator.wait_for_messages(7, 1, TIMEOUT)
        assert "Your user id: 7" in ids.plain
        assert await post(public, update) == 200
        assert await post(f"http://127.0.0.1:{ports[1]}/telegram", update) == 200
        assert await post(public, another(update, 900_003, "/latest")) == 200
        assert (
            await post(f"http://127.0.0.1:{ports[1]}/telegram", another(update, 900_004, "/help"))
            == 200
        )
        replies = await emulator.wait_for(
            lambda: len(emulator.sent(7)) >= 3 and emulator.sent(7), TIMEOUT, "A's and B's replies"
        )
        texts = [message.plain for message in replies]
        assert sum("Your user id" in text for text in texts) == 1, texts
        assert any(GOLDEN_PANDA in text for text in texts)
        assert any("/latest" in text and GOLDEN_PANDA not in text for text in texts)
    finally:
        codes = [await stopped(replica) for replica in (replica_a, replica_b)]

    assert [code for code, _ in codes] == [0, 0], codes
    assert "delivered again" in codes[1][1]  # B was given the update A had taken
    assert closed_cleanly(tmp_path / "data" / "filmnews.db")


def unhandled(database: Path) -> int:
    """How many updates the journal beside ``database`` keeps unhandled."""
    with closing(sqlite3.connect(journal_path(database))) as journal:
        [count] = journal.execute("SELECT count(*) FROM updates WHERE handled_at IS NULL")
        return int(count[0])


async def test_a_sigkilled_replica_loses_no_update_it_acknowledged(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    ports = free_port(), free_port(), free_port()
    common = {
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_URL": emulator.api_url,
        "FILMNEWS_WEBHOOK_URL": f"http://127.0.0.1:{ports[0]}/telegram",
    }
    assert (await filmnews(tmp_path, "webhook", "set", **common)).code == 0
    chats = range(201, 201 + COMMANDS)
    replica_a = await start(tmp_path, "run", FILMNEWS_LISTEN=f"127.0.0.1:{ports[0]}", **common)
    try:
        await serving(replica_a)
        emulator.set_delay(30, "sendMessage")  # replies hang: every command is in A's hands
        for chat in chats:
            await emulator.send_text(chat, "/help", user_id=chat)
        # Each answered 200 by A: Telegram will not deliver them again.
        await emulator.wait_for(lambda: not emulator.pending_updates, TIMEOUT, "acknowledged")
        await emulator.wait_for(lambda: emulator.calls("sendMessage"), TIMEOUT, "first replies")
    finally:
        replica_a.send_signal(signal.SIGKILL)
        await replica_a.wait()
    assert not emulator.sent()
    assert {status for _, status in emulator.webhook_deliveries} == {200}

    # Replica B, started after, handles what A acknowledged but never answered.
    emulator.set_delay(0, "sendMessage")
    replica_b = await start(tmp_path, "run", FILMNEWS_LISTEN=f"127.0.0.1:{ports[1]}", **common)
    try:
        log = "".join(await serving(replica_b))
        await emulator.wait_for(
            lambda: {m.chat_id for m in emulator.sent()} >= set(chats), TIMEOUT, "every answer"
        )
    finally:
        code, rest = await stopped(replica_b)
    assert code == 0, rest
    assert f"handling {COMMANDS} update(s) received but not handled before" in log
    database = tmp_path / "data" / "filmnews.db"
    assert unhandled(database) == 0

    # Replica C: what B handled is never handled again.
    replica_c = await start(tmp_path, "run", FILMNEWS_LISTEN=f"127.0.0.1:{ports[2]}", **common)
    try:
        log = "".join(await serving(replica_c))  # the replay comes before serving
    finally:
        code, rest = await stopped(replica_c)
    assert code == 0, rest
    assert "not handled before" not in log + rest
    answered = Counter(m.chat_id for m in emulator.sent())
    lost = COMMANDS - len(answered)
    print(f"\nSIGKILL with {COMMANDS} webhook updates acknowledged: {lost} lost")
    assert answered == dict.fromkeys(chats, 1)  # all of them, exactly once
    assert all("Commands" in m.plain for m in emulator.sent())


async def test_webhook_set_info_and_delete_print_what_telegram_says(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    nobody = f"https://127.0.0.1:{free_port()}/hook"
    common = {"TELEGRAM_BOT_TOKEN": TEST_TOKEN, "TELEGRAM_API_URL": emulator.api_url}

    none = await filmnews(tmp_path, "webhook", "info", **common)
    assert (none.code, none.stderr) == (0, "")
    assert none.stdout.startswith("Webhook: none")

    done = await filmnews(
        tmp_path, "webhook", "set", "--max-connections", "5", FILMNEWS_WEBHOOK_URL=nobody, **common
    )
    assert (done.code, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "Webhook set.",
        f"Webhook: {nobody}",
        "Pending updates: 0",
        "Max connections: 5",
        "Allowed updates: " + ", ".join(ALLOWED_UPDATES),
        "Last error: none",
    ]
    assert emulator.webhook is not None
    assert emulator.webhook["secret_token"] == SECRET
    assert emulator.webhook["allowed_updates"] == list(ALLOWED_UPDATES)

    # Nobody listens there: Telegram keeps the update and says why.
    await emulator.send_text(5, "/start")
    await emulator.wait_for(lambda: emulator.webhook_deliveries, TIMEOUT, "a delivery")
    info = await filmnews(tmp_path, "webhook", "info", **common)
    lines = info.stdout.splitlines()
    assert lines[:2] == [f"Webhook: {nobody}", "Pending updates: 1"]
    assert lines[-1].startswith("Last error: 20")
    assert "Connection failed" in lines[-1]

    # Long polling would take the updates from the webhook: `run` refuses, in one line.
    polling = await filmnews(tmp_path, "run", **common)
    assert polling.code == 2
    assert polling.stderr.splitlines()[-1].startswith(
        f"filmnews run: a webhook is registered ({nobody})"
    )
    assert "filmnews webhook delete" in polling.stderr
    assert emulator.webhook is not None
    assert not emulator.calls("deleteWebhook")

    deleted = await filmnews(tmp_path, "webhook", "delete", **common)
    assert (deleted.code, deleted.stderr) == (0, "")
    assert deleted.stdout.splitlines() == [
        "Webhook deleted; 1 pending update(s) kept for `filmnews run` (long polling).",
        "Webhook: none (updates wait for getUpdates: `filmnews run` long-polls)",
        "Pending updates: 1",
    ]
    assert emulator.webhook is None
    assert emulator.calls("deleteWebhook")[-1].params.get("drop_pending_updates") in (None, False)


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"FILMNEWS_WEBHOOK_URL": "https://bot.example.com/tg"}, "FILMNEWS_LISTEN"),
        ({"FILMNEWS_LISTEN": "0.0.0.0:8080"}, "FILMNEWS_WEBHOOK_URL"),
    ],
)
async def test_run_with_half_the_webhook_settings_says_which_is_missing(
    tmp_path: Path, given: dict[str, str], missing: str
) -> None:
    done = await filmnews(tmp_path, "run", TELEGRAM_BOT_TOKEN=TEST_TOKEN, **given)

    assert done.code == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"filmnews run: {missing} is not set")


async def test_webhook_set_without_a_url_says_so(tmp_path: Path) -> None:
    done = await filmnews(tmp_path, "webhook", "set", TELEGRAM_BOT_TOKEN=TEST_TOKEN)

    assert done.code == 2
    assert done.stderr.startswith("filmnews webhook set: FILMNEWS_WEBHOOK_URL is not set")
