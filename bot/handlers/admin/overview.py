"""Admin: /stats (the newsroom's figures and the latest audit lines) and /digest (a preview)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from telegram import Update

from bot.context import Context, settings_of, store_of, today
from bot.delivery.digests import preview
from bot.delivery.kinds import OutboxKind
from bot.handlers.admin import gate
from bot.newsroom.figures import gather
from bot.render import admin_reports as render


@gate.admin_only("stats")
async def stats(update: Update, context: Context) -> None:
    """/stats: articles, festivals, subscribers, digests sent today, last ingest, audit lines."""
    message = update.effective_message
    assert message is not None
    zone = settings_of(context).timezone
    midnight = datetime.combine(today(context), time(0), tzinfo=zone)
    figures = await gather(store_of(context), midnight, digest_kind=OutboxKind.DIGEST)
    await message.reply_text(render.stats(context.t, figures, zone))


@gate.admin_only("digest")
async def digest(update: Update, context: Context) -> None:
    """/digest: the digest this chat would get now (nothing is sent to anyone, nothing moves)."""
    message = update.effective_message
    assert message is not None
    store = store_of(context)
    subscriber = await store.subscribers.find(message.chat_id)
    subscribed = subscriber is not None and subscriber.active
    watermark = subscriber.last_article_id if subscriber is not None and subscribed else 0
    zone = (
        ZoneInfo(subscriber.timezone) if subscriber is not None else settings_of(context).timezone
    )
    day = datetime.now(zone).date()
    count, text, markup = await preview(store, message.chat_id, watermark, day, context.t)
    first = subscribed and subscriber is not None and subscriber.first_day is not None
    await message.reply_text(
        render.digest_note(context.t, subscribed=subscribed, new=count, first=first)
    )
    if count:
        await message.reply_text(text, reply_markup=markup)
