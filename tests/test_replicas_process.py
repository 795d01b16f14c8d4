"""Two webhook replicas of ``filmnews run`` on one PostgreSQL behind a load balancer, and the
worker among them killed with SIGKILL again and again (issue 17's proof on one machine)."""

from __future__ import annotations

import asyncio
import random
import signal
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from storage import Store
from storage.models import NewArticle
from tests.balancer import Balancer
from tests.emulator import TEST_TOKEN, BotApiEmulator
from tests.test_ops_process import TIMEOUT, filmnews, start
from tests.test_webhook_process import another, free_port, post

pytestmark = pytest.mark.slow

SUBSCRIBERS = 1000
KILLS = 4
READERS = range(9001, 9041)  # chats asking /help while the digests go out
WORKER = "this process is the worker now"
RUN_LIMIT = 120  # seconds for the whole delivery (about 40 s on an idle machine)
LANES = 1  # FILMNEWS_SENDER_LANES: one message on its way at a time, so a kill repeats one at most


class Replica:
    """One ``filmnews run`` in webhook mode on ``port``; its log is read as it comes."""

    def __init__(self, tmp_path: Path, port: int, environment: dict[str, str]) -> None:
        self.port = port
        self.log: list[str] = []
        self._tmp_path = tmp_path
        self._environment = environment
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.log = []
        self._process = await start(
            self._tmp_path, "run", FILMNEWS_LISTEN=f"127.0.0.1:{self.port}", **self._environment
        )
        self._reader = asyncio.create_task(self._read(self._process))
        async with asyncio.timeout(TIMEOUT):
            while not any("serving as" in line for line in self.log):
                assert self._reader is not None
                if self._reader.done():
                    pytest.fail(f"replica on {self.port} ended: {''.join(self.log)}")
                await asyncio.sleep(0.02)

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        while line := await process.stderr.readline():
            self.log.append(line.decode())

    @property
    def worker(self) -> bool:
        return any(WORKER in line for line in self.log)

    async def kill(self) -> None:
        assert self._process is not None
        assert self._reader is not None
        self._process.send_signal(signal.SIGKILL)
        await self._process.wait()
        await self._reader

    async def stop(self) -> int:
        """SIGTERM; the exit code."""
        assert self._process is not None
        assert self._reader is not None
        if self._process.returncode is None:
            self._process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(TIMEOUT):
            await self._process.wait()
            await self._reader
        assert self._process.returncode is not None
        return self._process.returncode


async def prepare(url: str) -> None:
    """SUBSCRIBERS chats due a minute ago, with news for them."""
    store = await Store.open(url)
    try:
        due = datetime.now(UTC) - timedelta(minutes=1)
        async with store.transaction():
            for chat_id in range(1, SUBSCRIBERS + 1):
                await store.subscribers.subscribe(chat_id, chat_id, time(9), "Asia/Almaty", due, 0)
        for title in ("Replica-proof premiere", "Failover retrospective"):
            await store.articles.add(NewArticle(title, f"About {title}.", "admin:42"))
    finally:
        await store.close()


async def in_flight(url: str) -> int:
    """How many messages the killed worker left marked in flight (the next one sends them)."""
    store = await Store.open(url)
    try:
        return (await store.outbox.report()).sending
    finally:
        await store.close()


def stuck(emulator: BotApiEmulator, replicas: list[Replica], kills: list[int]) -> str:
    """What the test saw when the delivery did not end in time."""
    logs = "\n".join(f"replica on {r.port}:\n" + "".join(r.log[-40:]) for r in replicas)
    return (
        f"not done in {RUN_LIMIT} s after {len(kills)} kills: {len(digested(emulator))} of "
        f"{SUBSCRIBERS} digests sent, {len(emulator.sent())} messages in all\n{logs}"
    )


def digested(emulator: BotApiEmulator) -> set[int]:
    """The subscribers who got their digest."""
    return {m.chat_id for m in emulator.sent() if m.chat_id <= SUBSCRIBERS}


async def ask_readers(emulator: BotApiEmulator, stop: asyncio.Event) -> list[int]:
    """Readers send /help through the balancer, one every 0.2 s, until ``stop``; who asked."""
    asked: list[int] = []
    chats = iter(READERS)
    while not stop.is_set() and (chat := next(chats, None)) is not None:
        await emulator.send_text(chat, "/help", user_id=chat)
        asked.append(chat)
        await asyncio.sleep(0.2)
    return asked


async def test_two_webhook_replicas_lose_no_digest_when_the_worker_is_killed_again_and_again(
    tmp_path: Path, postgres_url: str
) -> None:
    await prepare(postgres_url)
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    ports = free_port(), free_port()
    async with BotApiEmulator() as emulator, Balancer(ports) as balancer:
        emulator.set_delay(0.02, "sendMessage")
        common = {
            "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
            "TELEGRAM_API_URL": emulator.api_url,
            "FILMNEWS_WEBHOOK_URL": balancer.url,
            "FILMNEWS_DATABASE_URL": postgres_url,
            "FILMNEWS_SENDER_LANES": str(LANES),
        }
        assert (await filmnews(tmp_path, "webhook", "set", **common)).code == 0
        replicas = [Replica(tmp_path, port, common) for port in ports]
        for replica in replicas:
            await replica.start()
        stop_readers = asyncio.Event()
        readers = asyncio.create_task(ask_readers(emulator, stop_readers))
        kills: list[int] = []  # messages in flight at each kill
        try:
            async with asyncio.timeout(RUN_LIMIT):
                while len(kills) < KILLS:
                    worker = await emulator.wait_for(
                        lambda: next((r for r in replicas if r.worker), None), TIMEOUT, "a worker"
                    )
                    if rng.random() < 0.25:  # soon after it took over
                        await asyncio.sleep(rng.uniform(0.05, 0.8))
                    else:  # in the middle of sending
                        target = len(emulator.sent()) + rng.randint(1, 80)
                        while len(emulator.sent()) < target:  # noqa: ASYNC110
                            await asyncio.sleep(0.005)
                    await worker.kill()
                    kills.append(await in_flight(postgres_url))
                    await worker.start()  # the load balancer's second replica is back

                # A duplicated update, posted to each replica: answered once.
                duplicate = await emulator.send_text(8001, "/id", user_id=8001)
                await emulator.wait_for_messages(8001, 1, TIMEOUT)
                for port in ports:
                    assert await post(f"http://127.0.0.1:{port}/telegram", duplicate) == 200
                later = another(duplicate, 990_001, "/help")
                assert await post(balancer.url, later) == 200

                await emulator.wait_for(
                    lambda: len(digested(emulator)) == SUBSCRIBERS, RUN_LIMIT, "every digest"
                )
                stop_readers.set()
                asked = await readers
                await emulator.wait_for(
                    lambda: {m.chat_id for m in emulator.sent()} >= set(asked) | {8001},
                    TIMEOUT,
                    "every reader's answer",
                )
                await emulator.wait_for(lambda: len(emulator.sent(8001)) >= 2, TIMEOUT, "/help")
        except TimeoutError:
            pytest.fail(stuck(emulator, replicas, kills))
        finally:
            stop_readers.set()
            codes = [await replica.stop() for replica in replicas]
            if not readers.done():
                readers.cancel()

    assert codes == [0, 0], [replica.log for replica in replicas]
    received = Counter(m.chat_id for m in emulator.sent() if m.chat_id <= SUBSCRIBERS)
    repeats = sum(count - 1 for count in received.values())
    answers = Counter(m.chat_id for m in emulator.sent() if m.chat_id in READERS)
    print(
        f"\nreplica kill test (seed {seed}): {len(kills)} SIGKILLs of the worker, "
        f"{len(received)}/{SUBSCRIBERS} chats got their digest, {repeats} repeated; in flight "
        f"at each kill {kills} (at most {LANES}); readers {len(answers)} answered, "
        f"{sum(answers.values()) - len(answers)} answered twice; balancer: "
        f"{Counter(balancer.forwarded)}"
    )
    assert set(received) == set(range(1, SUBSCRIBERS + 1))
    assert all(
        "Replica-proof premiere" in m.plain for m in emulator.sent() if m.chat_id <= SUBSCRIBERS
    )
    assert all(left <= LANES for left in kills)
    assert repeats <= sum(kills) <= KILLS * LANES  # at most one repeat per kill
    assert set(answers) == set(asked)
    assert sum("Your user id: 8001" in m.plain for m in emulator.sent(8001)) == 1
    assert set(balancer.forwarded) == set(ports)  # both replicas answered readers
    store = await Store.open(postgres_url)
    try:
        report = await store.outbox.report("digest")
    finally:
        await store.close()
    assert (report.sent, report.total) == (SUBSCRIBERS, SUBSCRIBERS)
