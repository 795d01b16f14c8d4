"""Handlers: /subscribe, /unsubscribe, /settings."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from datetime import time
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CommandHandler

from bot.config import parse_time, parse_zone
from bot.context import App, Context, delivery_of, settings_of, store_of
from bot.delivery.digests import next_digest
from bot.handlers.permissions import may_change_chat
from bot.render import digest as render

_TIME_LIKE = re.compile(r"^\d")


def register(application: App) -> None:
    """Add /subscribe, /unsubscribe, /settings."""
    application.add_handler(CommandHandler("subscribe", subscribe))
    application.add_handler(CommandHandler("unsubscribe", unsubscribe))
    application.add_handler(CommandHandler("settings", settings))


def parse_subscription(
    args: Sequence[str], default_time: time, default_zone: ZoneInfo
) -> tuple[time, ZoneInfo]:
    """``[HH:MM] [ZONE]`` in either order → (time, zone); ValueError says what is wrong."""
    if len(args) > 2:
        raise ValueError("that is more than a time and a zone")
    at: time | None = None
    zone: ZoneInfo | None = None
    for arg in args:
        if _TIME_LIKE.match(arg):
            if at is not None:
                raise ValueError("give one time, not two")
            at = parse_time(arg.replace(".", ":"))
        else:
            if zone is not None:
                raise ValueError("give one time zone, not two")
            zone = find_zone(arg)
    return at or default_time, zone or default_zone


def find_zone(name: str) -> ZoneInfo:
    """An IANA zone name, forgiving of case (``asia/bishkek``); ValueError otherwise."""
    try:
        return parse_zone(name)
    except ValueError:
        wanted = name.strip().casefold()
        for key in zoneinfo.available_timezones():
            if key.casefold() == wanted:
                return ZoneInfo(key)
        raise


async def subscribe(update: Update, context: Context) -> None:
    """Subscribe the chat to the daily digest, or change its time and zone."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    defaults = settings_of(context)
    try:
        at, zone = parse_subscription(context.args or [], defaults.digest_time, defaults.timezone)
    except ValueError as error:
        await message.reply_text(render.subscribe_usage(str(error)))
        return
    if not await may_change_chat(update, context):
        await message.reply_text(render.admins_only("subscribe"))
        return
    store = store_of(context)
    now = delivery_of(context).now()
    next_due = await next_digest(store, chat.id, now, at, zone)
    user = update.effective_user
    _, new = await store.subscribers.subscribe(
        chat.id,
        user.id if user else None,
        at,
        zone.key,
        next_due,
        # A new subscriber's first digest starts from now, not from the whole archive
        # (/latest shows that); one who only changes the time keeps their watermark.
        last_article_id=await store.articles.last_id(),
    )
    await message.reply_text(render.subscribed(at, zone.key, next_due.astimezone(zone), new=new))


async def unsubscribe(update: Update, context: Context) -> None:
    """Stop the chat's daily digest."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if not await may_change_chat(update, context):
        await message.reply_text(render.admins_only("unsubscribe"))
        return
    stopped = await store_of(context).subscribers.deactivate(chat.id, "unsubscribed")
    await message.reply_text(render.unsubscribed(was_subscribed=stopped))


async def settings(update: Update, context: Context) -> None:
    """Show what the digest holds, when and where it comes, and the next one."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    store = store_of(context)
    defaults = settings_of(context)
    subscriber = await store.subscribers.find(chat.id)
    if subscriber is None or not subscriber.active or subscriber.next_due_at is None:
        text = render.not_subscribed(defaults.digest_time, defaults.timezone.key)
    else:
        last = await store.subscribers.last_digest(chat.id)
        text = render.settings_text(
            subscriber.digest_time,
            subscriber.timezone,
            subscriber.next_due_at.astimezone(ZoneInfo(subscriber.timezone)),
            last.day if last else None,
        )
    await message.reply_text(text)
