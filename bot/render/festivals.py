"""Festivals → Telegram HTML: the card, the choices, the list in pages, the near misses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.newsroom.calendar import Edition, known_edition, listing, next_edition
from bot.render.common import callback_button, escape, format_date, keyboard, plural, teaser
from bot.render.news import article_date, open_button
from storage.models import FESTIVAL_FACTS, Article, Festival

FESTIVAL = "fest"  # callback data fest:<id> shows a festival's card
PAGE = "fests"  # fests:<page> shows a page of /festivals
REMIND = "remind"  # remind:<id> asks for the festival's reminders
UNREMIND = "unremind"  # unremind:<id> drops them
BUTTON_NAME_CHARS = 48
LIST_PAGE_SIZE = 8
NUMBERS_PER_ROW = 4
SOME_KNOWN = 5
REMIND_LABEL = "🔔 Remind me"
UNREMIND_LABEL = "🔕 Stop reminding me"
# How each fact is named in the card's sources line.
_FACT_NAMES = {
    "kind": "kind",
    "aliases": "other names",
    "city": "city",
    "country": "country",
    "dates": "dates",
    "edition": "edition",
    "description": "description",
    "url": "website",
}


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


def remind_button(festival: Festival, reminded: bool) -> InlineKeyboardButton:
    """ "🔔 Remind me", or "🔕" to undo it."""
    if reminded:
        return callback_button(UNREMIND_LABEL, f"{UNREMIND}:{festival.id}")
    return callback_button(REMIND_LABEL, f"{REMIND}:{festival.id}")


def place(festival: Festival) -> str | None:
    """``Bishkek, Kyrgyzstan`` (either part may be missing)."""
    return ", ".join(part for part in (festival.city, festival.country) if part) or None


def when_text(edition: Edition | None, today: date) -> str:
    """An edition's dates as a card or a list shows them."""
    if edition is None:
        return "dates not known"
    if edition.expected:
        return f"next expected around {edition.starts_on:%B %Y}, dates not announced"
    text = date_range(edition.starts_on, edition.ends_on) or ""
    if edition.running(today):
        return f"{text} (on now)"
    return f"{text} (past)" if edition.ends_on < today else text


def festival_card(
    festival: Festival,
    articles: Sequence[Article],
    today: date,
    *,
    reminded: bool = False,
    mentions: int | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Name, kind, place, dates, edition, other names, description, where the facts come
    from, the latest articles naming it (``mentions`` of them in all); the reminder button."""
    facts = [festival.kind.capitalize(), place(festival)]
    known = known_edition(festival)
    when = [when_text(known, today)]
    if festival.edition:
        when.append(f"{ordinal(festival.edition)} edition")
    lines = [
        f"🎬 <b>{escape(festival.name)}</b>",
        escape(" · ".join(fact for fact in facts if fact)),
        f"📅 {escape(' · '.join(when))}",
    ]
    upcoming = next_edition(festival, today)
    if upcoming is not None and upcoming.expected:
        lines.append(f"⏭ {escape(when_text(upcoming, today))}")
    if festival.aliases:
        lines.append(f"Also known as: {escape(', '.join(festival.aliases))}")
    if festival.url and festival.url.startswith(("https://", "http://")):
        lines.append(f'<a href="{escape(festival.url)}">Website</a>')
    blocks = ["\n".join(lines)]
    if festival.description:
        blocks.append(escape(festival.description))
    if sources := _sources(festival):
        blocks.append(f"<i>{escape(sources)}</i>")
    if articles:
        news = [
            f"• {escape(article.title)} <i>({format_date(article_date(article))}, "
            f"#{article.id})</i>"
            for article in articles
        ]
        total = max(mentions or 0, len(articles))
        heading = f"<b>In the news</b> ({plural(total, 'article')} that {_name(total)} it)"
        blocks.append(heading + "\n" + "\n".join(news))
    else:
        blocks.append("<i>No articles mention it yet.</i>")
    rows = [[open_button(article)] for article in articles]
    rows.append([remind_button(festival, reminded)])
    return "\n\n".join(blocks), keyboard(rows)


def _name(count: int) -> str:
    return "names" if count == 1 else "name"


def _sources(festival: Festival) -> str:
    """``From the news: city, dates. From the newsroom: country.``"""
    given = {
        "kind": True,
        "aliases": bool(festival.aliases),
        "city": bool(festival.city),
        "country": bool(festival.country),
        "dates": known_edition(festival) is not None,
        "edition": festival.edition is not None,
        "description": bool(festival.description),
        "url": bool(festival.url),
    }
    shown = [fact for fact in FESTIVAL_FACTS if given[fact] and fact != "kind"]
    news = [_FACT_NAMES[f] for f in shown if not festival.source(f).newsroom]
    newsroom = [_FACT_NAMES[f] for f in shown if festival.source(f).newsroom]
    parts = []
    if news:
        parts.append(f"From the news: {', '.join(news)}.")
    if newsroom:
        parts.append(f"From the newsroom: {', '.join(newsroom)}.")
    return " ".join(parts)


def festival_choices(
    query: str, festivals: Sequence[Festival]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Several festivals match: one button each."""
    lines = [f"Several festivals match “{escape(query)}”. Which one?", ""]
    lines += [f"• {escape(_summary(festival))}" for festival in festivals]
    return "\n".join(lines), keyboard([[festival_button(festival)] for festival in festivals])


def no_festival(
    query: str, known: Sequence[Festival], articles: Sequence[Article] = (), total: int = 0
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Nothing matches: the articles that mention the words, else a few known festivals."""
    if articles:
        count = max(total, len(articles))
        verb = "mentions" if count == 1 else "mention"
        text = (
            f"I have no card for “{escape(query)}”, but {plural(count, 'article')} {verb} it:\n"
            + "\n".join(
                f"• {escape(article.title)} <i>(#{article.id})</i>" for article in articles
            )
        )
        return text, keyboard([[open_button(article)] for article in articles])
    text = f"I know no festival called “{escape(query)}”."
    if known:
        names = ", ".join(escape(festival.name) for festival in known[:SOME_KNOWN])
        text += f"\nSome I know: {names}.\nSend /festivals for all of them."
    return text, None


def festival_usage(known: Sequence[Festival]) -> str:
    """How to use /festival, with an example taken from the known festivals."""
    example = known[0].name.split()[0].lower() if known else "bishkek"
    return (
        f"Send /festival with a name, e.g. <code>/festival {escape(example)}</code>.\n"
        "Send /festivals for all of them."
    )


def festival_list(
    festivals: Sequence[Festival], today: date, page: int = 1
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of all festivals: upcoming (with the right years) first, then those without
    a known next date, then past editions, labelled; numbered buttons open the cards."""
    if not festivals:
        return "I know no festivals yet.", None
    groups = listing(festivals, today)
    ordered = groups.ordered
    pages = max(1, -(-len(ordered) // LIST_PAGE_SIZE))
    page = min(max(page, 1), pages)
    first = (page - 1) * LIST_PAGE_SIZE
    shown = ordered[first : first + LIST_PAGE_SIZE]
    editions = {festival.id: edition for festival, edition in groups.upcoming}
    undated = {festival.id for festival in groups.undated}
    title = "🎬 <b>Festivals</b>" + (f" · page {page} of {pages}" if pages > 1 else "")
    blocks, section = [title], ""
    items: list[str] = []
    for number, festival in enumerate(shown, start=first + 1):
        name = (
            "Upcoming"
            if festival.id in editions
            else "Next date not known"
            if festival.id in undated
            else "Past"
        )
        if name != section:
            if items:
                blocks.append("\n".join(items))
            items, section = [f"<b>{name}</b>"], name
        items.append(f"{number}. {_list_item(festival, editions.get(festival.id), today)}")
    blocks.append("\n".join(items))
    numbers = [
        callback_button(str(number), f"{FESTIVAL}:{festival.id}")
        for number, festival in enumerate(shown, start=first + 1)
    ]
    rows = [numbers[i : i + NUMBERS_PER_ROW] for i in range(0, len(numbers), NUMBERS_PER_ROW)]
    navigation = []
    if page > 1:
        navigation.append(callback_button("◂ Back", f"{PAGE}:{page - 1}"))
    if page < pages:
        navigation.append(callback_button("More ▸", f"{PAGE}:{page + 1}"))
    if navigation:
        rows.append(navigation)
    return "\n\n".join(blocks), keyboard(rows)


def _summary(festival: Festival) -> str:
    parts = [festival.name, place(festival), date_range(festival.starts_on, festival.ends_on)]
    return " — ".join(part for part in parts if part)


def _list_item(festival: Festival, edition: Edition | None, today: date) -> str:
    text = f"<b>{escape(festival.name)}</b>"
    details = [place(festival)]
    if edition is not None and edition.expected:
        known = known_edition(festival)
        assert known is not None
        details.append(
            f"expected around {edition.starts_on:%B %Y} "
            f"(last: {date_range(known.starts_on, known.ends_on)})"
        )
    elif edition is not None or known_edition(festival) is not None:
        details.append(when_text(edition or known_edition(festival), today))
    shown = [escape(detail) for detail in details if detail]
    return text + (" — " + ", ".join(shown) if shown else "")
