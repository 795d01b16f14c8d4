"""The daily digest and the subscription replies → Telegram HTML."""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from datetime import date, datetime, time

from telegram import InlineKeyboardMarkup

from bot.i18n import DEFAULT, Translator
from bot.newsroom.zones import ZONE_EXAMPLE, label
from bot.render.common import MAX_MESSAGE, escape, format_date, keyboard, utf16_len
from bot.render.festivals import coming_up_line
from bot.render.news import article_entry, open_button
from bot.render.rates import rates_block
from bot.render.settings_data import digest_buttons
from storage.models import Article, Festival, Rate

# Articles listed in a digest; the others are counted ("and 7 more — /latest").
DIGEST_ARTICLES = 10
DIGEST_FESTIVALS = 3
# Teaser and title lengths tried in turn until the digest fits in one message.
_FITS = ((160, 200), (80, 160), (0, 120), (0, 60))
EXAMPLE = "<code>/subscribe 08:30 Asia/Bishkek</code>"


def digest_message(
    day: date,
    articles: Sequence[Article],
    total: int,
    rates: Sequence[Rate],
    festivals: Sequence[Festival],
) -> tuple[str, InlineKeyboardMarkup | None]:
    """New articles (newest first, ``total`` of them in all), the rates, upcoming festivals;
    one message, with a button to open each listed article and the settings' buttons."""
    listed = list(articles[:DIGEST_ARTICLES])
    while True:
        for teaser_chars, title_chars in _FITS:
            text = _digest_text(day, listed, total, rates, festivals, teaser_chars, title_chars)
            if utf16_len(text) <= MAX_MESSAGE or not listed:
                rows = [[open_button(article)] for article in listed]
                return text, keyboard([*rows, digest_buttons()])
        listed.pop()


def _digest_text(
    day: date,
    articles: Sequence[Article],
    total: int,
    rates: Sequence[Rate],
    festivals: Sequence[Festival],
    teaser_chars: int,
    title_chars: int,
) -> str:
    t = Translator(DEFAULT, gettext.NullTranslations())  # TODO(digest): the reader's `t`
    new = "1 new article" if total == 1 else f"{total} new articles"
    blocks = [f"📬 <b>Your film news digest</b> · {format_date(day)}\n<i>{new}</i>"]
    blocks.extend(article_entry(t, article, teaser_chars, title_chars) for article in articles)
    if total > len(articles):
        blocks.append(f"… and {total - len(articles)} more — /latest")
    if rates:
        blocks.append(rates_block(t, rates, day))
    if soon := coming_up_line(t, festivals, day, DIGEST_FESTIVALS):
        blocks.append(soon)  # the festivals opening within two weeks of the digest's day
    return "\n\n".join(blocks)


def when(at: time, zone: str) -> str:
    """``08:30 (Asia/Bishkek)``; a fixed offset as ``08:30 (UTC+5)``."""
    return f"{at:%H:%M} ({escape(label(zone))})"


def local_instant(instant: datetime) -> str:
    """``Saturday 7 February 2026 at 08:30``, in the instant's own zone."""
    return f"{instant:%A} {format_date(instant.date())} at {instant:%H:%M}"


def subscribed(at: time, zone: str, next_local: datetime, *, new: bool) -> str:
    """The answer to /subscribe."""
    if new:
        first = (
            "✅ <b>Subscribed.</b> Every day at "
            f"{when(at, zone)} I will send you the new articles, the rates and the festivals "
            "coming up."
        )
    else:
        first = f"✅ <b>Digest time changed</b> to {when(at, zone)}, every day."
    return (
        f"{first}\nNext digest: {local_instant(next_local)}.\n"
        "A day without new articles brings no message.\n\n"
        f"Change it with {EXAMPLE}; stop it with /unsubscribe."
    )


def subscribe_usage(problem: str | None = None) -> str:
    """How to use /subscribe, after what was wrong."""
    lines = [f"{escape(problem[0].upper() + problem[1:])}." if problem else ""]
    lines += [
        f"Send /subscribe [HH:MM] [ZONE], e.g. {EXAMPLE} or <code>/subscribe 21:00</code>.",
        f"HH:MM is 24-hour local time; ZONE is {escape(ZONE_EXAMPLE)}. "
        "Leave one out to keep what you have; /settings changes both by tapping.",
    ]
    return "\n".join(line for line in lines if line)


def unsubscribed(*, was_subscribed: bool) -> str:
    """The answer to /unsubscribe."""
    if was_subscribed:
        return "🔕 Unsubscribed: no more daily digests. /subscribe brings them back."
    return "You are not subscribed. /subscribe starts a daily digest."


def admins_only(command: str) -> str:
    """A group member who is not an admin tried to change the group's digest."""
    return f"Only the group's admins can use /{escape(command)} here."
