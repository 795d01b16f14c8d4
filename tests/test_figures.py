"""The /stats figures on SQLite and PostgreSQL: kept counts that follow every change, and old
databases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.delivery.kinds import OutboxKind
from bot.newsroom.figures import gather
from storage import Store
from storage.database import bundled_migrations, connect, migrate
from storage.models import NewArticle
from storage.outbox import Outgoing

MIDNIGHT = datetime(2026, 2, 6, 18, 0, tzinfo=UTC)  # 00:00 in Almaty (UTC+6) on 7 February
DUE = MIDNIGHT + timedelta(hours=5)


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


async def add_articles(store: Store, count: int, prefix: str = "Story") -> list[int]:
    """Store ``count`` articles; their ids."""
    ids = []
    for number in range(count):
        article = NewArticle(f"{prefix} number {number}", f"About {prefix} {number}.", "test")
        ids.append((await store.articles.add(article))[0])
    return ids


async def subscribe(store: Store, chat_id: int) -> None:
    """Subscribe a chat at 09:00 Almaty."""
    await store.subscribers.subscribe(chat_id, chat_id, time(9), "Asia/Almaty", DUE, 0)


async def sent(store: Store, kind: str, ref: str, chats: list[int], at: datetime) -> None:
    """Queue messages to ``chats`` and have Telegram accept each at ``at``."""
    await store.outbox.add(kind, ref, [Outgoing(chat, "text") for chat in chats], at)
    for chat in chats:
        message = await store.outbox.get(kind, ref, chat)
        assert message is not None
        assert await store.outbox.claim(message.id)
        await store.outbox.mark_sent(message.id, 1, at)


async def test_counts_follow_articles_and_subscribers_as_they_come_and_go(store: Store) -> None:
    ids = await add_articles(store, 5)
    await store.articles.delete(ids[1])
    for chat_id in (1, 2, 3, 4):
        await subscribe(store, chat_id)
    await store.subscribers.deactivate(2, "unsubscribed")
    await store.subscribers.deactivate(3, "blocked")
    await subscribe(store, 3)  # back again
    await subscribe(store, 4)  # only a new time: still one subscriber

    figures = await gather(store, MIDNIGHT, digest_kind=OutboxKind.DIGEST)

    assert figures.articles == 4
    assert (figures.subscribers_active, figures.subscribers_inactive) == (3, 1)


async def test_digests_today_count_from_the_local_midnight_and_by_kind(store: Store) -> None:
    await sent(store, OutboxKind.DIGEST, "2026-02-06", [1, 2], MIDNIGHT - timedelta(seconds=1))
    await sent(store, OutboxKind.DIGEST, "2026-02-07", [1, 2, 3], MIDNIGHT)
    await sent(store, OutboxKind.DIGEST, "2026-02-07b", [4], DUE)
    await sent(store, OutboxKind.BROADCAST, "1", [1, 2], DUE)
    await store.outbox.add(OutboxKind.DIGEST, "2026-02-07", [Outgoing(9, "queued")], DUE)

    figures = await gather(store, MIDNIGHT, digest_kind=OutboxKind.DIGEST)

    assert figures.digests_today == 4
    assert await store.outbox.sent_since(OutboxKind.BROADCAST, MIDNIGHT) == 2


async def test_the_count_after_a_watermark_is_right_from_either_end(store: Store) -> None:
    ids = await add_articles(store, 12)
    await store.articles.delete(ids[2])
    await store.articles.delete(ids[10])

    # From the start (a preview for a chat that never subscribed), and near the newest.
    assert await store.articles.count_newer_than(0) == 10
    assert await store.articles.count_newer_than(0, exclude={ids[0], ids[2], 999}) == 9
    assert await store.articles.count_newer_than(ids[1]) == 8
    assert await store.articles.count_newer_than(ids[8], exclude={ids[11]}) == 1
    assert await store.articles.count_newer_than(ids[11]) == 0


async def test_an_older_database_gets_its_counts_from_the_rows_it_has(tmp_path: Path) -> None:
    """SQLite's alone: its schema had no kept counts before 0016 (PostgreSQL's 0001 has them)."""
    path = tmp_path / "old.db"
    connection = await connect(path)
    before_counts = [m for m in bundled_migrations() if m.name < "0016"]
    await migrate(connection, before_counts)
    await connection.executescript(
        """
        INSERT INTO articles (title, body, source, fingerprint) VALUES
            ('One', 'x', 'test', 'a'), ('Two', 'x', 'test', 'b'), ('Three', 'x', 'test', 'c');
        INSERT INTO subscribers (chat_id, digest_time, timezone, active) VALUES
            (1, '09:00', 'Asia/Almaty', 1), (2, '09:00', 'Asia/Almaty', 0);
        INSERT INTO outbox (kind, ref, chat_id, text, state, not_before, sent_at) VALUES
            ('digest', 'd', 1, 't', 'sent', '2026-02-06T19:00:00Z', '2026-02-06T19:00:05Z'),
            ('digest', 'd', 2, 't', 'sent', '2026-02-06T17:00:00Z', '2026-02-06T17:59:59Z'),
            ('digest', 'e', 1, 't', 'failed', '2026-02-06T19:00:00Z', NULL);
        """
    )
    await connection.close()

    store = await Store.open(path)
    try:
        figures = await gather(store, MIDNIGHT, digest_kind=OutboxKind.DIGEST)
        assert figures.articles == 3
        assert (figures.subscribers_active, figures.subscribers_inactive) == (1, 1)
        assert figures.digests_today == 1
    finally:
        await store.close()


async def fill(store: Store, rows: int) -> None:
    """``rows`` articles, subscribers (a tenth inactive) and digests sent the day before."""
    async with store.transaction():
        await store.db.execute_many(
            "INSERT INTO articles (title, body, source, fingerprint) VALUES (?, 'x', 'test', ?)",
            [(f"Story {n}", f"f{n}") for n in range(rows)],
        )
        await store.db.execute_many(
            "INSERT INTO subscribers (chat_id, digest_time, timezone, active) "
            "VALUES (?, '09:00', 'Asia/Almaty', ?)",
            [(n, int(n % 10 != 0)) for n in range(1, rows + 1)],
        )
        await store.db.execute_many(
            "INSERT INTO outbox (kind, ref, chat_id, text, state, not_before, sent_at) "
            "VALUES ('digest', 'yesterday', ?, 'digest', 'sent', ?, ?)",
            [(n, "2026-02-06T03:00:00Z", "2026-02-06T03:00:01Z") for n in range(1, rows + 1)],
        )


async def vm_steps(store: Store, call: Callable[[], Awaitable[object]]) -> int:
    """SQLite virtual machine steps (in hundreds) that ``call`` takes: the work it does."""
    steps = 0

    def step() -> int:
        nonlocal steps
        steps += 1
        return 0

    await store.db.connection.set_progress_handler(step, 100)
    try:
        await call()
    finally:
        await store.db.connection.set_progress_handler(None, 100)
    return steps


@pytest.mark.parametrize("rows", [5_000])
async def test_the_figures_take_no_more_work_with_a_hundred_times_the_rows(
    tmp_path: Path, rows: int
) -> None:
    """SQLite's alone: the work is counted in its virtual machine's steps."""
    work = []
    for size in (rows // 100, rows):
        store = await Store.open(tmp_path / f"{size}.db")
        try:
            await fill(store, size)

            async def figures(store: Store = store) -> None:
                await gather(store, MIDNIGHT, digest_kind=OutboxKind.DIGEST)
                await store.articles.count_newer_than(0, exclude={3})  # /digest, not subscribed

            work.append(await vm_steps(store, figures))
        finally:
            await store.close()

    small, large = work
    assert large <= small + 5, work
