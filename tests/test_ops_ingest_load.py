"""A big ``filmnews ingest``, ``filmnews digest --now`` and ``filmnews fetch`` (feeds served on
127.0.0.1) beside a serving ``filmnews run``, all real processes on one SQLite file: every command
is answered normally, none "database is locked".
"""

from __future__ import annotations

import asyncio
import re
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bench import pages  # the benchmarks' page generator
from bot.updates.errors import SORRY
from tests.conftest import SEEDS
from tests.emulator import TEST_TOKEN, BotApiEmulator
from tests.source_server import many_items, rss, serving, sources_file
from tests.test_ops_process import TIMEOUT, Finished, start

ARTICLES = 20_000
FEEDS = 3
FEED_ITEMS = 100
PACE = 0.1  # seconds between two commands of one reader
MAX_COMMANDS_PER_CHAT = 600  # a bound, whatever the machine's speed
PROCESS_LIMIT = 240  # seconds for the ingest on a loaded machine (about 30 s on an idle one)
ADMIN = 42
COMMANDS = (
    "/latest",
    "/search cinema premiere",
    "/festivals",
    "/rates",
    "/rates KZT",
    "/article 3",
    "/festival panda",
    "/subscribe 08:30 Asia/Bishkek",
    "/settings",
    "/convert 100 USD KZT",
    "/setrate KZT 0.00201",
    "/help",
)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A Bot API emulator on 127.0.0.1."""
    async with BotApiEmulator() as emu:
        yield emu


async def converse(emulator: BotApiEmulator, chat: int, done: asyncio.Event) -> int:
    """A reader at a brisk human pace, round the commands until ``done``; how many answered."""
    answered = 0
    while not done.is_set() and answered < MAX_COMMANDS_PER_CHAT:
        for command in COMMANDS:
            await emulator.ask(chat, command, user_id=chat, timeout=TIMEOUT)
            answered += 1
            await asyncio.sleep(PACE)
    return answered


async def run_to_end(tmp_path: Path, *args: str, **variables: str) -> Finished:
    """``python -m bot ARGS`` to its end (killed past ``PROCESS_LIMIT``)."""
    process = await start(tmp_path, *args, **variables)
    try:
        async with asyncio.timeout(PROCESS_LIMIT):
            stdout, stderr = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return Finished(process.returncode, stdout.decode(), stderr.decode())


async def digest_later(tmp_path: Path, variables: dict[str, str]) -> Finished:
    """``filmnews digest --now`` again, in the middle of the ingest."""
    await asyncio.sleep(5)
    return await run_to_end(tmp_path, "digest", "--now", **variables)


async def fetch_later(tmp_path: Path, variables: dict[str, str]) -> Finished:
    """``filmnews fetch`` of the local feeds, in the middle of the ingest."""
    await asyncio.sleep(3)
    return await run_to_end(tmp_path, "fetch", **variables)


@pytest.mark.slow
async def test_commands_are_answered_normally_while_a_big_ingest_a_digest_and_a_fetch_run(
    tmp_path: Path, emulator: BotApiEmulator
) -> None:
    pages.write_pages(tmp_path / "pages", iter(pages.Corpus(ARTICLES, words=(40, 80))))
    variables = {
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_URL": emulator.api_url,
        "FILMNEWS_ADMIN_IDS": str(ADMIN),
        "FILMNEWS_SEEDS": str(SEEDS),
        "FILMNEWS_SOURCES": "none",  # the bot itself polls nothing: `filmnews fetch` does
    }
    bot = await start(tmp_path, "run", **variables)
    done = asyncio.Event()
    talks: list[asyncio.Task[int]] = []
    try:
        async with serving() as site:
            feeds = {
                f"feed-{n}": site.put(f"/{n}.xml", rss(f"F{n}", many_items(FEED_ITEMS, f"f{n}")))
                for n in range(FEEDS)
            }
            fetching = variables | {
                "FILMNEWS_SOURCES": str(sources_file(tmp_path / "sources.toml", feeds)),
                "FILMNEWS_PRIVATE_SOURCES": "allow",
            }
            await emulator.wait_for(lambda: emulator.calls("getUpdates"), TIMEOUT, "polling")
            chats = (ADMIN, 7, 8, 9)
            talks = [asyncio.create_task(converse(emulator, chat, done)) for chat in chats]
            ingest, fetch, *digests = await asyncio.gather(
                run_to_end(tmp_path, "ingest", str(tmp_path / "pages"), **variables),
                fetch_later(tmp_path, fetching),
                run_to_end(tmp_path, "digest", "--now", **variables),
                digest_later(tmp_path, variables),
            )
        done.set()
        answered = sum(await asyncio.gather(*talks))
    finally:
        done.set()
        for talk in talks:
            talk.cancel()
        bot.send_signal(signal.SIGTERM)
        async with asyncio.timeout(TIMEOUT):
            _, stderr = await bot.communicate()
    log = stderr.decode()

    assert ingest.code == 0, ingest.stderr
    total = re.search(r"Total: (\d+) articles? added, (\d+) completed", ingest.stdout)
    assert total is not None, ingest.stdout[-500:]
    assert int(total[1]) + int(total[2]) == ARTICLES  # (a generated title may match a seed's)
    assert [digest.code for digest in digests] == [0, 0], [d.stderr for d in digests]
    assert fetch.code == 0, fetch.stderr
    assert f"Total: {FEEDS * FEED_ITEMS} articles and 0 rates added" in fetch.stdout, fetch.stdout
    replies = emulator.sent()
    print(f"\n{answered} commands answered during an ingest of {ARTICLES} articles and a fetch")
    assert answered >= 2 * len(COMMANDS)
    errors = [line for line in log.splitlines() if "ERROR" in line or "Error" in line]
    assert [m.plain for m in replies if m.plain == SORRY] == [], errors
    others = ingest.stderr + fetch.stderr + "".join(d.stderr for d in digests)
    assert "database is locked" not in log + others
    assert "error while handling" not in log
    assert not emulator.bad_requests
