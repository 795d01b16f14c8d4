"""The hourly tidy on a real store: old messages and digest records go in small batches."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.delivery.kinds import OutboxKind
from bot.delivery.service import KEEP_DIGESTS, KEEP_MESSAGES, tidy
from storage import Store
from storage.database import Dialect, Params, Row
from storage.outbox import OutboxReport, OutboxState, Outgoing
from storage.subscribers import DigestRecord

NOW = datetime(2026, 2, 7, 12, 0, tzinfo=UTC)
OLD = NOW - KEEP_MESSAGES - timedelta(hours=1)


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


class Statements:
    """The statements a store runs through its Database from now on (any backend), in order."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: list[str] = []
        writes, reads = store.db.execute, store.db.fetch_all

        async def execute(sql: str, params: Params = ()) -> int:
            self.seen.append(sql)
            return await writes(sql, params)

        async def fetch_all(sql: str, params: Params = ()) -> Sequence[Row]:
            self.seen.append(sql)
            return await reads(sql, params)

        monkeypatch.setattr(store.db, "execute", execute)
        monkeypatch.setattr(store.db, "fetch_all", fetch_all)

    def starting(self, prefix: str) -> list[str]:
        """Those that start with ``prefix``."""
        return [sql for sql in self.seen if sql.lstrip().startswith(prefix)]


async def queue(store: Store, ref: str, chats: range, at: datetime, state: OutboxState) -> None:
    """Queue messages to ``chats`` at ``at`` and take each to ``state``."""
    await store.outbox.add(OutboxKind.BROADCAST, ref, [Outgoing(c, "text") for c in chats], at)
    for chat in chats:
        message = await store.outbox.get(OutboxKind.BROADCAST, ref, chat)
        assert message is not None
        if state is OutboxState.PENDING:
            continue
        await store.outbox.claim(message.id)
        if state is OutboxState.SENT:
            await store.outbox.mark_sent(message.id, 1, at)
        elif state is not OutboxState.SENDING:
            await store.outbox.give_up(message.id, state, "as the test says")


async def test_old_settled_messages_go_a_batch_at_a_time(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await queue(store, "old sent", range(1, 8), OLD, OutboxState.SENT)
    await queue(store, "old failed", range(1, 3), OLD, OutboxState.FAILED)
    await queue(store, "old pending", range(1, 3), OLD, OutboxState.PENDING)
    await queue(store, "old in flight", range(1, 2), OLD, OutboxState.SENDING)
    await queue(store, "recent", range(1, 4), NOW - timedelta(days=1), OutboxState.SENT)
    statements = Statements(store, monkeypatch)

    assert await store.outbox.prune(NOW - KEEP_MESSAGES, batch=2) == 9

    deletes = statements.starting("DELETE FROM outbox")
    assert len(deletes) == 5  # 2 + 2 + 2 + 2 + 1: never more than a batch per statement
    assert await store.outbox.report(OutboxKind.BROADCAST, "old sent") == OutboxReport()
    assert await store.outbox.report(OutboxKind.BROADCAST, "old failed") == OutboxReport()
    assert await store.outbox.report(OutboxKind.BROADCAST, "old pending") == OutboxReport(
        pending=2
    )
    assert await store.outbox.report(OutboxKind.BROADCAST, "old in flight") == OutboxReport(
        sending=1
    )
    assert await store.outbox.report(OutboxKind.BROADCAST, "recent") == OutboxReport(sent=3)
    # What was sent in the week kept is still counted; the older counts went with their rows.
    assert await store.outbox.sent_since(OutboxKind.BROADCAST, OLD - timedelta(days=1)) == 3


async def test_old_digest_records_go_a_batch_at_a_time(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for chat_id in range(1, 6):
        await store.subscribers.subscribe(chat_id, chat_id, time(9), "Asia/Almaty", NOW, 0)
    old_day, kept_day = (NOW - KEEP_DIGESTS - timedelta(days=1)).date(), NOW.date()
    await store.subscribers.record_digests(
        [DigestRecord(c, old_day, 0, 1) for c in range(1, 6)]
        + [DigestRecord(c, kept_day, 0, 1) for c in (1, 2)]
    )
    statements = Statements(store, monkeypatch)

    assert await store.subscribers.forget_digests((NOW - KEEP_DIGESTS).date(), batch=2) == 5

    assert len(statements.starting("DELETE FROM digests")) == 3
    assert await store.subscribers.digests_on(old_day) == 0
    assert await store.subscribers.digests_on(kept_day) == 2


async def test_readers_get_the_connection_between_the_batches(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await queue(store, "old sent", range(1, 21), OLD, OutboxState.SENT)
    statements = Statements(store, monkeypatch)
    pruning = asyncio.create_task(store.outbox.prune(NOW - KEEP_MESSAGES, batch=4))
    while not pruning.done():
        await store.articles.count()  # a reader's query, over and over

    assert await pruning == 20
    order = [
        "batch" if sql.startswith("DELETE FROM outbox") else "reader"
        for sql in statements.seen
        if sql.startswith(("DELETE FROM outbox", "SELECT value FROM counts"))
    ]
    batches = [i for i, what in enumerate(order) if what == "batch"]
    assert len(batches) == 6
    if store.db.dialect is Dialect.SQLITE:
        # After each batch but the last, a reader's query ran before the next batch: the one
        # connection takes statements in turn.
        assert all("reader" in order[a:b] for a, b in itertools.pairwise(batches))
    else:
        # Readers take other pooled connections, so nothing is held from them; a reader's query
        # may span several batches on a loaded machine, but readers ran while it pruned.
        assert "reader" in order[batches[0] : batches[-1]]


async def test_the_tidy_forgets_both_and_keeps_the_week(store: Store) -> None:
    await queue(store, "old", range(1, 4), OLD, OutboxState.SENT)
    await queue(store, "recent", range(1, 3), NOW - timedelta(days=6), OutboxState.SENT)
    await store.subscribers.subscribe(1, 1, time(9), "Asia/Almaty", NOW, 0)
    await store.subscribers.record_digests([DigestRecord(1, date(2025, 12, 1), 0, 1)])

    await tidy(store, NOW)

    assert await store.outbox.report() == OutboxReport(sent=2)
    assert await store.subscribers.last_digest(1) is None


async def test_the_shared_connection_leaves_checkpoints_to_another_meanwhile(store: Store) -> None:
    if store.db.dialect is not Dialect.SQLITE:
        pytest.skip("WAL checkpoints are SQLite's (PostgreSQL's tidy: the next test)")
    await queue(store, "old sent", range(1, 6), OLD, OutboxState.SENT)
    statements: list[str] = []
    await store.db.connection.set_trace_callback(statements.append)

    assert await store.outbox.prune(NOW - KEEP_MESSAGES, batch=2) == 5

    pragmas = [s for s in statements if s.startswith("PRAGMA wal_autocheckpoint =")]
    assert pragmas == ["PRAGMA wal_autocheckpoint = 0", "PRAGMA wal_autocheckpoint = 1000"]
    first, last = (statements.index(p) for p in pragmas)
    assert [s for s in statements[first:last] if s.startswith("DELETE FROM outbox")]
    assert not [s for s in statements if "wal_checkpoint" in s]  # done on another connection
    [[busy, log, checkpointed]] = await store.db.fetch_all("PRAGMA wal_checkpoint(PASSIVE)")
    assert (busy, log - checkpointed) == (0, 0)


async def test_on_postgresql_the_tidy_runs_its_batches_and_nothing_of_sqlites(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    if store.db.dialect is not Dialect.POSTGRES:
        pytest.skip("SQLite's checkpoints: the test before")
    await queue(store, "old sent", range(1, 6), OLD, OutboxState.SENT)
    await store.subscribers.subscribe(1, 1, time(9), "Asia/Almaty", NOW, 0)
    await store.subscribers.record_digests([DigestRecord(1, date(2025, 12, 1), 0, 1)])
    statements = Statements(store, monkeypatch)

    assert await store.outbox.prune(NOW - KEEP_MESSAGES, batch=2) == 5
    assert await store.subscribers.forget_digests((NOW - KEEP_DIGESTS).date(), batch=2) == 1

    assert [sql.split(" WHERE")[0] for sql in statements.seen] == [
        *["DELETE FROM outbox"] * 3,
        "DELETE FROM sent_counts",
        "DELETE FROM digests",
    ]
