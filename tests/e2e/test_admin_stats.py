"""E2E: /stats (figures and the latest audit lines) and /digest (a preview of one)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.handlers.admin.gate import REFUSAL
from storage.outbox import Outgoing
from storage.subscribers import DigestRecord
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
    # Times name their zone (the bot's, FILMNEWS_TIMEZONE), dates are written as everywhere.
    ingested = last.created_at.astimezone(ZoneInfo("Asia/Almaty"))
    assert f"Last ingest: {ingested.day} {ingested:%B %Y, %H:%M} Asia/Almaty" in text
    assert "Recent admin actions (times in Asia/Almaty)" in text
    audit = text.split("Recent admin actions")[1]
    assert f"user {STRANGER} delete — refused" in audit
    assert f"user {ADMIN_ID} setrate #KGS/" in audit
    assert audit.index(f"user {STRANGER}") < audit.index(f"user {ADMIN_ID}")  # newest first


async def test_stats_is_refused_to_others(bot: RunningBot) -> None:
    replies = await bot.private(STRANGER).send("/stats")

    assert replies.text == REFUSAL
    [action] = await bot.store.admin_actions.recent(1)
    assert (action.user_id, action.action, action.allowed) == (STRANGER, "stats", False)


async def test_digest_previews_what_a_subscribed_admin_would_get(bot: RunningBot) -> None:
    await _subscribe(bot, ADMIN_ID)
    watermark = await bot.store.articles.last_id()
    await bot.store.subscribers.record_digests(
        [DigestRecord(ADMIN_ID, date(2026, 1, 1), watermark, 3)]
    )
    chat = bot.private(ADMIN_ID)
    preview = await chat.send("/post Didor festival opens\nThe Didor festival opens on Friday.")
    assert "Didor" not in (await chat.send("/digest")).text  # a draft is in no digest
    await chat.press(preview.last, "Publish quietly")
    outbox = await bot.store.outbox.report()

    replies = await chat.send("/digest")

    note, preview = replies.texts
    assert "1 new article" in note
    assert "Didor festival opens" in preview
    assert preview.count("#") == 1  # only the article newer than the last digest
    assert (await bot.store.subscribers.get(ADMIN_ID)).last_article_id == watermark
    assert await bot.store.outbox.report() == outbox  # nothing queued for anyone


async def test_digest_with_nothing_new_says_so(bot: RunningBot) -> None:
    await _subscribe(bot, ADMIN_ID)
    await bot.store.subscribers.record_digests(
        [DigestRecord(ADMIN_ID, date(2026, 1, 1), await bot.store.articles.last_id(), 3)]
    )

    replies = await bot.private(ADMIN_ID).send("/digest")

    assert replies.text == "Nothing new since your last digest: your next one would not be sent."


async def test_digest_for_an_admin_not_subscribed_covers_the_archive(bot: RunningBot) -> None:
    replies = await bot.private(ADMIN_ID).send("/digest")

    note, preview = replies.texts
    assert "You are not subscribed" in note
    assert f"{await bot.store.articles.count()} new articles" in preview


async def test_digest_is_refused_to_others(bot: RunningBot) -> None:
    replies = await bot.private(STRANGER).send("/digest")

    assert replies.text == REFUSAL
