"""Handlers: the digest settings by tapping (the /settings panel, the digest's own buttons), and
the typed answer to an "other…" prompt."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.config import parse_time
from bot.context import App, Context, store_of
from bot.handlers.permissions import may_change_chat
from bot.handlers.prompts import ReplyToPrompt
from bot.handlers.subscriptions import change, panel_of, send_panel
from bot.newsroom import zones
from bot.newsroom.problems import Problem
from bot.render import digest as render
from bot.render import settings as panels
from bot.render.settings_data import PREFIX, Action, Do, parse
from storage.subscribers import PAUSED


def register(application: App) -> None:
    """Add the settings buttons and the answers to their prompts."""
    application.add_handler(CallbackQueryHandler(tap, pattern=rf"^{PREFIX}:"))
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & filters.TEXT
            & ~filters.COMMAND
            & ReplyToPrompt(panels.TIME_PROMPT, panels.ZONE_PROMPT),
            typed,
        )
    )


async def tap(update: Update, context: Context) -> None:
    """A settings button: change what it says, then show the panel as it is now."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    t = context.t
    action = parse(query.data)
    if action is None:
        await query.answer(panels.refused(t), show_alert=True)
        return
    if action.do is Do.OPEN:
        await query.answer()
        await send_panel(update, context)
        return
    if not await may_change_chat(update, context):
        await query.answer(panels.admins_only(t), show_alert=True)
        return
    if action.do in (Do.ASK_TIME, Do.ASK_ZONE):
        await query.answer()
        await _ask(query, context, action)
        return
    await _apply(update, context, action)
    await query.answer(panels.changed(t, action))
    if action.do is Do.STOP:
        stopped = render.unsubscribed(t, was_subscribed=True)
        await _reply(query, stopped, panels.resume_keyboard(t))
        return
    await _show(query, context, chat.id)


async def typed(update: Update, context: Context) -> None:
    """The reply to an "other…" prompt: a time or a zone, applied like /subscribe's."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.reply_to_message is None:
        return
    asked_time = (message.reply_to_message.text or "").startswith(panels.TIME_PROMPT)
    if not await may_change_chat(update, context):
        await message.reply_text(panels.admins_only(context.t))
        return
    at: time | None = None
    zone: ZoneInfo | None = None
    try:
        if asked_time:
            at = parse_time((message.text or "").replace(".", ":"))
        else:
            zone = zones.find_zone(message.text or "")
    except Problem as error:
        await message.reply_text(render.subscribe_usage(context.t, error))
        return
    await change(update, context, at, zone)
    await send_panel(update, context)


async def _apply(update: Update, context: Context, action: Action) -> None:
    """Change the chat's subscription as the button says."""
    chat = update.effective_chat
    assert chat is not None
    subscribers = store_of(context).subscribers
    if action.do is Do.PAUSE:
        await subscribers.deactivate(chat.id, PAUSED)
    elif action.do is Do.STOP:
        await subscribers.deactivate(chat.id, "unsubscribed")
    elif action.do is Do.RESUME:
        await change(update, context, None, None)
    else:
        zone = None if action.city is None else zones.load(action.city.zone)
        await change(update, context, action.at, zone)


async def _show(query: CallbackQuery, context: Context, chat_id: int) -> None:
    """Edit the panel in place to what it shows now (a panel that did not change stays)."""
    panel = await panel_of(context, chat_id)
    try:
        await query.edit_message_text(
            panels.panel_text(context.t, panel),
            reply_markup=panels.panel_keyboard(context.t, panel),
        )
    except BadRequest as error:
        if "not modified" not in error.message:
            raise


async def _ask(query: CallbackQuery, context: Context, action: Action) -> None:
    """Ask for a typed time or zone, as a reply the client prompts for."""
    t = context.t
    text = panels.time_prompt(t) if action.do is Do.ASK_TIME else panels.zone_prompt(t)
    await _reply(query, text, ForceReply())


async def _reply(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | ForceReply | None
) -> None:
    """Send a new message below the tapped one."""
    message = query.message
    if isinstance(message, Message):
        await message.reply_text(text, reply_markup=markup)
