"""Small helpers the admin handlers share."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import Context, application_of, delivery_of, store_of
from bot.delivery import fanout
from bot.handlers.admin import gate
from bot.render import admin as render

logger = logging.getLogger(__name__)


def argument_text(message: Message) -> str:
    """Everything after the command, line breaks kept (``/post Title⏎Body`` → ``Title⏎Body``)."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) == 2 else ""


def callback_id(query: CallbackQuery) -> int:
    """The id at the end of an admin button's data (``admin:now:12`` → 12); the handlers'
    pattern (``bot.handlers.admin``) lets through ids SQLite can hold only."""
    return int((query.data or "").rsplit(":", 1)[1])


async def replace(
    query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the message a button was on (its buttons go, unless new ones are given)."""
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as error:
        # The same text again ("message is not modified") or a message too old to edit.
        logger.info("could not edit the message of button %r: %s", query.data, error)


async def fan_out(
    update: Update,
    context: Context,
    message: fanout.FanOut,
    *,
    action: str,
    target: int,
    progress: Callable[[int], str],
    report: Callable[[fanout.Delivered], str],
) -> int:
    """A fan-out button: queue ``message`` for every subscriber once, in each one's language
    (recording ``action``), show ``progress`` in place of the button's message, then the
    ``report`` once it is done (both in the admin's language); returns how many chats it was
    queued for (0: the button was answered with why not)."""
    query = update.callback_query
    assert query is not None
    store = store_of(context)
    user_id = gate.user_id_of(update)

    async def record(queued: int) -> None:
        # The audit trail is a record, kept in English like the log.
        detail = "to 1 subscriber" if queued == 1 else f"to {queued} subscribers"
        await gate.record(context, user_id, action, target=target, detail=detail)

    queued = await fanout.queue(store, context.bot_data.catalogs, message, record)
    if not queued:
        audience = await store.subscribers.count()
        why = render.ALREADY_SENT if audience else render.NOBODY
        await query.answer(context.t(why), show_alert=True)
        return 0
    await query.answer()
    await replace(query, progress(queued))
    delivery_of(context).wake(application_of(context))
    if isinstance(query.message, Message):
        where = (query.message.chat_id, query.message.message_id)
        fanout.follow(application_of(context), message, queued, where, report)
    return queued
