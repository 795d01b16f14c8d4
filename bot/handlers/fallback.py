"""Handlers of last resort: unknown commands, edits, non-text messages, plain text, old buttons.

Decisions:
- An unknown command gets a reply naming it in private chats, and in groups only when it is
  addressed to us (``/foo@our_bot``): a bare ``/foo`` in a group may belong to another bot there.
- A command addressed to another bot (``/latest@otherbot``) is ignored everywhere.
- Edited messages are not re-handled (answers would arrive out of context, after newer ones): a
  private chat gets a short note asking to send the command again, a group stays silent. The gate
  runs in a group before every area's handlers, since PTB's CommandHandler also matches edits.
- Stickers, photos and other messages without text get a hint in private chats, silence in groups.
- Plain text in a private chat is searched, as /search with those words would (never in groups).
- A button nobody handles (from an old message, or forged) is answered, so the client stops
  waiting, and asked to run the command again.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import App, Context, store_of
from bot.handlers import search
from bot.i18n import mark
from bot.render.common import escape

NO_TEXT_HINT = mark("I read text only. Send a command such as /latest, or /help for the list.")
EDITED_NOTE = mark(
    "I answer new messages only: please send the command again instead of editing it."
)
NOTHING_TO_CANCEL = mark("There is nothing to cancel: no form is open.")
STALE_BUTTON = mark("This button no longer works. Please send the command again.")


def edits_gate() -> MessageHandler[Context, None]:
    """The handler that stops edited messages; in a group before the commands' (``bot.app``)."""
    return MessageHandler(filters.UpdateType.EDITED, edited)


def register(application: App) -> None:
    """Add the fallback handlers; call last, after every area has registered its own."""
    new_message = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE
    # Every form (/addfestival's questions…) takes /cancel while it runs; here none does.
    application.add_handler(CommandHandler("cancel", nothing_to_cancel))
    application.add_handler(MessageHandler(new_message & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(new_message & private & filters.TEXT, plain_text))
    application.add_handler(
        MessageHandler(new_message & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, no_text)
    )
    application.add_handler(CallbackQueryHandler(stale_button))


async def nothing_to_cancel(update: Update, context: Context) -> None:
    """/cancel when no form is open."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(context.t(NOTHING_TO_CANCEL))


async def unknown_command(update: Update, context: Context) -> None:
    """Name the unknown command and point to /help, unless it is not meant for us."""
    message = update.message
    if message is None or not message.text or not message.entities:
        return
    name, _, addressee = message.text[1 : message.entities[0].length].partition("@")
    if addressee:
        if addressee.lower() != (context.bot.username or "").lower():
            return
    elif message.chat.type != ChatType.PRIVATE:
        return
    await message.reply_text(
        context.t(
            "I don't know the command /{name}. Send /help to see what I can do.",
            name=escape(name),
        )
    )


async def edited(update: Update, context: Context) -> None:
    """Leave edits unhandled; in a private chat, say so."""
    message = update.edited_message
    if message is not None and message.chat.type == ChatType.PRIVATE:
        await message.reply_text(context.t(EDITED_NOTE))
    raise ApplicationHandlerStop


async def no_text(update: Update, context: Context) -> None:
    """A sticker, photo or other message without text in a private chat: give a hint."""
    if update.message is not None:
        await update.message.reply_text(context.t(NO_TEXT_HINT))


async def plain_text(update: Update, context: Context) -> None:
    """Text that is not a command, in a private chat: searched as /search would."""
    message = update.message
    if message is None or not message.text:
        return
    await search.reply(context.t, message, store_of(context), message.text)


async def stale_button(update: Update, context: Context) -> None:
    """Answer a button press nobody handled."""
    if update.callback_query is not None:
        await update.callback_query.answer(context.t(STALE_BUTTON), show_alert=True)
