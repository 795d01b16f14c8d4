"""The buttons that share an article or a festival (deep links) and follow a festival."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.context import Context
from bot.render import links
from bot.render.receive import follow_button
from storage.models import Article, Festival


def username_of(context: Context) -> str | None:
    """The bot's @username (without the @), once it is known (after getMe)."""
    try:
        return context.bot.username
    except RuntimeError:  # not initialised: no getMe answered yet
        return None


def article_share(context: Context, article: Article) -> InlineKeyboardButton | None:
    """The Share button of an article card."""
    return links.share_button(
        context.t, username_of(context), links.ARTICLE, article.id, article.title
    )


def festival_row(
    context: Context, festival: Festival, *, followed: bool
) -> list[InlineKeyboardButton]:
    """A festival card's row: Follow (or Unfollow) and Share."""
    share = links.share_button(
        context.t, username_of(context), links.FESTIVAL, festival.id, festival.name
    )
    return [follow_button(context.t, festival, followed), *([share] if share else [])]
