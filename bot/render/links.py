"""Deep links into the bot (``t.me/<bot>?start=a42``) and the buttons that use them."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from telegram import InlineKeyboardButton

from bot.i18n import Translator
from bot.render.common import link_button, teaser

ARTICLE = "a"  # start=a42: article 42
FESTIVAL = "f"  # start=f7: festival 7
_PAYLOAD = re.compile(r"([af])([1-9][0-9]{0,17})")
SHARE_TEXT_CHARS = 200


def payload(kind: str, ident: int) -> str:
    """The ``start`` parameter of a deep link (``a42``, ``f7``)."""
    return f"{kind}{ident}"


def read_payload(text: str) -> tuple[str, int] | None:
    """A ``start`` parameter → (``ARTICLE`` or ``FESTIVAL``, id); None when it is neither."""
    match = _PAYLOAD.fullmatch(text.strip())
    return None if match is None else (match.group(1), int(match.group(2)))


def deep_link(username: str, kind: str, ident: int) -> str:
    """``https://t.me/<bot>?start=a42``: opens the bot and the article (or festival)."""
    return f"https://t.me/{username}?start={payload(kind, ident)}"


def share_url(username: str, kind: str, ident: int, text: str) -> str:
    """Telegram's share dialog for the deep link, with a line of text."""
    link = deep_link(username, kind, ident)
    query = urlencode({"url": link, "text": teaser(text, SHARE_TEXT_CHARS)})
    return f"https://t.me/share/url?{query}"


def share_button(
    t: Translator, username: str | None, kind: str, ident: int, text: str
) -> InlineKeyboardButton | None:
    """ "↗️ Share": choose a chat and send it the deep link; None without a bot username."""
    if not username:
        return None
    return link_button("↗️ " + t("Share"), share_url(username, kind, ident, text))


def read_in_bot_button(
    t: Translator, username: str | None, kind: str, ident: int
) -> InlineKeyboardButton | None:
    """ "Read in the bot": the deep link as a button; None without a bot username."""
    if not username:
        return None
    label = "📖 " + (t("Read in the bot") if kind == ARTICLE else t("Open in the bot"))
    return link_button(label, deep_link(username, kind, ident))
