"""Articles → Telegram HTML: the /latest page, one article in full, search results."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.render.common import (
    MAX_MESSAGE,
    callback_button,
    escape,
    format_date,
    keyboard,
    split_message,
    teaser,
    utf16_len,
)
from storage.models import MATCH_END, MATCH_START, Article, SearchHit

ARTICLE = "art"  # callback data art:<id> opens an article
MORE = "more"  # callback data more:<before id>:<page size> shows the next page of /latest
BUTTON_TITLE_CHARS = 40
SEARCH_CONTEXT_CHARS = 200
# Teaser and title lengths tried in turn until a /latest page fits in one message.
FITS = ((220, 300), (140, 300), (80, 200), (0, 120), (0, 60))
TRUNCATED_NOTE = "The source page cut this article short: this is all of it we have."
_MARKED = re.compile(f"{MATCH_START}([^{MATCH_START}{MATCH_END}]*){MATCH_END}")
_SENTINELS = re.compile(f"[{MATCH_START}{MATCH_END}]")
_SPACES = re.compile(r"\s+")


def article_date(article: Article) -> date:
    """When an article appeared: its page's date, else when it was stored."""
    return article.seen_on or article.created_at.date()


def open_button(article: Article) -> InlineKeyboardButton:
    """A button that opens ``article`` in full."""
    label = teaser(f"#{article.id} {article.title}", BUTTON_TITLE_CHARS)
    return callback_button(f"📖 {label}", f"{ARTICLE}:{article.id}")


def more_data(before_id: int, page_size: int) -> str:
    """Callback data of the button that shows the articles before ``before_id``."""
    return f"{MORE}:{before_id}:{page_size}"


def latest_page(
    articles: Sequence[Article], *, page_size: int, has_more: bool, first: bool = True
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of /latest: title, date and teaser of each article; open and More buttons."""
    if not articles:
        return "No articles yet.", None
    heading = "📰 <b>Latest news</b>" if first else "📰 <b>Older news</b>"
    text = _fit(
        lambda teaser_chars, title_chars: _latest_text(
            heading, articles, teaser_chars, title_chars
        )
    )
    rows = [[open_button(article)] for article in articles]
    if has_more:
        rows.append([callback_button("More ▸", more_data(articles[-1].id, page_size))])
    return text, keyboard(rows)


def _latest_text(
    heading: str, articles: Sequence[Article], teaser_chars: int, title_chars: int
) -> str:
    return "\n\n".join(
        [heading, *(article_entry(article, teaser_chars, title_chars) for article in articles)]
    )


def article_entry(article: Article, teaser_chars: int, title_chars: int) -> str:
    """One article in a list: its title, date and number, and a teaser (none when 0)."""
    lines = [
        f"<b>{escape(teaser(article.title, title_chars))}</b>",
        f"<i>{format_date(article_date(article))}</i> · #{article.id}",
    ]
    if teaser_chars:
        lines.append(escape(teaser(article.body, teaser_chars)))
    return "\n".join(lines)


def _fit(render: Callable[[int, int], str]) -> str:
    """The first rendering (longest teasers first) that fits in one message."""
    for teaser_chars, title_chars in FITS:
        text = render(teaser_chars, title_chars)
        if utf16_len(text) <= MAX_MESSAGE:
            return text
    return split_message(text)[0]


def article_parts(article: Article) -> list[str]:
    """One article in full, split into messages at paragraph or sentence boundaries."""
    paragraphs = [escape(p.strip()) for p in article.body.split("\n") if p.strip()]
    header = (
        f"<b>{escape(article.title)}</b>\n"
        f"<i>{format_date(article_date(article))}</i> · #{article.id}"
    )
    blocks = [header, *paragraphs]
    if article.truncated:
        blocks.append(f"<i>{TRUNCATED_NOTE}</i>")
    if article.url and article.url.startswith(("https://", "http://")):
        blocks.append(f'<a href="{escape(article.url)}">Read it on the source site</a>')
    return split_message("\n\n".join(blocks))


def highlight(snippet: str, tag: str = "b") -> str:
    """A search snippet → HTML: escaped, with the marked matches in ``tag`` (bold)."""
    flat = _SPACES.sub(" ", snippet).strip()
    return _SENTINELS.sub("", _MARKED.sub(rf"<{tag}>\1</{tag}>", escape(flat)))


def search_results(
    words: str, hits: Sequence[SearchHit], *, limit: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Search hits, best first, each with its matching words in context and an open button."""
    shown = escape(" ".join(words.split()))
    if not hits:
        return (
            f"Nothing found for “{shown}”. Try fewer or other words, or /latest for the news.",
            None,
        )
    count = f"The {len(hits)} best matches" if len(hits) >= limit else _matches(len(hits))
    blocks = [f"🔎 <b>{count} for “{shown}”</b>"]
    for hit in hits:
        article = hit.article
        title, context = _title_and_context(hit)
        blocks.append(
            f"<b>{title}</b>\n"
            f"<i>{format_date(article_date(article))}</i> · #{article.id}\n"
            f"{context}"
        )
    text = split_message("\n\n".join(blocks))[0]
    return text, keyboard([[open_button(hit.article)] for hit in hits])


def _title_and_context(hit: SearchHit) -> tuple[str, str]:
    """The title and a line of context as HTML, with the matches marked where they are.

    The snippet comes from the title when the best match is there: the title is then shown
    marked, and the start of the body gives the context.
    """
    title = hit.article.title
    plain = _SPACES.sub(" ", _SENTINELS.sub("", hit.snippet)).strip()
    if plain == " ".join(title.split()):
        # Underlined, as the title is bold already.
        return highlight(hit.snippet, "u"), escape(teaser(hit.article.body, SEARCH_CONTEXT_CHARS))
    if plain.strip("…") in title:
        return escape(title), escape(teaser(hit.article.body, SEARCH_CONTEXT_CHARS))
    return escape(title), highlight(hit.snippet)


def _matches(count: int) -> str:
    return "1 match" if count == 1 else f"{count} matches"
