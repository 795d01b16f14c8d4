"""A group that became a supergroup (Telegram's migrate_to_chat_id), on SQLite and PostgreSQL:
everything moves to the new id, and what the new id already has wins."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.delivery.kinds import OutboxKind
from storage import Store
from storage.filters import Facet, Words
from storage.models import Festival, NewFestival
from storage.outbox import OutboxState, Outgoing
from storage.reminders import Stage
from storage.subscribers import DigestRecord

OLD, NEW = -42, -10042
NOW = datetime(2026, 2, 7, 3, tzinfo=UTC)
DAY, LATER = date(2026, 2, 6), date(2026, 2, 7)


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


async def festivals(store: Store) -> tuple[Festival, Festival]:
    """Two festivals to be reminded of and to follow."""
    first, _ = await store.festivals.upsert(NewFestival("Didor", starts_on=date(2026, 9, 10)))
    second, _ = await store.festivals.upsert(NewFestival("Kinoshok", starts_on=date(2026, 9, 20)))
    return first, second


async def test_everything_of_the_old_chat_moves_to_the_new_one(store: Store) -> None:
    didor, kinoshok = await festivals(store)
    await store.subscribers.subscribe(OLD, 1, time(9), "Asia/Bishkek", NOW, 5, thread_id=3)
    await store.subscribers.record_digests([DigestRecord(OLD, DAY, 7, 2)])
    await store.languages.set(OLD, "ru")
    await store.filters.toggle(OLD, Facet.TOPICS, 4)
    await store.filters.set_words(OLD, Words.INCLUDE, ["drama"])
    await store.filters.follow(OLD, didor.id, on=True)
    await store.reminders.add(OLD, kinoshok.id, {Stage.WEEK: date(2026, 9, 20)})
    await store.outbox.add(OutboxKind.DIGEST, "a", [Outgoing(OLD, "queued")], NOW)
    await store.outbox.add(OutboxKind.DIGEST, "b", [Outgoing(OLD, "was sent")], NOW)
    sent = await store.outbox.get(OutboxKind.DIGEST, "b", OLD)
    assert sent is not None
    await store.outbox.claim(sent.id)
    await store.outbox.mark_sent(sent.id, 99, NOW)

    assert await store.chats.move(OLD, NEW)

    assert await store.subscribers.find(OLD) is None
    moved = await store.subscribers.get(NEW)
    assert (moved.digest_time, moved.last_article_id, moved.thread_id) == (time(9), 7, None)
    assert await store.subscribers.last_digest(NEW) == DigestRecord(NEW, DAY, 7, 2)
    assert await store.subscribers.last_digest(OLD) is None
    assert await store.languages.get(NEW) == "ru"
    assert await store.languages.get(OLD) is None
    chosen = await store.filters.get(NEW)
    assert (chosen.topics, chosen.include, chosen.festivals) == (4, ("drama",), {didor.id})
    assert (await store.filters.get(OLD)).everything
    assert await store.reminders.festival_ids(NEW) == [kinoshok.id]
    assert await store.reminders.festival_ids(OLD) == []
    queued = await store.outbox.get(OutboxKind.DIGEST, "a", NEW)
    assert queued is not None
    assert queued.text == "queued"
    # A settled message stays where it was sent.
    assert await store.outbox.get(OutboxKind.DIGEST, "b", OLD) is not None
    assert await store.outbox.get(OutboxKind.DIGEST, "b", NEW) is None
    assert not await store.chats.move(OLD, NEW)  # the second notice finds nothing


async def test_what_the_new_chat_already_has_wins(store: Store) -> None:
    didor, kinoshok = await festivals(store)
    for chat, hour in ((OLD, 9), (NEW, 18)):
        await store.subscribers.subscribe(chat, 1, time(hour), "Asia/Bishkek", NOW, 0)
    await store.subscribers.record_digests(
        [
            DigestRecord(OLD, DAY, 3, 1),
            DigestRecord(OLD, LATER, 4, 1),
            DigestRecord(NEW, DAY, 30, 9),
        ]
    )
    await store.languages.set(OLD, "ru")
    await store.languages.set(NEW, "ky")
    await store.filters.toggle(OLD, Facet.TOPICS, 4)
    await store.filters.toggle(NEW, Facet.COUNTRIES, 1)
    for chat in (OLD, NEW):
        await store.filters.follow(chat, didor.id, on=True)
        await store.reminders.add(chat, didor.id, {})
    await store.filters.follow(OLD, kinoshok.id, on=True)
    await store.reminders.add(OLD, kinoshok.id, {})
    await store.outbox.add(OutboxKind.DIGEST, "a", [Outgoing(OLD, "old's")], NOW)
    await store.outbox.add(OutboxKind.DIGEST, "a", [Outgoing(NEW, "new's")], NOW)
    await store.outbox.add(OutboxKind.DIGEST, "c", [Outgoing(OLD, "only old's")], NOW)

    assert not await store.chats.move(OLD, NEW)  # the new chat had its own subscription

    assert (await store.subscribers.get(NEW)).digest_time == time(18)
    assert await store.subscribers.find(OLD) is None
    assert await store.subscribers.digested([(NEW, DAY), (NEW, LATER)]) == {
        (NEW, DAY),
        (NEW, LATER),
    }
    assert await store.subscribers.last_digest(NEW) == DigestRecord(NEW, LATER, 4, 1)
    assert await store.subscribers.digests_on(DAY) == 1  # the new chat's own, kept
    assert await store.languages.get(NEW) == "ky"
    chosen = await store.filters.get(NEW)
    assert (chosen.countries, chosen.topics) == (1, 0)
    assert chosen.festivals == {didor.id, kinoshok.id}
    assert await store.reminders.festival_ids(NEW) == [didor.id, kinoshok.id]
    texts = {m.ref: m.text for m in await store.outbox.ready(NOW, 10) if m.chat_id == NEW}
    assert texts == {"a": "new's", "c": "only old's"}
    assert await store.outbox.get(OutboxKind.DIGEST, "a", OLD) is not None  # left behind


async def test_a_message_in_flight_follows_its_chat_unless_one_is_queued_there(
    store: Store,
) -> None:
    await store.outbox.add(OutboxKind.BROADCAST, "1", [Outgoing(OLD, "x")], NOW)
    await store.outbox.add(
        OutboxKind.BROADCAST, "2", [Outgoing(OLD, "y"), Outgoing(NEW, "y")], NOW
    )
    one, two = [await store.outbox.get(OutboxKind.BROADCAST, ref, OLD) for ref in ("1", "2")]
    assert one is not None
    assert two is not None
    for message in (one, two):
        assert await store.outbox.claim(message.id)

    await store.outbox.redirect(one.id, NEW)
    await store.outbox.redirect(two.id, NEW)

    redirected = await store.outbox.get(OutboxKind.BROADCAST, "1", NEW)
    assert redirected is not None
    assert (redirected.id, redirected.state) == (one.id, OutboxState.PENDING)
    left = await store.outbox.get(OutboxKind.BROADCAST, "2", OLD)
    assert left is not None
    assert left.state is OutboxState.FAILED  # the new chat gets its own copy instead
    kept = await store.outbox.get(OutboxKind.BROADCAST, "2", NEW)
    assert kept is not None
    assert kept.state is OutboxState.PENDING


async def test_only_the_filters_that_leave_something_out_narrow(store: Store) -> None:
    didor, _ = await festivals(store)
    await store.filters.toggle(1, Facet.COUNTRIES, 2)
    await store.filters.toggle(2, Facet.TOPICS, 8)
    await store.filters.set_words(3, Words.EXCLUDE, ["horror"])
    await store.filters.toggle(4, Facet.TOPICS, 8)
    await store.filters.toggle(4, Facet.TOPICS, 8)  # ticked and unticked: everything again
    await store.filters.follow(5, didor.id, on=True)  # follows alone narrow nothing

    assert sorted(await store.filters.narrowing()) == [1, 2, 3]
    assert (await store.filters.toggle(1, Facet.COUNTRIES, 4)).countries == 6
