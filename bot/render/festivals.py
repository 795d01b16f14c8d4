"""Festivals → Telegram HTML: the card, the choices, the list in pages, the near misses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator, mark
from bot.newsroom.calendar import Edition, coming_up, known_edition, listing, next_edition
from bot.render.common import callback_button, escape, keyboard, quote, teaser
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
REMIND_LABEL = mark("🔔 Remind me")
UNREMIND_LABEL = mark("🔕 Stop reminding me")
# How each fact is named in the card's sources line.
_FACT_NAMES = {
    "kind": mark("kind"),
    "aliases": mark("other names"),
    "city": mark("city"),
    "country": mark("country"),
    "dates": mark("dates"),
    "edition": mark("edition"),
    "description": mark("description"),
    "url": mark("website"),
}
# The kinds the newsroom stores, as a card names them; another kind (from the festivals
# file) is shown as written.
_KIND_NAMES = {
    "festival": mark("Festival"),
    "award": mark("Award"),
    "film camp": mark("Film camp"),
    "film lab": mark("Film lab"),
}
# "9th edition": one message per English ordinal suffix (each language writes its own form).
_EDITIONS = {
    "st": mark("{number}st edition"),
    "nd": mark("{number}nd edition"),
    "rd": mark("{number}rd edition"),
    "th": mark("{number}th edition"),
}


def date_range(t: Translator, starts_on: date | None, ends_on: date | None) -> str | None:
    """``11–15 June 2025``, ``30 May – 2 June 2025``, ``from 11 June 2025``; None if undated."""
    if starts_on is None and ends_on is None:
        return None
    if starts_on is None:
        assert ends_on is not None
        return t("until {date}", date=t.date(ends_on))
    if ends_on is None or ends_on == starts_on:
        return t.date(starts_on) if ends_on else t("from {date}", date=t.date(starts_on))
    if (starts_on.year, starts_on.month) == (ends_on.year, ends_on.month):
        return f"{starts_on.day}–{t.date(ends_on)}"
    if starts_on.year == ends_on.year:
        return f"{t.short_date(starts_on)} – {t.date(ends_on)}"
    return f"{t.date(starts_on)} – {t.date(ends_on)}"


def month_year(t: Translator, day: date) -> str:
    """``June 2026``, as the reader's language names the month on its own."""
    return format_date(day, format="LLLL y", locale=t.locale)


def edition_text(t: Translator, number: int) -> str:
    """``1st edition``, ``2nd edition``, ``11th edition``, ``23rd edition``."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return t(_EDITIONS[suffix], number=number)


def kind_name(t: Translator, kind: str) -> str:
    """``Festival``, ``Award``, ``Film camp``… in the reader's language."""
    known = _KIND_NAMES.get(kind)
    return t(known) if known else kind.capitalize()


def festival_button(festival: Festival) -> InlineKeyboardButton:
    """A button that shows the festival's card."""
    return callback_button(
        f"🎬 {teaser(festival.name, BUTTON_NAME_CHARS)}", f"{FESTIVAL}:{festival.id}"
    )


def remind_button(t: Translator, festival: Festival, reminded: bool) -> InlineKeyboardButton:
    """ "🔔 Remind me", or "🔕" to undo it."""
    if reminded:
        return callback_button(t(UNREMIND_LABEL), f"{UNREMIND}:{festival.id}")
    return callback_button(t(REMIND_LABEL), f"{REMIND}:{festival.id}")


def place(festival: Festival) -> str | None:
    """``Bishkek, Kyrgyzstan`` (either part may be missing)."""
    return ", ".join(part for part in (festival.city, festival.country) if part) or None


def when_text(t: Translator, edition: Edition | None, today: date) -> str:
    """An edition's dates as a card or a list shows them."""
    if edition is None:
        return t("dates not known")
    if edition.expected:
        return t(
            "next expected around {month}, dates not announced",
            month=month_year(t, edition.starts_on),
        )
    text = date_range(t, edition.starts_on, edition.ends_on) or ""
    if edition.running(today):
        return t("{dates} (on now)", dates=text)
    return t("{dates} (past)", dates=text) if edition.ends_on < today else text


def festival_card(
    t: Translator,
    festival: Festival,
    articles: Sequence[Article],
    today: date,
    *,
    reminded: bool = False,
    mentions: int | None = None,
    extra_row: Sequence[InlineKeyboardButton] = (),
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Name, kind, place, dates, edition, other names, description, where the facts come
    from, the latest articles naming it (``mentions`` of them in all); the reminder button
    and ``extra_row`` (Follow, Share)."""
    facts = [kind_name(t, festival.kind), place(festival)]
    known = known_edition(festival)
    when = [when_text(t, known, today)]
    if festival.edition:
        when.append(edition_text(t, festival.edition))
    lines = [
        f"🎬 <b>{escape(festival.name)}</b>",
        escape(" · ".join(fact for fact in facts if fact)),
        f"📅 {escape(' · '.join(when))}",
    ]
    upcoming = next_edition(festival, today)
    if upcoming is not None and upcoming.expected:
        lines.append(f"⏭ {escape(when_text(t, upcoming, today))}")
    if festival.aliases:
        lines.append(t("Also known as: {names}", names=escape(", ".join(festival.aliases))))
    if festival.url and festival.url.startswith(("https://", "http://")):
        lines.append(t('<a href="{url}">Website</a>', url=escape(festival.url)))
    blocks = ["\n".join(lines)]
    if festival.description:
        blocks.append(escape(festival.description))
    if sources := _sources(t, festival):
        blocks.append(f"<i>{escape(sources)}</i>")
    if articles:
        news = [
            f"• {escape(article.title)} <i>({t.date(article_date(article))}, #{article.id})</i>"
            for article in articles
        ]
        total = max(mentions or 0, len(articles))
        heading = t.plural(
            "<b>In the news</b> ({count} article that names it)",
            "<b>In the news</b> ({count} articles that name it)",
            total,
        )
        blocks.append(heading + "\n" + "\n".join(news))
    else:
        blocks.append(t("<i>No articles mention it yet.</i>"))
    rows = [[open_button(article)] for article in articles]
    rows.append([remind_button(t, festival, reminded)])
    rows.append(list(extra_row))
    return "\n\n".join(blocks), keyboard(rows)


def _sources(t: Translator, festival: Festival) -> str:
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
    news = [t(_FACT_NAMES[f]) for f in shown if not festival.source(f).newsroom]
    newsroom = [t(_FACT_NAMES[f]) for f in shown if festival.source(f).newsroom]
    parts = []
    if news:
        parts.append(t("From the news: {facts}.", facts=", ".join(news)))
    if newsroom:
        parts.append(t("From the newsroom: {facts}.", facts=", ".join(newsroom)))
    return " ".join(parts)


def festival_choices(
    t: Translator, query: str, festivals: Sequence[Festival]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Several festivals match: one button each."""
    lines = [t("Several festivals match “{query}”. Which one?", query=quote(query)), ""]
    lines += [f"• {escape(_summary(t, festival))}" for festival in festivals]
    return "\n".join(lines), keyboard([[festival_button(festival)] for festival in festivals])


def no_festival(
    t: Translator,
    query: str,
    known: Sequence[Festival],
    articles: Sequence[Article] = (),
    total: int = 0,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Nothing matches: the articles that mention the words, else a few known festivals."""
    if articles:
        heading = t.plural(
            "I have no card for “{query}”, but {count} article mentions it:",
            "I have no card for “{query}”, but {count} articles mention it:",
            max(total, len(articles)),
            query=quote(query),
        )
        text = "\n".join([heading, *(f"• {escape(a.title)} <i>(#{a.id})</i>" for a in articles)])
        return text, keyboard([[open_button(article)] for article in articles])
    lines = [t("I know no festival called “{query}”.", query=quote(query))]
    if known:
        names = ", ".join(escape(festival.name) for festival in known[:SOME_KNOWN])
        lines += [t("Some I know: {names}.", names=names), t("Send /festivals for all of them.")]
    return "\n".join(lines), None


def festival_usage(t: Translator, known: Sequence[Festival]) -> str:
    """How to use /festival, with an example taken from the known festivals."""
    example = known[0].name.split()[0].lower() if known else "bishkek"
    return "\n".join(
        [
            t(
                "Send /festival with a name, e.g. <code>/festival {example}</code>.",
                example=escape(example),
            ),
            t("Send /festivals for all of them."),
        ]
    )


def festival_list(
    t: Translator, festivals: Sequence[Festival], today: date, page: int = 1
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of all festivals: upcoming (with the right years) first, then those without
    a known next date, then past editions, labelled; numbered buttons open the cards."""
    if not festivals:
        return t("I know no festivals yet."), None
    groups = listing(festivals, today)
    ordered = groups.ordered
    pages = max(1, -(-len(ordered) // LIST_PAGE_SIZE))
    page = min(max(page, 1), pages)
    first = (page - 1) * LIST_PAGE_SIZE
    shown = ordered[first : first + LIST_PAGE_SIZE]
    editions = {festival.id: edition for festival, edition in groups.upcoming}
    undated = {festival.id for festival in groups.undated}
    title = (
        t("🎬 <b>Festivals</b> · page {page} of {pages}", page=page, pages=pages)
        if pages > 1
        else t("🎬 <b>Festivals</b>")
    )
    blocks, section = [title], ""
    items: list[str] = []
    for number, festival in enumerate(shown, start=first + 1):
        name = (
            t("Upcoming")
            if festival.id in editions
            else t("Next date not known")
            if festival.id in undated
            else t("Past")
        )
        if name != section:
            if items:
                blocks.append("\n".join(items))
            items, section = [f"<b>{name}</b>"], name
        items.append(f"{number}. {_list_item(t, festival, editions.get(festival.id), today)}")
    blocks.append("\n".join(items))
    numbers = [
        callback_button(str(number), f"{FESTIVAL}:{festival.id}")
        for number, festival in enumerate(shown, start=first + 1)
    ]
    rows = [numbers[i : i + NUMBERS_PER_ROW] for i in range(0, len(numbers), NUMBERS_PER_ROW)]
    navigation = []
    if page > 1:
        navigation.append(callback_button(t("◂ Back"), f"{PAGE}:{page - 1}"))
    if page < pages:
        navigation.append(callback_button(t("More ▸"), f"{PAGE}:{page + 1}"))
    if navigation:
        rows.append(navigation)
    return "\n\n".join(blocks), keyboard(rows)


def _summary(t: Translator, festival: Festival) -> str:
    dates = date_range(t, festival.starts_on, festival.ends_on)
    return " — ".join(part for part in (festival.name, place(festival), dates) if part)


def _list_item(t: Translator, festival: Festival, edition: Edition | None, today: date) -> str:
    text = f"<b>{escape(festival.name)}</b>"
    details = [place(festival)]
    if edition is not None and edition.expected:
        known = known_edition(festival)
        assert known is not None
        details.append(
            t(
                "expected around {month} (last: {dates})",
                month=month_year(t, edition.starts_on),
                dates=date_range(t, known.starts_on, known.ends_on),
            )
        )
    elif edition is not None or known_edition(festival) is not None:
        details.append(when_text(t, edition or known_edition(festival), today))
    shown = [escape(detail) for detail in details if detail]
    return text + (" — " + ", ".join(shown) if shown else "")


def coming_up_line(
    t: Translator, festivals: Sequence[Festival], today: date, limit: int
) -> str | None:
    """The digest's line of the festivals opening within two weeks (``limit`` at most)."""
    soon = coming_up(festivals, today)[:limit]
    if not soon:
        return None
    items = []
    for festival in soon:
        facts = [date_range(t, festival.starts_on, festival.ends_on), festival.city]
        details = ", ".join(escape(fact) for fact in facts if fact)
        items.append(f"<b>{escape(festival.name)}</b>" + (f" ({details})" if details else ""))
    return t("🎬 <b>Coming up:</b> {festivals}", festivals=" · ".join(items))
