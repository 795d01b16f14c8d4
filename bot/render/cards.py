"""An article as a card for other chats (inline results, the newsroom's channel): title, date,
teaser, and buttons back into the bot."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.render import links
from bot.render.admin import excerpt
from bot.render.common import escape, keyboard, teaser
from storage.models import Article

CARD_TEASER = 600  # characters of the body a card carries
TITLE_CHARS = 300
DESCRIPTION_CHARS = 120  # an inline result's line under its title


def article_card(
    t: Translator, article: Article, username: str | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """📰 title, date and the start of the article; "Read in the bot" and Share."""
    text = "\n".join(
        [
            f"📰 <b>{escape(teaser(article.title, TITLE_CHARS))}</b>",
            f"<i>{escape(t.date(article.dated))}</i>",
            "",
            excerpt(article.body, CARD_TEASER),
        ]
    )
    read = links.read_in_bot_button(t, username, links.ARTICLE, article.id)
    share = links.share_button(t, username, links.ARTICLE, article.id, article.title)
    return text.strip(), keyboard([[button for button in (read, share) if button]])


def description(t: Translator, article: Article) -> str:
    """The line an inline result shows under its title: the date and a teaser (plain text)."""
    return f"{t.date(article.dated)} · {teaser(article.body, DESCRIPTION_CHARS)}"
