"""Search results → Telegram HTML in the reader's language: "N matches", the page's hits with
their matching words in context, numbered open buttons, paging buttons, and "Did you mean …?"."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.render.common import (
    MAX_MESSAGE,
    callback_button,
    escape,
    keyboard,
    split_message,
    teaser,
    utf16_len,
)
from bot.render.news import ARTICLE
from storage.models import MATCH_END, MATCH_START, SearchHit, SearchPage

SEARCH = "srs"  # callback data srs:<saved search id>:<page number from 1>
CONTEXT_CHARS = 200
SHOWN_QUERY_CHARS = 60
FITS = (200, 120, 60, 0)  # context lengths tried in turn until a page fits in one message
_MARKED = re.compile(f"{MATCH_START}([^{MATCH_START}{MATCH_END}]*){MATCH_END}")
_SENTINELS = re.compile(f"[{MATCH_START}{MATCH_END}]")
_SPACES = re.compile(r"\s+")


def search_data(search_id: int, page: int) -> str:
    """Callback data of a button showing page ``page`` (from 1) of a saved search."""
    return f"{SEARCH}:{search_id}:{page}"


def highlight(snippet: str, tag: str = "b") -> str:
    """A marked snippet → HTML: escaped, with the marked words in ``tag``."""
    flat = _SPACES.sub(" ", snippet).strip()
    return _SENTINELS.sub("", _MARKED.sub(rf"<{tag}>\1</{tag}>", escape(flat)))


def shown(words: str) -> str:
    """The query as echoed to the reader: spaces collapsed, cut when long, escaped."""
    return escape(teaser(" ".join(words.split()), SHOWN_QUERY_CHARS))


def pages(result: SearchPage, page_size: int) -> int:
    """How many pages the ranked hits make."""
    return max(1, -(-result.ranked // page_size))


def results(
    t: Translator, words: str, result: SearchPage, *, page_size: int, search_id: int | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of hits, best first, with numbered open buttons and Previous / Next."""
    number = result.offset // page_size + 1
    heading = _count(t, words, result)
    last = pages(result, page_size)
    if last > 1:
        heading += " · " + t("page {page} of {pages}", page=t.number(number), pages=t.number(last))
    if result.ranked < result.total:
        heading += "\n" + t.plural(
            "<i>The best of the newest {number} are shown.</i>",
            "<i>The best of the newest {number} are shown.</i>",
            result.ranked,
            number=t.number(result.ranked),
        )
    text = _fit(t, heading, result.hits, result.offset)
    rows: list[list[InlineKeyboardButton]] = [
        [
            callback_button(str(result.offset + index), f"{ARTICLE}:{hit.article.id}")
            for index, hit in enumerate(result.hits, start=1)
        ]
    ]
    if search_id is not None:
        paging = []
        if number > 1:
            paging.append(callback_button(t("◂ Previous"), search_data(search_id, number - 1)))
        if number < last:
            paging.append(callback_button(t("Next ▸"), search_data(search_id, number + 1)))
        rows.append(paging)
    return text, keyboard([row for row in rows if row])


def _count(t: Translator, words: str, result: SearchPage) -> str:
    """The heading's count of matches and the query."""
    if result.more:
        return t(
            "🔎 <b>{number}+ matches for “{query}”</b>",
            number=t.number(result.total),
            query=shown(words),
        )
    return t.plural(
        "🔎 <b>{number} match for “{query}”</b>",
        "🔎 <b>{number} matches for “{query}”</b>",
        result.total,
        number=t.number(result.total),
        query=shown(words),
    )


def nothing_found(
    t: Translator, words: str, suggestion: str | None, search_id: int | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """No hits: say so, and offer the suggestion as a button when there is one."""
    if suggestion is None or search_id is None:
        text = t(
            "Nothing found for “{query}”. Try fewer or other words, or /latest for the news.",
            query=shown(words),
        )
        return text, None
    text = t(
        "Nothing found for “{query}”. Did you mean <b>{suggestion}</b>?",
        query=shown(words),
        suggestion=escape(suggestion),
    )
    button = callback_button(f"🔎 {teaser(suggestion, 40)}", search_data(search_id, 1))
    return text, keyboard([[button]])


def _fit(t: Translator, heading: str, hits: tuple[SearchHit, ...], offset: int) -> str:
    """The page with the longest contexts that fit in one message."""
    text = heading
    for context_chars in FITS:
        blocks = [heading]
        blocks += [_entry(t, hit, offset + n, context_chars) for n, hit in enumerate(hits, 1)]
        text = "\n\n".join(blocks)
        if utf16_len(text) <= MAX_MESSAGE:
            return text
    return split_message(text)[0]


def _entry(t: Translator, hit: SearchHit, number: int, context_chars: int) -> str:
    """One hit: number and title (matches underlined), date and id, the body's matches."""
    article = hit.article
    lines = [
        f"{number}. <b>{highlight(teaser(hit.title, 300), 'u')}</b>",
        f"<i>{t.date(article.dated)}</i> · #{article.id}",
    ]
    if context_chars:
        if hit.snippet:
            lines.append(highlight(_cut(hit.snippet, context_chars)))
        else:
            lines.append(escape(teaser(article.body, context_chars)))
    return "\n".join(lines)


def _cut(snippet: str, limit: int) -> str:
    """A marked snippet of at most about ``limit`` characters, never cutting inside a mark."""
    if len(snippet) <= limit:
        return snippet
    cut = snippet[:limit]
    if cut.count(MATCH_START) > cut.count(MATCH_END):
        cut = cut[: cut.rindex(MATCH_START)]
    return cut.rstrip() + "…"
