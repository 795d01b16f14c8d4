"""Articles → Telegram HTML in the reader's language: the /latest page, one article in full."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator, mark
from bot.render.common import (
    MAX_MESSAGE,
    callback_button,
    callback_ids,
    escape,
    keyboard,
    link_button,
    split_message,
    teaser,
    utf16_len,
)
from storage.models import Article, Position

# Callback data. art:<id> sends an article; art:<id>:<yyyymmdd>:<id>:<size> opens it in place of
# the /latest page at that position, with a Back button to it.
ARTICLE = "art"
# <prefix>:<yyyymmdd>:<id>:<page size>: the /latest page past (older), before (newer) or at a
# position; the date is part of the data, so a deleted article does not lose the place.
OLDER, NEWER, PAGE = "older", "newer", "page"
PART = "part"  # part:<id>:<index>: the parts of a long article from that one on
PARTS_AT_ONCE = 3  # parts of a long article sent at a time; a button offers the rest
NUMBERS_PER_ROW = 5
BUTTON_TITLE_CHARS = 40
# Teaser and title lengths tried in turn until a /latest page fits in one message.
FITS = ((220, 300), (140, 300), (80, 200), (0, 120), (0, 60))
TRUNCATED_NOTE = mark("The source page cut this article short: this is all of it we have.")


def article_date(article: Article) -> date:
    """When an article appeared: its page's date, else when it was stored."""
    return article.dated


def open_button(article: Article) -> InlineKeyboardButton:
    """A button that opens ``article`` in full."""
    label = teaser(f"#{article.id} {article.title}", BUTTON_TITLE_CHARS)
    return callback_button(f"📖 {label}", f"{ARTICLE}:{article.id}")


def page_data(prefix: str, position: Position, page_size: int) -> str:
    """Callback data of a /latest page button: older or newer than, or at, ``position``."""
    return f"{prefix}:{position.dated:%Y%m%d}:{position.id}:{page_size}"


def read_page_data(data: str | None, prefix: str) -> tuple[Position, int] | None:
    """``page_data`` back to (position, page size); None for anything malformed."""
    fields = callback_ids(data, prefix, count=3)
    return None if fields is None else _position(*fields)


def read_open_data(data: str | None) -> tuple[int, tuple[Position, int] | None] | None:
    """An open button's data → (article id, the /latest page it was on, if any); None when
    malformed."""
    alone = callback_ids(data, ARTICLE)
    if alone is not None:
        return alone[0], None
    fields = callback_ids(data, ARTICLE, count=4)
    if fields is None or (page := _position(*fields[1:])) is None:
        return None
    return fields[0], page


def _position(day: int, article_id: int, page_size: int) -> tuple[Position, int] | None:
    try:
        dated = datetime.strptime(f"{day:08d}", "%Y%m%d").date()
    except ValueError:
        return None
    return Position(dated, article_id), page_size


def latest_page(
    t: Translator, articles: Sequence[Article], *, page_size: int, older: bool, newer: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of /latest: numbered title, date and teaser of each article; numbered buttons
    that open one in place, and buttons to the newer and older pages."""
    if not articles:
        return t("No articles yet."), None
    heading = t("📰 <b>Older news</b>") if newer else t("📰 <b>Latest news</b>")
    text = _fit(
        lambda teaser_chars, title_chars: _latest_text(
            t, heading, articles, teaser_chars, title_chars
        )
    )
    at = articles[0].position
    numbers = [
        callback_button(str(number), _open_in_place(article, at, page_size))
        for number, article in enumerate(articles, 1)
    ]
    rows = [numbers[i : i + NUMBERS_PER_ROW] for i in range(0, len(numbers), NUMBERS_PER_ROW)]
    paging = []
    if newer:
        paging.append(callback_button(t("◂ Newer"), page_data(NEWER, at, page_size)))
    if older:
        paging.append(
            callback_button(t("Older ▸"), page_data(OLDER, articles[-1].position, page_size))
        )
    return text, keyboard([*rows, paging])


def _open_in_place(article: Article, page: Position, page_size: int) -> str:
    return f"{ARTICLE}:{article.id}:{page_data('', page, page_size).removeprefix(':')}"


def _latest_text(
    t: Translator,
    heading: str,
    articles: Sequence[Article],
    teaser_chars: int,
    title_chars: int,
) -> str:
    entries = (
        f"{number}. {article_entry(t, article, teaser_chars, title_chars)}"
        for number, article in enumerate(articles, 1)
    )
    return "\n\n".join([heading, *entries])


def article_entry(t: Translator, article: Article, teaser_chars: int, title_chars: int) -> str:
    """One article in a list: its title, date and number, and a teaser (none when 0)."""
    lines = [
        f"<b>{escape(teaser(article.title, title_chars))}</b>",
        dateline(t, article),
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


def dateline(t: Translator, article: Article) -> str:
    """An article's date in the reader's language, and its number."""
    return f"<i>{t.date(article_date(article))}</i> · #{article.id}"


def article_parts(t: Translator, article: Article) -> list[str]:
    """One article in full, split into messages at paragraph or sentence boundaries."""
    paragraphs = [escape(p.strip()) for p in article.body.split("\n") if p.strip()]
    header = f"<b>{escape(article.title)}</b>\n{dateline(t, article)}"
    blocks = [header, *paragraphs]
    if article.truncated:
        blocks.append(f"<i>{t(TRUNCATED_NOTE)}</i>")
    return split_message("\n\n".join(blocks))


def article_messages(
    t: Translator, article: Article, start: int = 0, *, share: InlineKeyboardButton | None = None
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The parts of an article from ``start`` on, ``PARTS_AT_ONCE`` of them; the last carries
    a button to the rest (if any), "Read at source" (if the article has a link) and ``share``."""
    parts = article_parts(t, article)
    shown = parts[start : start + PARTS_AT_ONCE]
    rows = [
        _continue_row(t, article, start + len(shown), len(parts)),
        [*_source_row(t, article), *([share] if share else [])],
    ]
    markup = keyboard(rows)
    return [(part, markup if n == len(shown) - 1 else None) for n, part in enumerate(shown)]


def article_in_place(
    t: Translator,
    article: Article,
    page: tuple[Position, int],
    *,
    share: InlineKeyboardButton | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """An article opened from a /latest page: its first part, "◂ Back" to the page, the
    button to the rest (if any), "Read at source" (if it has a link) and ``share``."""
    parts = article_parts(t, article)
    back = callback_button(t("◂ Back"), page_data(PAGE, *page))
    source = [*_source_row(t, article), *([share] if share else [])]
    markup = keyboard([_continue_row(t, article, 1, len(parts)), [back, *source]])
    assert markup is not None
    return parts[0], markup


def _continue_row(
    t: Translator, article: Article, start: int, total: int
) -> list[InlineKeyboardButton]:
    if start >= total:
        return []
    label = t.plural(
        "Continue reading ({count} more part) ▸",
        "Continue reading ({count} more parts) ▸",
        total - start,
    )
    return [callback_button(label, f"{PART}:{article.id}:{start}")]


def _source_row(t: Translator, article: Article) -> list[InlineKeyboardButton]:
    button = link_button(t("Read at source"), article.url)
    return [button] if button is not None else []
