"""Crash safety: SIGKILL the digest sender at random points of a 1,000-digest run, restart it.

The sender keeps up to ``LANES`` messages marked in flight; each answer takes 20 ms here, so
that all of them are on the wire when the kill comes and the bound is really put to the test.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import NoReturn

import pytest

from bot.delivery.sender import LANES
from storage import Store
from storage.models import NewArticle
from tests.emulator import TEST_TOKEN, BotApiEmulator

SUBSCRIBERS = 1000
KILLS = 4
ANSWER = 0.02  # seconds the emulator takes to answer sendMessage
RUN_LIMIT = 60  # seconds for one run of the sender (about 3 s on an idle machine)
# The sender of `filmnews digest --now` with its default lanes, without Telegram's pace (the
# emulator has no limit here), so that the run lasts seconds rather than a minute.
RUN = (
    "import asyncio\n"
    "from bot.config import Settings\n"
    "from bot.delivery.pacer import Pacer\n"
    "from bot.delivery.service import send_due\n"
    "asyncio.run(send_due(Settings.from_env(), pacer=Pacer.unlimited()))\n"
)


async def prepare(database: Path) -> None:
    """SUBSCRIBERS chats due a minute ago, with news for them."""
    store = await Store.open(database)
    due = datetime.now(UTC) - timedelta(minutes=1)
    async with store.transaction():
        for chat_id in range(1, SUBSCRIBERS + 1):
            await store.subscribers.subscribe(chat_id, chat_id, time(9), "Asia/Almaty", due, 0)
    for title in ("Crash-proof premiere", "Restart retrospective"):
        await store.articles.add(NewArticle(title, f"About {title}.", "admin:42"))
    await store.close()


async def fail_stuck(process: asyncio.subprocess.Process) -> NoReturn:
    """Kill a sender that neither sent nor exited in time and fail with its stderr: one that
    failed with its store left open never exits (the store's thread keeps it alive), and the
    whole run would hang on it."""
    process.kill()
    _, errors = await process.communicate()
    pytest.fail(f"the sender was stuck for {RUN_LIMIT} s; its stderr:\n{errors.decode()}")


async def in_flight(database: Path) -> int:
    """How many messages a killed sender left marked in flight (the next one sends them)."""
    store = await Store.open(database)
    try:
        return (await store.outbox.report()).sending
    finally:
        await store.close()


async def test_sigkill_loses_no_digest_and_repeats_at_most_lanes_per_kill(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    database = tmp_path / "crash.db"
    await prepare(database)
    emulator.set_delay(ANSWER, "sendMessage")
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_URL": emulator.api_url,
        "FILMNEWS_DATABASE": str(database),
        "FILMNEWS_LOG_LEVEL": "WARNING",
        "PTB_TIMEDELTA": "1",
    }
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    kills = runs = 0
    left_in_flight: list[int] = []  # messages marked in flight at each kill
    while True:
        runs += 1
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", RUN, cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
        )
        if kills < KILLS:
            if kills == 0:  # somewhere in start-up, composing, or the first sends
                await asyncio.sleep(rng.uniform(0.3, 1.2))
            else:  # in the middle of sending
                target = len(emulator.sent()) + rng.randint(1, 250)
                try:
                    async with asyncio.timeout(RUN_LIMIT):
                        while len(emulator.sent()) < target and process.returncode is None:  # noqa: ASYNC110
                            await asyncio.sleep(0.001)
                except TimeoutError:
                    await fail_stuck(process)
            if process.returncode is None:
                process.send_signal(signal.SIGKILL)
                await process.wait()
                kills += 1
                left_in_flight.append(await in_flight(database))
                continue
        try:
            async with asyncio.timeout(RUN_LIMIT):
                _, errors = await process.communicate()
        except TimeoutError:
            await fail_stuck(process)
        assert process.returncode == 0, errors.decode()
        if kills >= KILLS:
            break

    received = Counter(message.chat_id for message in emulator.sent())
    repeats = sum(count - 1 for count in received.values())
    print(
        f"\ncrash test (seed {seed}): {runs} runs, {kills} SIGKILLs, "
        f"{len(received)}/{SUBSCRIBERS} chats got their digest, {repeats} repeated; "
        f"in flight at each kill {left_in_flight} (at most {LANES})"
    )
    assert set(received) == set(range(1, SUBSCRIBERS + 1))
    assert all(left <= LANES for left in left_in_flight)
    assert repeats <= sum(left_in_flight) <= kills * LANES
    assert all("Crash-proof premiere" in m.plain for m in emulator.sent())
    store = await Store.open(database)
    try:
        report = await store.outbox.report("digest")
        recorded = [await store.subscribers.last_digest(c) for c in range(1, SUBSCRIBERS + 1)]
        due_again = await store.subscribers.due(datetime.now(UTC), SUBSCRIBERS)
    finally:
        await store.close()
    assert (report.sent, report.total) == (SUBSCRIBERS, SUBSCRIBERS)
    assert all(record is not None and record.articles == 2 for record in recorded)
    assert not due_again


@pytest.mark.parametrize("token", ["", TEST_TOKEN])
async def test_filmnews_digest_now_sends_what_is_due_and_exits(
    tmp_path: Path, emulator: BotApiEmulator, token: str
) -> None:
    database = tmp_path / "cli.db"
    store = await Store.open(database)
    due = datetime.now(UTC) - timedelta(minutes=1)
    await store.subscribers.subscribe(5, 5, time(9), "Asia/Bishkek", due, 0)
    await store.subscribers.subscribe(6, 6, time(9), "Asia/Bishkek", due + timedelta(days=1), 0)
    await store.articles.add(NewArticle("From cron", "Sent by filmnews digest --now.", "t"))
    await store.close()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": emulator.api_url,
        "FILMNEWS_DATABASE": str(database),
        "PTB_TIMEDELTA": "1",
    }

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "digest",
        "--now",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()

    if not token:
        assert process.returncode == 2
        assert "TELEGRAM_BOT_TOKEN" in err.decode()
        assert not emulator.sent()
        return
    assert process.returncode == 0, err.decode()
    assert "Digests: 1 due, 1 queued" in out.decode()
    assert "Outbox: 1 sent" in out.decode()
    assert [m.chat_id for m in emulator.sent()] == [5]
    assert "From cron" in emulator.sent()[0].plain
