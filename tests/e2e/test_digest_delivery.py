"""The outbox sender against the emulator: timeouts, network errors, refusals, the enqueue API,
lanes, and the limits per chat and per group."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.delivery.outbox import enqueue
from bot.delivery.pacer import Pacer
from bot.delivery.sender import LANES, MAX_ATTEMPTS, Sender
from bot.delivery.service import send_due
from bot.delivery.spacing import ChatSpacing
from storage import Store
from storage.outbox import OutboxState
from tests.emulator import TEST_TOKEN, BotApiEmulator

NOW = datetime(2026, 2, 7, 3, 0, tzinfo=UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


@pytest.fixture
def clock() -> FakeClock:
    """The sender's clock, stopped at NOW."""
    return FakeClock(NOW)


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    """A plain Bot on the emulator that gives up on an answer after 0.2 s."""
    async with Bot(
        TEST_TOKEN, base_url=emulator.base_url, request=HTTPXRequest(read_timeout=0.2)
    ) as started:
        yield started


@pytest.fixture
def sender(store: Store, bot: Bot, clock: FakeClock) -> Sender:
    """A sender with no pace to speak of."""
    return Sender(store, bot, clock=clock, pacer=Pacer(1000.0))


async def queue(store: Store, *chat_ids: int, kind: str = "broadcast", ref: str = "1") -> int:
    """Queue one plain message per chat."""
    return await enqueue(
        store, kind, ref, [(c, f"Hello <b>{c}</b>", None) for c in chat_ids], now=NOW
    )


async def test_a_timed_out_send_is_uncertain_and_not_repeated(
    store: Store, sender: Sender, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    await queue(store, 1)
    emulator.set_delay(1.0, "sendMessage")

    report = await sender.drain()
    clock.now += timedelta(hours=1)
    again = await sender.drain()

    assert (report.uncertain, report.sent, again.sent, again.uncertain) == (1, 0, 0, 0)
    assert len(emulator.calls("sendMessage")) == 1
    message = await store.outbox.get("broadcast", "1", 1)
    assert message is not None
    assert message.state is OutboxState.UNCERTAIN


@pytest.mark.parametrize("fault", [502, "drop"])
async def test_a_network_error_is_retried_after_a_backoff(
    store: Store,
    sender: Sender,
    emulator: BotApiEmulator,
    clock: FakeClock,
    fault: int | str,
) -> None:
    await queue(store, 1)
    emulator.fail_next("sendMessage", status=fault)  # type: ignore[arg-type]

    failed = await sender.drain()
    too_soon = await sender.drain()
    clock.now += timedelta(seconds=2)
    retried = await sender.drain()

    assert (failed.retrying, too_soon.sent, retried.sent) == (1, 0, 1)
    assert [m.chat_id for m in emulator.sent()] == [1]
    assert (await store.outbox.report("broadcast", "1")).sent == 1


async def test_network_errors_past_the_last_try_fail_the_message(
    store: Store, sender: Sender, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    await queue(store, 1, 2)
    emulator.fail_next("sendMessage", status=502, chat_id=1, count=MAX_ATTEMPTS)

    for _ in range(MAX_ATTEMPTS):
        await sender.drain()
        clock.now += timedelta(minutes=5)

    report = await store.outbox.report("broadcast", "1")
    assert (report.sent, report.failed, report.pending) == (1, 1, 0)
    assert len([c for c in emulator.calls("sendMessage") if c.params["chat_id"] == 1]) == 5
    assert not emulator.sent(1)


async def test_a_message_telegram_refuses_fails_without_retrying(
    store: Store, sender: Sender, emulator: BotApiEmulator
) -> None:
    await enqueue(store, "broadcast", "2", [(1, "<b>unclosed", None), (2, "fine", None)], now=NOW)

    report = await sender.drain()

    assert (report.failed, report.sent) == (1, 1)
    message = await store.outbox.get("broadcast", "2", 1)
    assert message is not None
    assert message.state is OutboxState.FAILED
    assert len(emulator.calls("sendMessage")) == 2


async def test_enqueue_sends_a_fan_out_once_with_its_buttons(
    store: Store, sender: Sender, emulator: BotApiEmulator
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Open", callback_data="art:7")]])
    fan_out = [(chat_id, "<b>Big news</b>", markup) for chat_id in (1, 2, 3)]

    first = await enqueue(store, "publish", "7", fan_out, now=NOW)
    again = await enqueue(store, "publish", "7", fan_out, now=NOW)
    report = await sender.drain()
    await enqueue(store, "publish", "7", fan_out, now=NOW)
    after = await sender.drain()

    assert (first, again, report.sent, after.sent) == (3, 0, 3, 0)
    assert sorted(m.chat_id for m in emulator.sent()) == [1, 2, 3]
    assert all(m.callback_data == ["art:7"] for m in emulator.sent())
    assert all(m.plain == "Big news" for m in emulator.sent())
    assert (await store.outbox.report("publish", "7")).sent == 3


async def test_only_one_sender_per_database(
    backend_location: Path | str,
    emulator: BotApiEmulator,
    store: Store,
    request: pytest.FixtureRequest,
) -> None:
    if isinstance(backend_location, Path):
        settings = Settings(token=TEST_TOKEN, api_url=emulator.api_url, database=backend_location)
    else:
        settings = Settings(
            token=TEST_TOKEN, api_url=emulator.api_url, database_url=backend_location
        )
    # The file beside a SQLite database, an advisory lock on PostgreSQL.
    held = store.runner_lock("sender")
    assert await held.acquire()
    refused = store.runner_lock("sender")
    try:
        assert not await refused.acquire()
        composed, sent = await send_due(settings, clock=lambda: NOW)
    finally:
        await refused.release()
        await held.release()
    assert sent is None
    assert composed.due == 0
    again = store.runner_lock("sender")
    assert await again.acquire()
    await again.release()


class WatchedRequest(HTTPXRequest):
    """The sender's HTTP client, noting what the outbox holds in flight at every sendMessage."""

    def __init__(self, store: Store) -> None:
        super().__init__(connection_pool_size=LANES + 1)
        self.store = store
        self.on_wire = self.most_on_wire = 0
        self.marked_at_calls: list[int] = []  # messages marked in flight as each call starts

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Count the call while it is on the wire."""
        if not url.endswith("/sendMessage"):
            return await super().do_request(url, method, *args, **kwargs)
        self.marked_at_calls.append((await self.store.outbox.report()).sending)
        self.on_wire += 1
        self.most_on_wire = max(self.most_on_wire, self.on_wire)
        try:
            return await super().do_request(url, method, *args, **kwargs)
        finally:
            self.on_wire -= 1


async def test_lanes_keep_messages_on_the_wire_together_each_marked_before_its_call(
    store: Store, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    chats = range(1, 3 * LANES + 1)
    await queue(store, *chats)
    emulator.set_delay(0.1, "sendMessage")  # a slow Bot API: lanes are what keeps the pace
    request = WatchedRequest(store)
    async with Bot(TEST_TOKEN, base_url=emulator.base_url, request=request) as watched:
        report = await Sender(store, watched, clock=clock, pacer=Pacer.unlimited()).drain()

    assert report.sent == len(chats)
    assert sorted(m.chat_id for m in emulator.sent()) == list(chats)
    assert (await store.outbox.report("broadcast", "1")).sent == len(chats)
    assert request.most_on_wire == LANES  # no lane idles while the Bot API answers
    assert report.most_in_flight == LANES
    assert all(1 <= marked <= LANES for marked in request.marked_at_calls)


async def test_two_messages_to_one_chat_never_overlap_and_keep_telegrams_gap(
    store: Store, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    await queue(store, 1, 2, ref="1")
    await queue(store, 1, 3, ref="2")
    emulator.set_delay(0.05, "sendMessage")
    emulator.enable_rate_limit(per_chat=(1, 1.0))
    async with Bot(TEST_TOKEN, base_url=emulator.base_url) as fast:
        report = await Sender(store, fast, clock=clock, pacer=Pacer.unlimited()).drain()

    assert (report.sent, emulator.rate_limited) == (4, 0)
    assert [m.plain for m in emulator.sent(1)] == ["Hello 1", "Hello 1"]
    assert sorted(m.chat_id for m in emulator.sent()) == [1, 1, 2, 3]


async def test_a_group_gets_no_more_than_its_share_a_minute(
    store: Store, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    group = -100123
    for ref in range(1, 6):  # five fan-outs reach one group
        await queue(store, group, 7, ref=str(ref))
    # Telegram's 1 a second and 20 a minute, scaled down so that the test takes a second.
    emulator.enable_rate_limit(per_chat=(1, 0.1), group=(3, 1.0))
    spacing = ChatSpacing(gap=0.1, group_limit=(3, 1.0))
    async with Bot(TEST_TOKEN, base_url=emulator.base_url) as fast:
        sender = Sender(store, fast, clock=clock, pacer=Pacer.unlimited(), spacing=spacing)
        report = await sender.drain()

    assert (report.sent, emulator.rate_limited) == (10, 0)
    assert len(emulator.sent(group)) == 5
    assert (await store.outbox.report()).sent == 10
