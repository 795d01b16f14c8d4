"""Festivals → Telegram HTML: the card, the choices, the list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.newsroom.festivals import order_festivals
from bot.render.common import callback_button, escape, format_date, keyboard, teaser
from bot.render.news import article_date, open_button
from storage.models import Article, Festival

FESTIVAL = "fest"  # callback data fest:<id> shows a festival's card
BUTTON_NAME_CHARS = 48
MAX_LIST_BUTTONS = 40
SOME_KNOWN = 5


def date_range(starts_on: date | None, ends_on: date | None) -> str | None:
    """``11–15 June 2025``, ``30 May – 2 June 2025``, ``from 11 June 2025``; None if undated."""
    if starts_on is None and ends_on is None:
        return None
    if starts_on is None:
        assert ends_on is not None
        return f"until {format_date(ends_on)}"
    if ends_on is None or ends_on == starts_on:
        return format_date(starts_on) if ends_on else f"from {format_date(starts_on)}"
    if (starts_on.year, starts_on.month) == (ends_on.year, ends_on.month):
        return f"{starts_on.day}–{format_date(ends_on)}"
    if starts_on.year == ends_on.year:
        return f"{starts_on.day} {starts_on:%B} – {format_date(ends_on)}"
    return f"{format_date(starts_on)} – {format_date(ends_on)}"


def ordinal(number: int) -> str:
    """1 → ``1st``, 2 → ``2nd``, 11 → ``11th``, 23 → ``23rd``."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def festival_button(festival: Festival) -> InlineKeyboardButton:
    """A button that shows the festival's card."""
    return callback_button(
        f"🎬 {teaser(festival.name, BUTTON_NAME_CHARS)}", f"{FESTIVAL}:{festival.id}"
    )


def place(festival: Festival) -> str | None:
    """``Bishkek, Kyrgyzstan`` (either part may be missing)."""
    return ", ".join(part for part in (festival.city, festival.country) if part) or None


def festival_card(
    festival: Festival, articles: Sequence[Article]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Name, kind, place, dates, edition, aliases, description, the latest articles naming it."""
    facts = [festival.kind.capitalize(), place(festival)]
    when = [date_range(festival.starts_on, festival.ends_on) or "dates not known"]
    if festival.edition:
        when.append(f"{ordinal(festival.edition)} edition")
    lines = [
        f"🎬 <b>{escape(festival.name)}</b>",
        escape(" · ".join(fact for fact in facts if fact)),
        f"📅 {escape(' · '.join(when))}",
    ]
    if festival.aliases:
        lines.append(f"Also known as: {escape(', '.join(festival.aliases))}")
    if festival.url and festival.url.startswith(("https://", "http://")):
        lines.append(f'<a href="{escape(festival.url)}">Website</a>')
    blocks = ["\n".join(lines)]
    if festival.description:
        blocks.append(escape(festival.description))
    if articles:
        news = [
            f"• {escape(article.title)} <i>({format_date(article_date(article))}, "
            f"#{article.id})</i>"
            for article in articles
        ]
        blocks.append("<b>In the news</b>\n" + "\n".join(news))
    else:
        blocks.append("<i>No articles mention it yet.</i>")
    return "\n\n".join(blocks), keyboard([[open_button(article)] for article in articles])


def festival_choices(
    query: str, festivals: Sequence[Festival]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Several festivals match: one button each."""
    lines = [f"Several festivals match “{escape(query)}”. Which one?", ""]
    lines += [f"• {escape(_summary(festival))}" for festival in festivals]
    return "\n".join(lines), keyboard([[festival_button(festival)] for festival in festivals])


def no_festival(query: str, known: Sequence[Festival]) -> str:
    """Nothing matches: say so and name a few known festivals."""
    text = f"I know no festival called “{escape(query)}”."
    if known:
        names = ", ".join(escape(festival.name) for festival in known[:SOME_KNOWN])
        text += f"\nSome I know: {names}.\nSend /festivals for all of them."
    return text


def festival_usage(known: Sequence[Festival]) -> str:
    """How to use /festival, with an example taken from the known festivals."""
    example = known[0].name.split()[0].lower() if known else "bishkek"
    return (
        f"Send /festival with a name, e.g. <code>/festival {escape(example)}</code>.\n"
        "Send /festivals for all of them."
    )


def festival_list(
    festivals: Sequence[Festival], today: date
) -> tuple[str, InlineKeyboardMarkup | None]:
    """All festivals: upcoming (and running) first, then past ones (latest first), undated."""
    if not festivals:
        return "I know no festivals yet.", None
    upcoming, past, undated = order_festivals(festivals, today)
    blocks = ["🎬 <b>Festivals</b>"]
    for title, group in (
        ("Upcoming", upcoming),
        ("Past", past),
        ("Dates not known", undated),
    ):
        if group:
            items = [f"• {_list_item(festival, today)}" for festival in group]
            blocks.append(f"<b>{title}</b>\n" + "\n".join(items))
    ordered = [*upcoming, *past, *undated]
    rows = [[festival_button(festival)] for festival in ordered[:MAX_LIST_BUTTONS]]
    return "\n\n".join(blocks), keyboard(rows)


def _summary(festival: Festival) -> str:
    parts = [festival.name, place(festival), date_range(festival.starts_on, festival.ends_on)]
    return " — ".join(part for part in parts if part)


def _list_item(festival: Festival, today: date) -> str:
    details = [place(festival), date_range(festival.starts_on, festival.ends_on)]
    text = f"<b>{escape(festival.name)}</b>"
    shown = [escape(detail) for detail in details if detail]
    if shown:
        text += " — " + ", ".join(shown)
    starts = festival.starts_on or festival.ends_on
    ends = festival.ends_on or festival.starts_on
    if starts is not None and ends is not None and starts <= today <= ends:
        text += " <b>(on now)</b>"
    return text
