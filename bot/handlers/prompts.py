"""Answers to the bot's "type it" prompts: replies to its messages that start a known way."""

from __future__ import annotations

from telegram import Message
from telegram.ext import filters


class ReplyToPrompt(filters.MessageFilter):
    """A message replying to one of the bot's prompts, known by the prompt's first characters
    (an emoji mark, the same in every language)."""

    def __init__(self, *starts: str) -> None:
        super().__init__()
        self._starts = starts

    def filter(self, message: Message) -> bool:
        """Whether ``message`` answers one of the prompts."""
        replied = message.reply_to_message
        return (
            replied is not None
            and replied.from_user is not None
            and replied.from_user.is_bot
            and (replied.text or "").startswith(self._starts)
        )
