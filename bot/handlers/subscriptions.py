"""Handlers: /subscribe, /unsubscribe, /settings (typed); the panel's buttons are in
``bot.handlers.digest_settings``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import time
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CommandHandler

from bot.config import parse_time
from bot.context import App, Context, delivery_of, settings_of, store_of
from bot.delivery.digests import next_digest, start_watermark
from bot.handlers.chats import thread_of
from bot.handlers.permissions import may_change_chat
from bot.i18n import mark, supported
from bot.newsroom import zones
from bot.newsroom.problems import Problem
from bot.render import digest as render
from bot.render import settings as panels
from storage.subscribers import Subscriber

_TIME_LIKE = re.compile(r"^\d")


def register(application: App) -> None:
    """Add /subscribe, /unsubscribe, /settings."""
    application.add_handler(CommandHandler("subscribe", subscribe))
    application.add_handler(CommandHandler("unsubscribe", unsubscribe))
    application.add_handler(CommandHandler("settings", settings))


def parse_subscription(args: Sequence[str]) -> tuple[time | None, ZoneInfo | None]:
    """``[HH:MM] [ZONE]`` in either order → (time, zone), None for the one left out;
    a ``Problem`` says what is wrong."""
    if len(args) > 2:
        raise Problem(mark("That is more than a time and a zone."))
    at: time | None = None
    zone: ZoneInfo | None = None
    for arg in args:
        if _TIME_LIKE.match(arg):
            if at is not None:
                raise Problem(mark("Give one time, not two."))
            at = parse_time(arg.replace(".", ":"))
        else:
            if zone is not None:
                raise Problem(mark("Give one time zone, not two."))
            zone = zones.find_zone(arg)
    return at, zone


async def subscribe(update: Update, context: Context) -> None:
    """Subscribe the chat to the daily digest, or change its time or zone (the other is kept);
    without arguments, subscribe at the current settings and show the panel."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    try:
        at, zone = parse_subscription(context.args or [])
    except Problem as error:
        await message.reply_text(render.subscribe_usage(context.t, error))
        return
    if not await may_change_chat(update, context):
        await message.reply_text(render.admins_only(context.t, "subscribe"))
        return
    current = await store_of(context).subscribers.find(chat.id)
    if not context.args and current is not None and current.active:
        await send_panel(update, context)
        return
    subscriber, new = await change(update, context, at, zone)
    assert subscriber.next_due_at is not None
    next_local = subscriber.next_due_at.astimezone(zones.load(subscriber.timezone))
    text = render.subscribed(
        context.t, subscriber.digest_time, subscriber.timezone, next_local, new=new
    )
    markup = None
    if not context.args:
        markup = panels.panel_keyboard(context.t, await panel_of(context, chat.id))
    await message.reply_text(text, reply_markup=markup)


async def unsubscribe(update: Update, context: Context) -> None:
    """Stop the chat's daily digest."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if not await may_change_chat(update, context):
        await message.reply_text(render.admins_only(context.t, "unsubscribe"))
        return
    stopped = await store_of(context).subscribers.deactivate(chat.id, "unsubscribed")
    await message.reply_text(render.unsubscribed(context.t, was_subscribed=stopped))


async def settings(update: Update, context: Context) -> None:
    """Show what the digest holds, when and where it comes, with buttons to change it."""
    await send_panel(update, context)


async def send_panel(update: Update, context: Context) -> None:
    """Send the chat's settings panel as a new message."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    panel = await panel_of(context, chat.id)
    await message.reply_text(
        panels.panel_text(context.t, panel), reply_markup=panels.panel_keyboard(context.t, panel)
    )


async def panel_of(context: Context, chat_id: int) -> panels.Panel:
    """What the settings panel of a chat shows now."""
    store = store_of(context)
    subscriber = await store.subscribers.find(chat_id)
    if subscriber is None:
        defaults = settings_of(context)
        return panels.Panel(defaults.digest_time, defaults.timezone.key, panels.State.OFF)
    if not subscriber.active or subscriber.next_due_at is None:
        state = panels.State.PAUSED if subscriber.paused else panels.State.OFF
        return panels.Panel(subscriber.digest_time, subscriber.timezone, state)
    last = await store.subscribers.last_digest(chat_id)
    return panels.Panel(
        subscriber.digest_time,
        subscriber.timezone,
        panels.State.ON,
        subscriber.next_due_at.astimezone(_zone_of(context, subscriber)),
        last.day if last else None,
        thread_id=subscriber.thread_id,
    )


async def change(
    update: Update, context: Context, at: time | None, zone: ZoneInfo | None
) -> tuple[Subscriber, bool]:
    """Subscribe the update's chat at ``at`` in ``zone``, each left out (None) keeping the
    chat's current value (or the default); True if it was not subscribed before."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    store = store_of(context)
    current = await store.subscribers.find(chat.id)
    defaults = settings_of(context)
    at = at or (current.digest_time if current else defaults.digest_time)
    zone = zone or (_zone_of(context, current) if current else defaults.timezone)
    now = delivery_of(context).now()
    first_day = now.astimezone(zone).date()  # a new subscriber starts from today's news
    return await store.subscribers.subscribe(
        chat.id,
        user.id if user else None,
        at,
        zone.key,
        await next_digest(store, chat.id, now, at, zone),
        last_article_id=await start_watermark(store, first_day),
        first_day=first_day,
        thread_id=thread_of(update.effective_message),  # a forum topic: the digest goes there
        language=supported(context.app_language),  # until the chat chooses one (/language)
    )


def _zone_of(context: Context, subscriber: Subscriber) -> ZoneInfo:
    """A subscriber's zone, or the default one if this system no longer knows it."""
    try:
        return zones.load(subscriber.timezone)
    except ValueError:
        return settings_of(context).timezone
