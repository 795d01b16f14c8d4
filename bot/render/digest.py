"""The daily digest and the subscription replies → Telegram HTML."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from babel.dates import format_date
from telegram import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.newsroom.problems import Problem
from bot.newsroom.zones import label
from bot.render.common import MAX_MESSAGE, escape, keyboard, utf16_len
from bot.render.festivals import coming_up_line
from bot.render.news import article_entry, open_button
from bot.render.problems import problem
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
    t: Translator,
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
            text = _digest_text(t, day, listed, total, rates, festivals, teaser_chars, title_chars)
            if utf16_len(text) <= MAX_MESSAGE or not listed:
                rows = [[open_button(article)] for article in listed]
                return text, keyboard([*rows, digest_buttons(t)])
        listed.pop()


def _digest_text(
    t: Translator,
    day: date,
    articles: Sequence[Article],
    total: int,
    rates: Sequence[Rate],
    festivals: Sequence[Festival],
    teaser_chars: int,
    title_chars: int,
) -> str:
    new = t.plural("{count} new article", "{count} new articles", total)
    heading = t("📬 <b>Your film news digest</b> · {date}", date=t.date(day))
    blocks = [f"{heading}\n<i>{new}</i>"]
    blocks.extend(article_entry(t, article, teaser_chars, title_chars) for article in articles)
    if (more := total - len(articles)) > 0:
        blocks.append(
            t.plural("… and {count} more — /latest", "… and {count} more — /latest", more)
        )
    if rates:
        blocks.append(rates_block(t, rates, day))
    if soon := coming_up_line(t, festivals, day, DIGEST_FESTIVALS):
        blocks.append(soon)  # the festivals opening within two weeks of the digest's day
    return "\n\n".join(blocks)


def when(at: time, zone: str) -> str:
    """``08:30 (Asia/Bishkek)``; a fixed offset as ``08:30 (UTC+5)`` (no words to translate)."""
    return f"{at:%H:%M} ({escape(label(zone))})"


def local_instant(t: Translator, instant: datetime) -> str:
    """``Saturday 7 February 2026 at 08:30``, in the instant's own zone."""
    return t(
        "{weekday} {date} at {time}",
        weekday=format_date(instant.date(), "EEEE", locale=t.locale),
        date=t.date(instant.date()),
        time=f"{instant:%H:%M}",
    )


def subscribed(t: Translator, at: time, zone: str, next_local: datetime, *, new: bool) -> str:
    """The answer to /subscribe."""
    if new:
        first = t(
            "✅ <b>Subscribed.</b> Every day at {when} I will send you the new articles, the "
            "rates and the festivals coming up.",
            when=when(at, zone),
        )
    else:
        first = t("✅ <b>Digest time changed</b> to {when}, every day.", when=when(at, zone))
    lines = [
        first,
        t("Next digest: {instant}.", instant=local_instant(t, next_local)),
        t("A day without new articles brings no message."),
        "",
        t("Change it with {example}; stop it with /unsubscribe.", example=EXAMPLE),
    ]
    return "\n".join(lines)


def subscribe_usage(t: Translator, error: Problem | None = None) -> str:
    """How to use /subscribe, after what was wrong."""
    lines = [problem(t, error)] if error is not None else []
    lines += [
        t(
            "Send /subscribe [HH:MM] [ZONE], e.g. {example} or <code>/subscribe 21:00</code>.",
            example=EXAMPLE,
        ),
        t(
            "HH:MM is 24-hour local time; ZONE is a city (Bishkek, Ташкент), a zone name "
            "(Asia/Almaty) or an offset (UTC+5). Leave one out to keep what you have; /settings "
            "changes both by tapping."
        ),
    ]
    return "\n".join(lines)


def unsubscribed(t: Translator, *, was_subscribed: bool) -> str:
    """The answer to /unsubscribe."""
    if was_subscribed:
        return t("🔕 Unsubscribed: no more daily digests. /subscribe brings them back.")
    return t("You are not subscribed. /subscribe starts a daily digest.")


def admins_only(t: Translator, command: str) -> str:
    """A group member who is not an admin tried to change the group's digest."""
    return t("Only the group's admins can use /{command} here.", command=escape(command))
