"""Handlers: the admin commands, for ``FILMNEWS_ADMIN_IDS`` only (see ``gate``)."""

from __future__ import annotations

from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import App, Context
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
    application.add_handler(_addfestival_conversation())
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


def _addfestival_conversation() -> ConversationHandler[Context]:
    """/addfestival with arguments saves at once; without, it asks field by field."""
    answer = MessageHandler(filters.TEXT & ~filters.COMMAND, festivals.answer)
    return ConversationHandler(
        entry_points=[CommandHandler("addfestival", festivals.addfestival)],
        states={step: [answer] for step in range(festivals.DESCRIPTION + 1)},
        fallbacks=[CommandHandler("cancel", festivals.cancel)],
        allow_reentry=True,
        name="addfestival",
    )
