"""E2E: /stats shows the newsroom's figures and the latest lines of the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.audit import REFUSAL
from storage.outbox import Outgoing
from tests.e2e.conftest import ADMIN_ID, RunningBot

STRANGER = 7


async def _subscribe(bot: RunningBot, chat_id: int) -> None:
    due = datetime.now(UTC) + timedelta(hours=1)
    await bot.store.subscribers.subscribe(chat_id, chat_id, time(9), "Asia/Almaty", due, 0)


async def _digest_sent(bot: RunningBot, chat_id: int, at: datetime) -> None:
    await bot.store.outbox.add("digest", "2026-01-01", [Outgoing(chat_id, "digest")], at)
    [message] = await bot.store.outbox.ready(at, 100)
    assert await bot.store.outbox.claim(message.id)
    await bot.store.outbox.mark_sent(message.id, 1, at)


async def test_stats_counts_everything_and_shows_the_audit_trail(bot: RunningBot) -> None:
    for chat_id in (101, 102, 103):
        await _subscribe(bot, chat_id)
    await bot.store.subscribers.deactivate(103, "unsubscribed")
    await _digest_sent(bot, 101, datetime.now(UTC))
    chat = bot.private(ADMIN_ID)
    await chat.send("/setrate KGS 0.0115")
    await bot.private(STRANGER).send("/delete 1")

    replies = await chat.send("/stats")

    text = replies.text
    assert f"Articles: {await bot.store.articles.count()}" in text
    assert f"Festivals: {await bot.store.festivals.count()}" in text
    assert "Subscribers: 2 active, 1 inactive" in text
    assert "Digests sent today: 1" in text
    last = await bot.store.ingest_runs.last()
    assert last is not None
    assert f"{last.articles_added} added" in text
    audit = text.split("Recent admin actions")[1]
    assert f"user {STRANGER} delete — refused" in audit
    assert f"user {ADMIN_ID} setrate #KGS/" in audit
    assert audit.index(f"user {STRANGER}") < audit.index(f"user {ADMIN_ID}")  # newest first


async def test_stats_is_refused_to_others(bot: RunningBot) -> None:
    replies = await bot.private(STRANGER).send("/stats")

    assert replies.text == REFUSAL
    [action] = await bot.store.admin_actions.recent(1)
    assert (action.user_id, action.action, action.allowed) == (STRANGER, "stats", False)
