"""Drafts, chats' languages and the audit trail, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from storage import Store
from storage.errors import ConstraintError, NotFound

NOW = datetime(2026, 2, 7, 3, tzinfo=UTC)


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


async def test_a_draft_is_kept_published_once_or_discarded(store: Store) -> None:
    first = await store.drafts.create("Первый черновик", "Body.", 42)
    second = await store.drafts.create("Second", "Body.", 7)

    assert second.id > first.id
    assert (first.title, first.user_id, first.article_id) == ("Первый черновик", 42, None)
    assert abs(first.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert await store.drafts.get(first.id) == first
    await store.drafts.published(first.id, 99)
    assert (await store.drafts.get(first.id)).article_id == 99
    with pytest.raises(NotFound):
        await store.drafts.published(first.id, 100)  # published already
    with pytest.raises(NotFound):
        await store.drafts.discard(first.id)  # a published draft stays
    assert await store.drafts.discard(second.id) == second
    with pytest.raises(NotFound):
        await store.drafts.get(second.id)
    with pytest.raises(ConstraintError):
        await store.drafts.create("", "An empty title is refused.", 42)


async def test_each_chat_gets_its_choice_else_its_apps_language(store: Store) -> None:
    for chat_id, app in ((1, "ru"), (2, None), (3, "ky"), (4, None)):
        await store.subscribers.subscribe(
            chat_id, chat_id, time(9), "Asia/Bishkek", NOW, 0, language=app
        )
    await store.languages.set(1, "en")
    await store.languages.set(2, "ky")
    await store.languages.set(5, "ru")  # a chat that never subscribed
    await store.languages.set(1, "uz")  # a later choice replaces the first

    assert await store.languages.get(1) == "uz"
    assert await store.languages.get(4) is None
    assert await store.languages.get_many([1, 2, 3, 4, 5, 6]) == {1: "uz", 2: "ky", 5: "ru"}
    assert await store.languages.of_subscribers([1, 2, 3, 4, 5]) == {1: "uz", 2: "ky", 3: "ky"}


async def test_a_language_chosen_through_another_store_shows_once_forgotten(
    backend_location: Path | str,
) -> None:
    ours, theirs = await Store.open(backend_location), await Store.open(backend_location)
    try:
        assert await ours.languages.get(1) is None
        await theirs.languages.set(1, "ru")
        assert await ours.languages.get(1) is None  # kept in memory for a few seconds
        ours.languages.forget(1)
        assert await ours.languages.get(1) == "ru"
    finally:
        await theirs.close()
        await ours.close()


async def test_the_audit_trail_lists_newest_first(store: Store) -> None:
    first = await store.admin_actions.record(42, "post", allowed=True, target="7")
    second = await store.admin_actions.record(13, "post", allowed=False, detail="not an admin")

    newest = await store.admin_actions.recent(5)
    assert [line.id for line in newest] == [second, first]
    assert (newest[0].allowed, newest[0].detail, newest[0].target) == (False, "not an admin", None)
    assert (await store.admin_actions.get(first)).allowed is True
    with pytest.raises(NotFound):
        await store.admin_actions.get(second + 1)
