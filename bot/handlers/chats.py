"""Handlers: chats that change under us (a group that becomes a supergroup), and the forum
topic a message was written in."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import MessageHandler, filters

from bot.context import App, Context, store_of

logger = logging.getLogger(__name__)


def register(application: App) -> None:
    """Follow migrated groups."""
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated))


def thread_of(message: Message | None) -> int | None:
    """The forum topic a message was written in; None outside topics (and in "General")."""
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


async def migrated(update: Update, context: Context) -> None:
    """A group became a supergroup: its subscription, choices and queued messages follow it.

    Telegram tells both chats (``migrate_to_chat_id`` in the old one, ``migrate_from_chat_id``
    in the new one); whichever comes first moves everything, the other finds nothing to move.
    """
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old, new = message.chat_id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old, new = message.migrate_from_chat_id, message.chat_id
    else:
        return
    if await store_of(context).chats.move(old, new):
        logger.info("chat %d became chat %d: its digest follows it", old, new)
