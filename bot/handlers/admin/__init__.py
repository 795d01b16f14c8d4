"""Handlers: the admin commands, for ``FILMNEWS_ADMIN_IDS`` only (see ``gate``)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import App, Context
from bot.handlers import fallback
from bot.handlers.admin import (
    broadcast,
    channel,
    editing,
    festivals,
    overview,
    posting,
    rates,
    sources,
)
from bot.render import admin as render
from bot.render import admin_festivals as render_festivals
from bot.render import channel as render_channel


def register(application: App) -> None:
    """Add the admin commands and their buttons to the application."""
    application.add_handler(CommandHandler("post", posting.post))
    application.add_handler(CommandHandler("edit", editing.edit))
    application.add_handler(CommandHandler("delete", posting.delete))
    rates.register(application)  # /setrate and its confirmation buttons
    application.add_handler(CommandHandler("addfestival", festivals.addfestival))
    # An admin's text and /cancel may belong to their guided /addfestival (its state is in the
    # store: any replica may take the next answer); before the fallback's, which they replace.
    admins = filters.User(user_id=application.bot_data.settings.admin_ids)
    application.add_handler(CommandHandler("cancel", _cancel, filters=admins))
    text = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(admins & text, _text))
    application.add_handler(CommandHandler("delfestival", festivals.delfestival))
    for prefix, callback in (
        (render_festivals.DELETE, festivals.confirm_delete),
        (render_festivals.KEEP, festivals.keep),
    ):
        application.add_handler(
            CallbackQueryHandler(callback, pattern=rf"^{prefix}:[1-9]\d{{0,17}}$")
        )
    application.add_handler(CommandHandler("broadcast", broadcast.broadcast))
    application.add_handler(CommandHandler("stats", overview.stats))
    application.add_handler(CommandHandler("digest", overview.digest))
    application.add_handler(CommandHandler("sources", sources.sources))
    application.add_handler(CommandHandler("addsource", sources.addsource))
    application.add_handler(CommandHandler("removesource", sources.removesource))
    for verb, callback in (
        (render.PUBLISH, posting.publish),
        (render.QUIET, posting.publish_quietly),
        (render.DISCARD, posting.discard),
        (render.DELETE, posting.confirm_delete),
        (render.SPARE, posting.spare),
        (render.SEND, broadcast.send),
        (render.DROP, broadcast.drop),
        (render_channel.CHANNEL_ONLY, posting.channel_only),
        (render_channel.RETRY, channel.retry),
    ):
        application.add_handler(
            # Ids past SQLite's 64-bit range fall through to the stale-button fallback.
            CallbackQueryHandler(callback, pattern=rf"^{render.PREFIX}:{verb}:[1-9]\d{{0,17}}$")
        )


async def _text(update: Update, context: Context) -> None:
    """An admin's text: the answer of their open /addfestival, else what anyone's text gets."""
    if await festivals.answer(update, context):
        return
    if filters.ChatType.PRIVATE.check_update(update):
        await fallback.plain_text(update, context)


async def _cancel(update: Update, context: Context) -> None:
    """An admin's /cancel: their open /addfestival closes, else nothing was open."""
    if not await festivals.cancel(update, context):
        await fallback.nothing_to_cancel(update, context)
