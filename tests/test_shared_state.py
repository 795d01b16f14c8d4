"""The state every replica shares through the store: conversations and readers' reply counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import Store
from storage.conversations import EXPIRY, KEPT, ConversationKey

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
KEY = ConversationKey(chat_id=42, user_id=42, name="addfestival")


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


async def test_a_conversation_moves_step_by_step_and_ends(store: Store) -> None:
    await store.conversations.start(KEY, "name", NOW)
    started = await store.conversations.get(KEY, NOW)
    assert started is not None
    assert (started.state, dict(started.draft)) == ("name", {})

    assert await store.conversations.advance(KEY, "name", "city", {"name": "Дидор фест"}, NOW)
    moved = await store.conversations.get(KEY, NOW)
    assert moved is not None
    assert (moved.state, dict(moved.draft)) == ("city", {"name": "Дидор фест"})

    assert await store.conversations.end(KEY, "city")
    assert await store.conversations.get(KEY, NOW) is None
    assert not await store.conversations.end(KEY)


async def test_an_answer_taken_by_another_replica_is_not_taken_twice(store: Store) -> None:
    await store.conversations.start(KEY, "name", NOW)
    assert await store.conversations.advance(KEY, "name", "city", {"name": "A"}, NOW)
    # The second answer to the same question (another replica, at the same time) finds the
    # step moved, and changes nothing.
    assert not await store.conversations.advance(KEY, "name", "city", {"name": "B"}, NOW)
    assert not await store.conversations.end(KEY, "name")
    kept = await store.conversations.get(KEY, NOW)
    assert kept is not None
    assert dict(kept.draft) == {"name": "A"}


async def test_conversations_are_kept_apart_by_chat_user_and_name(store: Store) -> None:
    others = [
        ConversationKey(KEY.chat_id + 1, KEY.user_id, KEY.name),
        ConversationKey(KEY.chat_id, KEY.user_id + 1, KEY.name),
        ConversationKey(KEY.chat_id, KEY.user_id, "other"),
    ]
    await store.conversations.start(KEY, "name", NOW)
    for key in others:
        assert await store.conversations.get(key, NOW) is None
        assert not await store.conversations.advance(key, "name", "city", {}, NOW)
    await store.conversations.start(others[0], "dates", NOW)
    assert await store.conversations.end(KEY)
    kept = await store.conversations.get(others[0], NOW)
    assert kept is not None
    assert kept.state == "dates"


async def test_an_abandoned_conversation_lapses_and_is_cleared_a_day_later(store: Store) -> None:
    await store.conversations.start(KEY, "name", NOW)
    assert await store.conversations.advance(KEY, "name", "city", {"name": "A"}, NOW)
    before = await store.conversations.get(KEY, NOW + EXPIRY - timedelta(seconds=1))
    assert before is not None
    assert not before.lapsed
    later = NOW + EXPIRY + timedelta(seconds=1)
    lapsed = await store.conversations.get(KEY, later)  # still found, to tell its owner
    assert lapsed is not None
    assert (lapsed.state, dict(lapsed.draft), lapsed.lapsed) == ("city", {"name": "A"}, True)
    assert not await store.conversations.advance(KEY, "city", "country", {}, later)

    other = ConversationKey(7, 7, "addfestival")
    await store.conversations.start(other, "name", later)  # lapsed a second ago: kept
    assert await store.conversations.get(KEY, later) is not None
    gone = NOW + EXPIRY + KEPT + timedelta(seconds=1)
    assert await store.conversations.get(KEY, gone) is None
    await store.conversations.start(other, "name", gone)  # clears the ones lapsed a day ago
    rows = await store.db.fetch_all("SELECT chat_id FROM conversations ORDER BY chat_id")
    assert [row["chat_id"] for row in rows] == [7]


async def test_a_lapsed_conversation_can_still_be_ended_once(store: Store) -> None:
    await store.conversations.start(KEY, "dates", NOW)
    later = NOW + EXPIRY + timedelta(minutes=5)
    assert await store.conversations.end(KEY, "dates")  # by one replica, telling its owner
    assert not await store.conversations.end(KEY, "dates")  # not by another too
    assert await store.conversations.get(KEY, later) is None


async def test_starting_again_forgets_the_answers(store: Store) -> None:
    await store.conversations.start(KEY, "name", NOW)
    assert await store.conversations.advance(KEY, "name", "city", {"name": "A"}, NOW)
    await store.conversations.start(KEY, "name", NOW + timedelta(minutes=1))
    again = await store.conversations.get(KEY, NOW + timedelta(minutes=1))
    assert again is not None
    assert (again.state, dict(again.draft)) == ("name", {})


async def test_reply_counts_of_the_other_fresh_replicas(store: Store) -> None:
    counts = store.reply_counts
    assert (await counts.elsewhere("a")).replies == 0
    await counts.publish("a", 5, sending=True)
    await counts.publish("b", 7, sending=False)
    await counts.publish("c", 3, sending=False)
    await counts.publish("c", 4, sending=False)  # a replica's newer count replaces its own
    seen_by_a = await counts.elsewhere("a")
    assert (seen_by_a.replies, seen_by_a.sending) == (11, False)
    seen_by_b = await counts.elsewhere("b")
    assert (seen_by_b.replies, seen_by_b.sending) == (9, True)


async def test_stale_reply_counts_are_ignored_and_a_leaving_replica_goes(store: Store) -> None:
    counts = store.reply_counts
    await counts.publish("b", 7, sending=True)
    await store.db.execute("UPDATE reply_counts SET at = at - 2.5 WHERE replica = 'b'")
    await counts.publish("c", 3, sending=False)
    seen = await counts.elsewhere("a")
    assert (seen.replies, seen.sending) == (3, False)
    await store.db.execute("UPDATE reply_counts SET at = at - 61 WHERE replica = 'b'")
    await counts.leave("c")  # its own row, and b's, gone for over a minute
    assert await store.db.fetch_all("SELECT replica FROM reply_counts") == []
