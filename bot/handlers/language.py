"""Handlers: /language and its buttons (the chat's interface language)."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import COMMANDS, PUBLIC_COMMANDS
from bot.context import App, Context, settings_of, store_of
from bot.handlers.permissions import may_change_chat
from bot.i18n import LANGUAGES
from bot.render import language as render

logger = logging.getLogger(__name__)


def register(application: App) -> None:
    """Add /language and its buttons."""
    application.add_handler(CommandHandler("language", language))
    application.add_handler(CallbackQueryHandler(choose, pattern=rf"^{render.PREFIX}:"))


async def language(update: Update, context: Context) -> None:
    """/language: one button per language, each named in itself."""
    message = update.effective_message
    if message is None:
        return
    text, keyboard = render.language_choice(context.t)
    await message.reply_text(text, reply_markup=keyboard)


async def choose(update: Update, context: Context) -> None:
    """A language button: remember the chat's choice and answer in the new language."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    code = (query.data or "").partition(":")[2]
    if code not in LANGUAGES:
        await query.answer(render.unknown_language(context.t), show_alert=True)
        return
    if not await may_change_chat(update, context):
        await query.answer(render.admins_only(context.t), show_alert=True)
        return
    await store_of(context).languages.set(chat.id, code)
    context.t = context.bot_data.catalogs.get(code)
    await query.answer()
    try:
        await query.edit_message_text(render.language_set(context.t))
    except BadRequest as error:  # the same language tapped twice
        if "not modified" not in error.message.lower():
            raise
    await _chat_menu(context, chat.id)


async def _chat_menu(context: Context, chat_id: int) -> None:
    """The chat's command menu in its language, an admin's own commands included in their
    private chat (a convenience: failures are only logged)."""
    t = context.t
    shown = COMMANDS if chat_id in settings_of(context).admin_ids else PUBLIC_COMMANDS
    commands = [BotCommand(command.name, t(command.description)) for command in shown]
    try:
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except TelegramError as error:
        logger.info("chat %s: command menu not set: %s", chat_id, error)
