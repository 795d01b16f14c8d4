"""Handlers: /festival NAME (forgiving lookup, card, choices), /festivals, the festival buttons."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import App, Context, store_of, today
from bot.newsroom.festivals import find_festivals
from bot.render import festivals as render
from bot.render.common import callback_ids, with_keyboard
from storage.errors import NotFound
from storage.models import Festival

ARTICLES_IN_CARD = 5
MAX_QUERY_CHARS = 100


def register(application: App) -> None:
    """Add /festival, /festivals and the buttons that show a festival."""
    application.add_handler(CommandHandler("festival", festival))
    application.add_handler(CommandHandler("festivals", festivals))
    application.add_handler(CallbackQueryHandler(show_festival, pattern=rf"^{render.FESTIVAL}:"))


async def festival(update: Update, context: Context) -> None:
    """Find a festival by name (typos and partial names welcome) and show its card."""
    message = update.effective_message
    if message is None:
        return
    query = " ".join(context.args or [])
    known = await store_of(context).festivals.all()
    if not query.strip():
        await message.reply_text(render.festival_usage(known))
        return
    matches = find_festivals(query[:MAX_QUERY_CHARS], known)
    if not matches:
        await message.reply_text(render.no_festival(query[:MAX_QUERY_CHARS], known))
    elif len(matches) == 1:
        await _reply(message, *await _card(context, matches[0]))
    else:
        await _reply(message, *render.festival_choices(query[:MAX_QUERY_CHARS], matches))


async def festivals(update: Update, context: Context) -> None:
    """List every festival: upcoming first, then past ones, then those without dates."""
    message = update.effective_message
    if message is None:
        return
    known = await store_of(context).festivals.all()
    await _reply(message, *render.festival_list(known, today(context)))


async def show_festival(update: Update, context: Context) -> None:
    """A festival's button: send its card."""
    query = update.callback_query
    if query is None:
        return
    ids = callback_ids(query.data, render.FESTIVAL)
    if ids is None:
        await query.answer("This button no longer works.")
        return
    try:
        found = await store_of(context).festivals.get(ids[0])
    except NotFound:
        await query.answer("That festival is no longer listed. Send /festivals.", show_alert=True)
        return
    chat = update.effective_chat
    if chat is None:
        await query.answer(f"Send /festival {found.name} to see it.", show_alert=True)
        return
    await query.answer()
    text, markup = await _card(context, found)
    for part, part_markup in with_keyboard(text, markup):
        await context.bot.send_message(chat.id, part, reply_markup=part_markup)


async def _card(context: Context, found: Festival) -> tuple[str, InlineKeyboardMarkup | None]:
    articles = await store_of(context).articles.mentioning(found.id, ARTICLES_IN_CARD)
    return render.festival_card(found, articles)


async def _reply(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    parts = with_keyboard(text, markup)
    await message.reply_text(parts[0][0], reply_markup=parts[0][1])
    for part, part_markup in parts[1:]:
        await message.chat.send_message(part, reply_markup=part_markup)
