"""The newsroom's channel (FILMNEWS_CHANNEL): may the bot post there, and queueing a post.

A post is an outbox message of kind ``CHANNEL`` whose ref is the article id, so an article goes
to the channel once, however often "publish now" is pressed and across restarts; a post that
failed can be queued again (an admin's retry).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.delivery.kinds import OutboxKind
from bot.delivery.outbox import enqueue
from storage import Store

logger = logging.getLogger(__name__)


class Problem(StrEnum):
    """Why the bot cannot post to the channel."""

    NOT_FOUND = "not found"  # no such channel, or the bot is not in it
    NOT_ADMIN = "not admin"  # in it, but not one of its admins
    CANNOT_POST = "cannot post"  # an admin without the right to post messages
    UNREACHABLE = "unreachable"  # Telegram did not answer


@dataclass(frozen=True, slots=True)
class Channel:
    """The channel as Telegram knows it (``chat_id`` None when it could not be found), and why
    the bot cannot post there, if it cannot."""

    chat_id: int | None
    problem: Problem | None = None


async def check(bot: Bot, channel: str | int) -> Channel:
    """Find the channel and the bot's rights in it."""
    try:
        chat = await bot.get_chat(channel)
        member = await bot.get_chat_member(chat.id, bot.id)
    except (BadRequest, Forbidden) as error:
        logger.warning("channel %s: %s", channel, error.message)
        return Channel(None, Problem.NOT_FOUND)
    except NetworkError as error:
        logger.warning("channel %s unreachable: %s", channel, error.message)
        return Channel(None, Problem.UNREACHABLE)
    except TelegramError as error:
        logger.warning("channel %s: %s", channel, error.message)
        return Channel(None, Problem.UNREACHABLE)
    if member.status == ChatMemberStatus.OWNER:
        return Channel(chat.id)
    if member.status != ChatMemberStatus.ADMINISTRATOR:
        return Channel(chat.id, Problem.NOT_ADMIN)
    if chat.type == ChatType.CHANNEL and not getattr(member, "can_post_messages", False):
        return Channel(chat.id, Problem.CANNOT_POST)
    return Channel(chat.id)


async def queue_post(
    store: Store, chat_id: int, article_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    """Queue an article's post to the channel; a post that failed before is queued again.
    False when it is already queued or sent (nothing goes twice)."""
    ref = str(article_id)
    async with store.transaction():
        if await enqueue(store, OutboxKind.CHANNEL, ref, [(chat_id, text, markup)]):
            return True
        return await store.outbox.requeue(OutboxKind.CHANNEL, ref, chat_id)
