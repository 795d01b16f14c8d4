"""Small helpers the admin handlers share."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

logger = logging.getLogger(__name__)


def argument_text(message: Message) -> str:
    """Everything after the command, line breaks kept (``/post Title⏎Body`` → ``Title⏎Body``)."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) == 2 else ""


def callback_id(query: CallbackQuery) -> int:
    """The id at the end of an admin button's data (``admin:publish:12`` → 12)."""
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
