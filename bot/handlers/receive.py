"""Handlers: "What I receive" (countries, topics, typed words, festivals followed) and the
Follow button of festival cards."""

from __future__ import annotations

from telegram import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.context import App, Context, store_of
from bot.handlers.permissions import may_change_chat
from bot.handlers.prompts import ReplyToPrompt
from bot.handlers.subscriptions import panel_of
from bot.newsroom.filters import parse_words
from bot.newsroom.tags import COUNTRY_BITS, TOPIC_BITS
from bot.render import receive as render
from bot.render import settings as panels
from bot.render.common import callback_ids
from storage.errors import NotFound
from storage.filters import Facet, Words


def register(application: App) -> None:
    """Add the panel's buttons, the answers to its questions and the cards' Follow button."""
    application.add_handler(CallbackQueryHandler(tap, pattern=rf"^{render.PREFIX}:"))
    application.add_handler(
        CallbackQueryHandler(follow, pattern=rf"^(?:{render.FOLLOW}|{render.UNFOLLOW}):")
    )
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & filters.TEXT
            & ~filters.COMMAND
            & ReplyToPrompt(render.INCLUDE_MARK, render.EXCLUDE_MARK),
            typed,
        )
    )


async def tap(update: Update, context: Context) -> None:
    """A button of the panel: change the choice it names, then show the panel as it is now."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    t = context.t
    action = render.parse(query.data)
    if action is None:
        await query.answer(render.refused(t), show_alert=True)
        return
    if action.do is render.Do.BACK:
        await query.answer()
        panel = await panel_of(context, chat.id)
        await _edit(query, panels.panel_text(t, panel), panels.panel_keyboard(t, panel))
        return
    if action.do is not render.Do.OPEN and not await may_change_chat(update, context):
        await query.answer(render.admins_only(t), show_alert=True)
        return
    choices = store_of(context).filters
    if action.do in (render.Do.ASK_INCLUDE, render.Do.ASK_EXCLUDE):
        await query.answer()
        prompt = render.words_prompt(t, include=action.do is render.Do.ASK_INCLUDE)
        if isinstance(query.message, Message):
            await query.message.reply_text(prompt, reply_markup=ForceReply(selective=True))
        return
    if action.country is not None:
        await choices.toggle(chat.id, Facet.COUNTRIES, COUNTRY_BITS[action.country])
    elif action.topic is not None:
        await choices.toggle(chat.id, Facet.TOPICS, TOPIC_BITS[action.topic])
    elif action.festival_id is not None:
        await choices.follow(chat.id, action.festival_id, on=False)
    elif action.do is render.Do.EVERYTHING:
        await choices.reset(chat.id)
    await query.answer(None if action.do is render.Do.OPEN else render.changed(t))
    await _show(query, context, chat.id)


async def typed(update: Update, context: Context) -> None:
    """The reply to the question for words: the new list of words to include or exclude."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.reply_to_message is None:
        return
    t = context.t
    if not await may_change_chat(update, context):
        await message.reply_text(render.admins_only(t))
        return
    words = parse_words(message.text or "")
    if words is None:
        await message.reply_text(render.words_problem(t))
        return
    include = (message.reply_to_message.text or "").startswith(render.INCLUDE_MARK)
    which = Words.INCLUDE if include else Words.EXCLUDE
    await store_of(context).filters.set_words(chat.id, which, words)
    text, markup = await _panel(context, chat.id)
    await message.reply_text(text, reply_markup=markup)


async def follow(update: Update, context: Context) -> None:
    """⭐ Follow on a festival card (or its undoing): its news always comes to this chat."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    t = context.t
    on = (query.data or "").startswith(f"{render.FOLLOW}:")
    ids = callback_ids(query.data, render.FOLLOW if on else render.UNFOLLOW)
    if ids is None:
        await query.answer(render.refused(t))
        return
    if not await may_change_chat(update, context):
        await query.answer(render.admins_only(t), show_alert=True)
        return
    store = store_of(context)
    try:
        festival = await store.festivals.get(ids[0])
    except NotFound:
        await query.answer(t("That festival is no longer listed. Send /festivals."))
        return
    await store.filters.follow(chat.id, festival.id, on=on)
    await query.answer(render.following(t, festival, on=on))
    await _swap_follow(query, context, festival.id, on)


async def _swap_follow(query: CallbackQuery, context: Context, festival_id: int, on: bool) -> None:
    """Turn the pressed card's Follow into Unfollow or back, leaving its other buttons."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    festival = await store_of(context).festivals.get(festival_id)
    wanted = {f"{render.FOLLOW}:{festival_id}", f"{render.UNFOLLOW}:{festival_id}"}
    rows = [
        [
            render.follow_button(context.t, festival, on)
            if button.callback_data in wanted
            else button
            for button in row
        ]
        for row in message.reply_markup.inline_keyboard
    ]
    try:
        await message.edit_reply_markup(InlineKeyboardMarkup(rows))
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def _panel(context: Context, chat_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """The panel of a chat as it is now."""
    store = store_of(context)
    choice = await store.filters.get(chat_id)
    followed = await store.festivals.many(sorted(choice.festivals))
    return (
        render.panel_text(context.t, choice, followed),
        render.panel_keyboard(context.t, choice, followed),
    )


async def _show(query: CallbackQuery, context: Context, chat_id: int) -> None:
    """Edit the tapped message into the panel as it is now."""
    text, markup = await _panel(context, chat_id)
    await _edit(query, text, markup)


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise
