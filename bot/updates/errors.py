"""The one error handler: log the failure with its update, answer the user politely."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import Context

logger = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


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
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(SORRY, show_alert=True)
                return
            except TelegramError:
                pass  # already answered, or too old: say it in the chat instead
        await context.bot.send_message(chat_id, SORRY)
    except TelegramError as error:
        logger.warning("could not tell chat %s about the error: %s", chat_id, error)
