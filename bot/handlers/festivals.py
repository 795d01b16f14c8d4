"""Handlers: /festival NAME (forgiving lookup, card, choices), /festivals in pages,
/reminders, and the festival buttons (a card, a page, 🔔 and 🔕)."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.config import parse_zone
from bot.context import App, Context, delivery_of, settings_of, store_of, today
from bot.delivery import reminders
from bot.handlers.sharing import festival_row
from bot.i18n import mark, supported
from bot.newsroom.festival_lookup import MIN_QUERY_CHARS, find_festivals
from bot.render import festivals as render
from bot.render import reminders as render_reminders
from bot.render.common import callback_ids, with_keyboard
from storage.errors import NotFound
from storage.models import Festival
from storage.names import name_key

ARTICLES_IN_CARD = 5
ARTICLES_OFFERED = 5
MAX_QUERY_CHARS = 100
GONE = mark("That festival is no longer listed. Send /festivals.")
STALE_BUTTON = mark("This button no longer works.")


def register(application: App) -> None:
    """Add /festival, /festivals, /reminders and the festival buttons."""
    application.add_handler(CommandHandler("festival", festival))
    application.add_handler(CommandHandler("festivals", festivals))
    application.add_handler(CommandHandler("reminders", reminder_list))
    application.add_handler(CallbackQueryHandler(show_festival, pattern=rf"^{render.FESTIVAL}:"))
    application.add_handler(CallbackQueryHandler(show_page, pattern=rf"^{render.PAGE}:"))
    application.add_handler(CallbackQueryHandler(remind, pattern=rf"^{render.REMIND}:"))
    application.add_handler(CallbackQueryHandler(unremind, pattern=rf"^{render.UNREMIND}:"))


async def festival(update: Update, context: Context) -> None:
    """Find a festival by name (typos, partial names, either alphabet) and show its card; when
    none matches, offer the articles that mention the words."""
    message = update.effective_message
    if message is None:
        return
    typed = " ".join(context.args or [])  # quoted in the reply (cut to fit there)
    query = typed[:MAX_QUERY_CHARS]
    catalog = await store_of(context).festivals.catalog()
    known = catalog.festivals
    if not query.strip():
        await message.reply_text(render.festival_usage(context.t, known))
        return
    matches = find_festivals(query, catalog)
    if not matches and len(name_key(query).replace(" ", "")) < MIN_QUERY_CHARS:
        await _reply(message, *render.no_festival(context.t, typed, known))
    elif not matches:
        found = await store_of(context).search.find(query, limit=ARTICLES_OFFERED)
        articles = [hit.article for hit in found.hits]
        await _reply(message, *render.no_festival(context.t, typed, known, articles, found.total))
    elif len(matches) == 1:
        await _reply(message, *await _card(context, matches[0], message.chat_id))
    else:
        await _reply(message, *render.festival_choices(context.t, typed, matches))


async def festivals(update: Update, context: Context) -> None:
    """List every festival: upcoming first, then those without a known next date, then past."""
    message = update.effective_message
    if message is None:
        return
    known = await store_of(context).festivals.all()
    await _reply(message, *render.festival_list(context.t, known, today(context)))


async def show_page(update: Update, context: Context) -> None:
    """A page button of /festivals: that page, in place."""
    query = update.callback_query
    if query is None:
        return
    ids = callback_ids(query.data, render.PAGE)
    if ids is None:
        await query.answer(context.t(STALE_BUTTON))
        return
    known = await store_of(context).festivals.all()
    text, markup = render.festival_list(context.t, known, today(context), ids[0])
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:  # the page it shows already
        if "not modified" not in error.message.lower():
            raise


async def show_festival(update: Update, context: Context) -> None:
    """A festival's button: send its card."""
    query = update.callback_query
    found = await _pressed(update, render.FESTIVAL, context)
    chat = update.effective_chat
    if query is None or found is None:
        return
    if chat is None:
        await query.answer(
            context.t("Send /festival {name} to see it.", name=found.name), show_alert=True
        )
        return
    await query.answer()
    text, markup = await _card(context, found, chat.id)
    for part, part_markup in with_keyboard(text, markup):
        await context.bot.send_message(chat.id, part, reply_markup=part_markup)


async def remind(update: Update, context: Context) -> None:
    """🔔 on a card: remind this chat 7 days before the festival opens and on the day."""
    query = update.callback_query
    found = await _pressed(update, render.REMIND, context)
    chat = update.effective_chat
    if query is None or found is None or chat is None:
        return
    at, zone = await _digest_time(context, chat.id)
    now = delivery_of(context).now()
    language = supported(context.app_language)
    await reminders.ask(store_of(context), chat.id, found, now, at, zone, language=language)
    await query.answer(render_reminders.reminded(context.t, found, on=True))
    await _swap_button(context, query, found, reminded=True)


async def unremind(update: Update, context: Context) -> None:
    """🔕 on a card, a reminder or /reminders: no more reminders of that festival here."""
    query = update.callback_query
    chat = update.effective_chat
    ids = callback_ids(query.data if query else None, render.UNREMIND)
    if query is None or chat is None or ids is None:
        if query is not None:
            await query.answer(context.t(STALE_BUTTON))
        return
    store = store_of(context)
    await store.reminders.remove(chat.id, ids[0])
    try:
        found = await store.festivals.get(ids[0])
    except NotFound:
        await query.answer(context.t("Done: no more reminders of it."))
        return
    await query.answer(render_reminders.reminded(context.t, found, on=False))
    await _swap_button(context, query, found, reminded=False)


async def reminder_list(update: Update, context: Context) -> None:
    """/reminders: the festivals this chat asked to hear of, with buttons to drop them."""
    message = update.effective_message
    if message is None:
        return
    store = store_of(context)
    festival_ids = await store.reminders.festival_ids(message.chat_id)
    chosen = await store.festivals.many(festival_ids)
    await _reply(message, *render_reminders.reminder_list(context.t, chosen, today(context)))


async def _pressed(update: Update, prefix: str, context: Context) -> Festival | None:
    """The festival a button names; answers the press itself when there is none."""
    query = update.callback_query
    if query is None:
        return None
    ids = callback_ids(query.data, prefix)
    if ids is None:
        await query.answer(context.t(STALE_BUTTON))
        return None
    try:
        return await store_of(context).festivals.get(ids[0])
    except NotFound:
        await query.answer(context.t(GONE), show_alert=True)
        return None


async def _swap_button(
    context: Context, query: CallbackQuery, festival: Festival, *, reminded: bool
) -> None:
    """Turn the pressed message's 🔔 into 🔕 or back, leaving its other buttons."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    wanted = {f"{render.REMIND}:{festival.id}", f"{render.UNREMIND}:{festival.id}"}
    rows = [list(row) for row in message.reply_markup.inline_keyboard]
    swapped = False
    for row in rows:
        for index, button in enumerate(row):
            if button.callback_data in wanted:
                row[index] = render.remind_button(context.t, festival, reminded)
                swapped = True
    if swapped:
        await message.edit_reply_markup(InlineKeyboardMarkup(rows))


async def _digest_time(context: Context, chat_id: int) -> tuple[time, ZoneInfo]:
    """The chat's digest time and zone, or the defaults."""
    settings = settings_of(context)
    subscriber = await store_of(context).subscribers.find(chat_id)
    if subscriber is None or not subscriber.active:
        return settings.digest_time, settings.timezone
    try:
        return subscriber.digest_time, parse_zone(subscriber.timezone)
    except ValueError:
        return settings.digest_time, settings.timezone


async def _card(
    context: Context, found: Festival, chat_id: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    data = await store_of(context).festivals.card(found.id, chat_id, ARTICLES_IN_CARD)
    return render.festival_card(
        context.t,
        found,
        data.articles,
        today(context),
        reminded=data.reminded,
        mentions=data.mentions,
        extra_row=festival_row(context, found, followed=data.followed),
    )


async def card_of(
    context: Context, found: Festival, chat_id: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A festival's card as this chat sees it (its reminder and follow buttons)."""
    return await _card(context, found, chat_id)


async def _reply(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    parts = with_keyboard(text, markup)
    await message.reply_text(parts[0][0], reply_markup=parts[0][1])
    for part, part_markup in parts[1:]:
        await message.chat.send_message(part, reply_markup=part_markup)
