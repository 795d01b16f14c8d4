"""The one error handler: log the failure with its update, answer the user politely."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import Context, language_of
from bot.i18n import DEFAULT, Translator, mark, supported
from storage.errors import DATABASE_ERRORS

logger = logging.getLogger(__name__)

# The chat's language could not be read (the database failed, or is closed).
_NO_LANGUAGE: tuple[type[Exception], ...] = (*DATABASE_ERRORS, RuntimeError, ValueError)

SORRY = mark("Sorry, something went wrong on my side. Please try again in a moment.")


async def on_error(update: object, context: Context) -> None:
    """Log an exception raised while handling an update and tell the user."""
    logger.error(
        "error while handling update %s",
        update.to_dict() if isinstance(update, Update) else update,
        exc_info=context.error,
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return  # the bot was blocked or removed: there is nobody to tell
    chat_id = update.effective_chat.id
    sorry = (await _language(context, chat_id))(SORRY)
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(sorry, show_alert=True)
                return
            except TelegramError:
                pass  # already answered, or too old: say it in the chat instead
        await context.bot.send_message(chat_id, sorry)
    except TelegramError as error:
        logger.warning("could not tell chat %s about the error: %s", chat_id, error)


async def _language(context: Context, chat_id: int) -> Translator:
    """The chat's language (PTB does not look it up for error handlers); when the store is what
    failed, the app's language, else English."""
    try:
        return await language_of(context.bot_data, chat_id, context.app_language)
    except _NO_LANGUAGE as error:
        logger.warning("chat %s: language not looked up for the apology: %s", chat_id, error)
        return context.bot_data.catalogs.get(supported(context.app_language) or DEFAULT)
