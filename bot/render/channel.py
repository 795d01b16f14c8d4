"""The newsroom's channel in the admins' messages: the draft's note and button, what went
wrong, the retry."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.delivery.channel import Problem
from bot.i18n import Translator
from bot.render.admin import callback
from bot.render.common import callback_button, escape

# admin:<verb>:<id> buttons (bot.handlers.admin registers them)
CHANNEL_ONLY = "chan"  # the draft's id: publish it to the channel only
RETRY = "chretry"  # the article's id: queue its channel post again


def channel_name(channel: str | int) -> str:
    """How the channel is named to admins."""
    return str(channel)


def with_channel(
    t: Translator,
    text: str,
    markup: InlineKeyboardMarkup,
    channel: str | int,
    draft_id: int,
) -> tuple[str, InlineKeyboardMarkup]:
    """A draft's preview, saying that "Publish now" also posts to the channel, with a
    "Channel only" button."""
    note = t(
        "📢 “Publish now” also posts it to the channel {channel}, once; “Channel only” "
        "posts it there and to nobody else.",
        channel=escape(channel_name(channel)),
    )
    only = callback_button("📢 " + t("Channel only"), callback(CHANNEL_ONLY, draft_id))
    rows = [list(row) for row in markup.inline_keyboard]
    return f"{text}\n\n{note}", InlineKeyboardMarkup([*rows, [only]])


def problem(
    t: Translator, channel: str | int, reason: Problem, article_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    """Why article ``article_id`` did not go to the channel, and a button to try again."""
    name = escape(channel_name(channel))
    why = {
        Problem.NOT_FOUND: t(
            "I can't find the channel {channel}, or I am not in it. Check FILMNEWS_CHANNEL, "
            "add me to the channel as an admin, then try again.",
            channel=name,
        ),
        Problem.NOT_ADMIN: t(
            "I am not an admin of the channel {channel}, so I can't post there. Make me an "
            "admin with the right to post messages, then try again.",
            channel=name,
        ),
        Problem.CANNOT_POST: t(
            "I am an admin of the channel {channel} but without the right to post messages. "
            "Give me that right, then try again.",
            channel=name,
        ),
        Problem.UNREACHABLE: t(
            "Telegram did not answer when I looked up the channel {channel}. Try again in a "
            "moment.",
            channel=name,
        ),
    }[reason]
    head = t("📢 Article #{id} is published, but not in the channel yet.", id=article_id)
    retry = callback_button("🔁 " + t("Post to the channel"), callback(RETRY, article_id))
    return f"{escape(head)}\n{why}", InlineKeyboardMarkup([[retry]])


def published_for_channel(t: Translator, article_id: int, title: str) -> str:
    """A draft published for the channel only."""
    return t(
        "🗞 Published as article #{id}: {title}. It goes to the channel only; the "
        "subscribers get it with their next digest.",
        id=article_id,
        title=f"<b>{escape(title)}</b>",
    )


def retrying(t: Translator, channel: str | int, article_id: int) -> str:
    """The retry button was pressed."""
    return escape(
        t(
            "📢 Looking at the channel {channel} again for article #{id}…",
            id=article_id,
            channel=channel_name(channel),
        )
    )


def queued(t: Translator, channel: str | int, article_id: int) -> str:
    """The article's channel post is on its way."""
    return escape(
        t(
            "📢 Article #{id} is on its way to the channel {channel}.",
            id=article_id,
            channel=channel_name(channel),
        )
    )


def already(t: Translator, channel: str | int, article_id: int) -> str:
    """The article was already posted (or is queued) there."""
    return t(
        "Article #{id} already went to the channel {channel}: it goes there once.",
        id=article_id,
        channel=channel_name(channel),
    )
