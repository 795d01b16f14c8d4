"""Two workers on one database at once (replicas, issue 17): each queued message is claimed by one
sender, each due subscriber picked by one composer."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.delivery.digests import compose_due
from bot.delivery.kinds import OutboxKind
from storage import Store
from storage.database import Dialect
from storage.models import NewArticle
from storage.outbox import OutboxState, Outgoing

NOW = datetime(2026, 2, 7, 3, 0, tzinfo=UTC)
MESSAGES = 300
SUBSCRIBERS = 60


@pytest.fixture
async def two_stores(backend_location: Path | str) -> AsyncIterator[tuple[Store, Store]]:
    """Two Stores (two processes' worth of connections) on one database, on each backend."""
    first = await Store.open(backend_location)
    second = await Store.open(backend_location)
    yield first, second
    await second.close()
    await first.close()


async def subscribe_due(store: Store, count: int) -> list[int]:
    """``count`` subscribers whose digest was due a minute ago; their chat ids."""
    chats = list(range(1, count + 1))
    for chat_id in chats:
        await store.subscribers.subscribe(
            chat_id, chat_id, time(9), "Asia/Bishkek", NOW - timedelta(minutes=1), 0
        )
    return chats


async def drain(
    store: Store, start: asyncio.Barrier, *, newest_first: bool = False
) -> tuple[list[int], int]:
    """A sender's claims: (ids it claimed, claims refused) until nothing is ready; each batch
    read is claimed in order, or from its end (``newest_first``). The race starts once every
    sender has its connection ready (``start``)."""
    await store.outbox.ready(NOW, 1)
    await start.wait()
    claimed: list[int] = []
    refused = 0
    while ready := await store.outbox.ready(NOW, 20):
        for message in reversed(ready) if newest_first else ready:
            if await store.outbox.claim(message.id):
                claimed.append(message.id)
            else:
                refused += 1
    return claimed, refused


async def test_two_senders_claim_every_message_once(two_stores: tuple[Store, Store]) -> None:
    first, second = two_stores
    chats = range(1, MESSAGES + 1)
    await first.outbox.add(OutboxKind.BROADCAST, "1", [Outgoing(c, "text") for c in chats], NOW)
    start = asyncio.Barrier(2)
    # From the two ends of each batch both read, so that each wins some whichever is quicker
    # (claiming in one order, the quicker one could win every race on a loaded machine).
    both = asyncio.gather(drain(first, start), drain(second, start, newest_first=True))
    (ours, ours_refused), (theirs, theirs_refused) = await both

    claims = Counter(ours + theirs)
    assert len(claims) == MESSAGES  # every message claimed…
    assert set(claims.values()) == {1}  # …by one sender only
    # They raced for the same rows (both read the same oldest pending ones).
    assert ours_refused + theirs_refused > 0
    if first.db.dialect is Dialect.POSTGRES:
        # Side by side, both won some. (SQLite's writers take turns, and its busy handler may
        # leave one waiting until the other has claimed everything.)
        assert ours
        assert theirs
    report = await second.outbox.report(OutboxKind.BROADCAST, "1")
    assert (report.sending, report.pending) == (MESSAGES, 0)
    attempts = {m.attempts for c in chats if (m := await first.outbox.get("broadcast", "1", c))}
    assert attempts == {1}


async def test_a_message_being_claimed_elsewhere_is_passed_over_at_once(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    if first.db.dialect is Dialect.SQLITE:
        pytest.skip("a row locked by an open transaction is PostgreSQL's: SQLite's take turns")
    await first.outbox.add(OutboxKind.BROADCAST, "1", [Outgoing(1, "a"), Outgoing(2, "b")], NOW)
    one, two = await first.outbox.ready(NOW, 2)

    class Abandon(Exception):
        """Roll the first sender's claim back."""

    async def claim_and_abandon() -> tuple[bool, bool, bool]:
        async with first.transaction():
            ours = await first.outbox.claim(one.id)  # claimed, not committed yet
            async with asyncio.timeout(2):  # SKIP LOCKED: no wait for the first one's commit
                theirs = await second.outbox.claim(one.id), await second.outbox.claim(two.id)
            raise Abandon(ours, *theirs)

    with pytest.raises(Abandon) as abandoned:
        await claim_and_abandon()
    # Ours claimed the first; the other sender passed over it and took the second.
    assert abandoned.value.args == (True, False, True)

    # The first sender's claim was rolled back: the message is there to claim again.
    assert await second.outbox.claim(one.id)
    taken = await first.outbox.get(OutboxKind.BROADCAST, "1", 1)
    assert taken is not None
    assert (taken.state, taken.attempts) == (OutboxState.SENDING, 1)


async def test_a_due_subscriber_is_picked_by_one_composer(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    chats = await subscribe_due(first, SUBSCRIBERS)
    later = NOW + timedelta(days=1)
    picked_first = asyncio.Event()
    release = asyncio.Event()
    second_done_while_held = False

    async def compose(store: Store, limit: int, hold: asyncio.Event | None) -> list[int]:
        """A composer's transaction: pick the due ones, (wait), move their schedule on."""
        async with store.transaction():
            picked = [s.chat_id for s in await store.subscribers.due(NOW, limit)]
            if hold is not None:
                picked_first.set()
                await hold.wait()
            await store.subscribers.reschedule([(chat_id, later) for chat_id in picked])
        return picked

    async def second_composer() -> list[int]:
        nonlocal second_done_while_held
        await picked_first.wait()
        picked = await compose(second, SUBSCRIBERS, None)
        second_done_while_held = not release.is_set()
        return picked

    async def let_go() -> None:
        await picked_first.wait()
        await asyncio.sleep(0.3)
        release.set()

    ours, theirs, _ = await asyncio.gather(
        compose(first, 10, release), second_composer(), let_go()
    )

    assert len(ours) == 10
    assert not set(ours) & set(theirs)
    assert sorted(ours + theirs) == chats
    assert await first.subscribers.due(NOW, SUBSCRIBERS) == []
    # PostgreSQL's second composer passed over the locked rows at once; SQLite's waited its turn.
    assert second_done_while_held is (first.db.dialect is Dialect.POSTGRES)


async def test_two_composers_at_once_queue_one_digest_per_chat(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    await first.articles.add(NewArticle("Festival opens", "Body.", "test"))
    chats = await subscribe_due(first, SUBSCRIBERS)

    reports = await asyncio.gather(
        compose_due(first, NOW, batch=7), compose_due(second, NOW, batch=7)
    )

    assert sum(r.due for r in reports) == SUBSCRIBERS  # each picked once, by one of the two
    assert sum(r.queued for r in reports) == SUBSCRIBERS
    assert all(r.repeated == 0 for r in reports)
    assert (await first.outbox.report(OutboxKind.DIGEST)).pending == SUBSCRIBERS
    day = NOW.date().isoformat()
    for chat_id in chats:
        assert await second.outbox.get(OutboxKind.DIGEST, day, chat_id) is not None
    assert await second.subscribers.digests_on(NOW.date()) == SUBSCRIBERS
