"""Who may change a chat's settings: anyone in a private chat, only the admins in a group."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest

from bot.context import Context

_ADMINS = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})


async def may_change_chat(update: Update, context: Context) -> bool:
    """In a private chat, yes; in a group, only its admins (and its anonymous admins)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    if update.callback_query is None and message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # an anonymous admin speaks as the group
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except BadRequest:
        return False
    return member.status in _ADMINS
