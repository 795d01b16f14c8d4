"""The scraped seed pages: currency ticker, page date and articles, from plain text.

A listing page is a header (ticker lines, the page date, the site's ``Viewing results`` counter,
in any order) followed by articles: a title line, a blank line, the body line(s), a blank line,
the next title... (a title with its body right under it is one article too). A page with no
date and no ticker whose first line has its body right under it is a single article page: every
line after the title is its body. Ticker and counter lines are read wherever they stand and end
a block like a blank line; the date is read in the header only.
"""

from __future__ import annotations

import codecs
import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

MAX_TITLE_CHARS = 300
# A page of the site is a few kilobytes; past these limits a file is not a page (a dump, a book)
# and an article would take Telegram dozens of messages: refused, with the limit named.
MAX_PAGE_BYTES = 5_000_000
MAX_ARTICLE_CHARS = 50_000

_MONTH_NAMES = (
    ("january", "jan", "января", "январь", "янв"),
    ("february", "feb", "февраля", "февраль", "фев"),
    ("march", "mar", "марта", "март"),
    ("april", "apr", "апреля", "апрель", "апр"),
    ("may", "мая", "май"),
    ("june", "jun", "июня", "июнь", "июн"),
    ("july", "jul", "июля", "июль", "июл"),
    ("august", "aug", "августа", "август", "авг"),
    ("september", "sep", "sept", "сентября", "сентябрь", "сен"),
    ("october", "oct", "октября", "октябрь", "окт"),
    ("november", "nov", "ноября", "ноябрь", "ноя"),
    ("december", "dec", "декабря", "декабрь", "дек"),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_COUNTER = re.compile(r"Viewing results\s+\d+\s*[-–]\s*\d+\s+of\s+\d+", re.IGNORECASE)
# Anything that starts like "• XXX/YYY =" is meant as a ticker line and must parse in full.
_TICKER_HINT = re.compile(r"•\s*[^\W\d_]{3}\s*/\s*[^\W\d_]{3}\s*=")
_TICKER = re.compile(
    r"•\s*(?P<currency>[A-Z]{3})\s*/\s*(?P<base>[A-Z]{3})\s*=\s*"
    r"(?P<value>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s+"
    r"(?P<change>[+\-−]?\d+(?:\.\d+)?)\s*%"
)
_DAY_MONTH_YEAR = re.compile(
    r"(?P<day>\d{1,2})\s+(?P<month>[^\W\d_]+)\.?,?\s+(?P<year>\d{4})(?:\s*г\.?)?"
)
_MONTH_DAY_YEAR = re.compile(r"(?P<month>[^\W\d_]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})")
# WordPress [caption ...]text[/caption]; an unclosed one (the excerpt was cut inside it) runs to
# the end. The loop can only stop at [/caption] or at the end, so it never backtracks.
_CAPTION = re.compile(
    r"\[caption\b[^\]]*(?:\](?:[^\[]+|\[(?!/caption\]))*)?(?:\[/caption\]|\Z)", re.IGNORECASE
)
_CAPTION_CLOSE = re.compile(r"\[/caption\]", re.IGNORECASE)
_ELLIPSIS_END = re.compile(r"\[?(?:\.{3,}|…)\]?\Z")


@dataclass(frozen=True, slots=True)
class TickerRate:
    """One currency of the page's ticker."""

    currency: str
    base: str
    value: Decimal
    change_pct: Decimal
    line: int


@dataclass(frozen=True, slots=True)
class PageArticle:
    """One article of a page; ``body`` has its paragraphs joined by newlines."""

    title: str
    body: str
    truncated: bool
    line: int


@dataclass(frozen=True, slots=True)
class Page:
    """Everything read from one page."""

    name: str
    date: date | None
    rates: tuple[TickerRate, ...]
    articles: tuple[PageArticle, ...]


class PageError(ValueError):
    """A page that cannot be parsed; str() is 'NAME:LINE: reason'."""

    def __init__(self, name: str, line: int, reason: str) -> None:
        super().__init__(f"{name}:{line}: {reason}")
        self.name = name
        self.line = line
        self.reason = reason

    def __reduce__(self) -> tuple[type[PageError], tuple[str, int, str]]:
        return type(self), (self.name, self.line, self.reason)


def check_page_size(path: Path) -> None:
    """``PageError`` when the file at ``path`` is too big to be a page (MAX_PAGE_BYTES)."""
    size = path.stat().st_size
    if size > MAX_PAGE_BYTES:
        reason = f"{size:,} bytes; a page may have at most {MAX_PAGE_BYTES:,}"
        raise PageError(path.name, 1, reason)


def read_page(path: Path) -> Page:
    """Read and parse the page in ``path``; undecodable or binary files raise ``PageError``."""
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise PageError(path.name, 1, "UTF-16 text; save the page as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start]
        raise PageError(path.name, line, f"not UTF-8 text (byte 0x{bad:02x})") from None
    return parse_page(text, path.name)


def parse_page(text: str, name: str = "<page>") -> Page:
    """Parse the text of one page; anything unreadable raises ``PageError`` naming the line."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PageError(name, 1, "the page is empty")
    control = _CONTROL.search(text)
    if control:
        at = text.count("\n", 0, control.start()) + 1
        code = ord(control.group())
        raise PageError(name, at, f"binary data, not text (control character U+{code:04X})")

    rates: dict[tuple[str, str], TickerRate] = {}
    page_date: date | None = None
    date_line = 0
    content = _Content()
    in_header = True
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or (line[0] in "Vv" and _COUNTER.fullmatch(line)):
            pass
        elif line[0] == "•" and _TICKER_HINT.match(line):
            _add_rate(rates, _ticker(line, number, name), name)
        elif in_header and (found := _page_date(line, number, name)):
            if page_date is None:
                page_date, date_line = found, number
            elif found != page_date:
                reason = (
                    f"a second page date, {found:%d %B %Y}; "
                    f"line {date_line} says {page_date:%d %B %Y}"
                )
                raise PageError(name, number, reason)
        else:
            in_header = False
            content.texts.append(line)
            content.numbers.append(number)
            continue
        content.end_block()  # blank, ticker, counter and date lines all end a block
    content.end_block()

    if rates and page_date is None:
        first = min(rate.line for rate in rates.values())
        raise PageError(name, first, "currency rates but no page date, so their date is unknown")
    articles = _articles(content, name, single=page_date is None and not rates)
    if page_date is None and not rates and not articles:
        raise PageError(name, 1, "no page date, currency rates or articles on the page")
    return Page(name, page_date, tuple(rates.values()), articles)


def _ticker(line: str, number: int, name: str) -> TickerRate:
    match = _TICKER.fullmatch(line)
    if match is None:
        shown = line if len(line) <= 80 else f"{line[:77]}..."
        reason = (
            f"malformed currency ticker {shown!r} (expected e.g. '• KGS/USD = 0.01143 -0.19%')"
        )
        raise PageError(name, number, reason)
    currency, base = match["currency"], match["base"]
    if currency == base:
        raise PageError(name, number, f"a ticker of {currency} against itself")
    value = Decimal(match["value"].replace(",", ""))
    if not value:
        raise PageError(name, number, f"a rate of zero for {currency}/{base}")
    change = Decimal(match["change"].replace("−", "-"))
    if change.is_zero():  # "-0%" is no change, not a negative one
        change = change.copy_abs()
    return TickerRate(currency, base, value, change, number)


def _add_rate(rates: dict[tuple[str, str], TickerRate], rate: TickerRate, name: str) -> None:
    first = rates.setdefault((rate.currency, rate.base), rate)
    if (first.value, first.change_pct) != (rate.value, rate.change_pct):
        reason = (
            f"{rate.currency}/{rate.base} = {rate.value} {rate.change_pct}% contradicts "
            f"{first.value} {first.change_pct}% on line {first.line}"
        )
        raise PageError(name, rate.line, reason)


def _page_date(line: str, number: int, name: str) -> date | None:
    """The date a header line names, None when it names none; an impossible date raises."""
    match = _DAY_MONTH_YEAR.fullmatch(line) or _MONTH_DAY_YEAR.fullmatch(line)
    if match is None:
        return None
    word = match["month"].casefold()
    month = _MONTHS.get(word)
    if month is None:
        # "07 Febuary 2026" is a broken date line, not the title of an article page.
        if match.re is _DAY_MONTH_YEAR and difflib.get_close_matches(word, _MONTHS, 1, 0.8):
            raise PageError(name, number, f"unknown month {match['month']!r} in the page date")
        return None
    try:
        return date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        raise PageError(name, number, f"no such date: {line!r}") from None


@dataclass(slots=True)
class _Content:
    """The lines left for articles, kept flat: few objects, so that huge pages stay fast."""

    texts: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)  # each block ends before texts[end]

    def end_block(self) -> None:
        """Close the block being read, if any line was added since the last one."""
        if len(self.texts) > (self.ends[-1] if self.ends else 0):
            self.ends.append(len(self.texts))


def _articles(content: _Content, name: str, *, single: bool) -> tuple[PageArticle, ...]:
    """Pair titles with bodies; ``single`` allows the one-article form (title, then body)."""
    ends = content.ends
    if single and ends and ends[0] > 1:
        return (_article(content, 0, len(content.texts), name),)
    articles: list[PageArticle] = []
    start = index = 0
    while index < len(ends):
        stop = ends[index]
        if stop - start > 1:  # a title with its body right under it, no blank line between
            index += 1
        elif index + 1 < len(ends):
            stop = ends[index + 1]
            index += 2
        else:
            title = content.texts[start]
            _check_title(title, content.numbers[start], name)
            raise PageError(name, content.numbers[start], f"the title {title!r} has no body")
        articles.append(_article(content, start, stop, name))
        start = stop
    return tuple(articles)


def _check_title(title: str, number: int, name: str) -> None:
    if len(title) > MAX_TITLE_CHARS:
        reason = (
            f"a {len(title)}-character line where a title should be; "
            "is a title or a blank line missing above it?"
        )
        raise PageError(name, number, reason)


def _article(content: _Content, start: int, stop: int, name: str) -> PageArticle:
    """The article whose title is content line ``start`` and whose body runs up to ``stop``."""
    title, number = content.texts[start], content.numbers[start]
    _check_title(title, number, name)
    raw = "\n".join(content.texts[start + 1 : stop])
    truncated = _ellipsis_at(raw) < len(raw)
    if "[" in raw:
        raw = _CAPTION_CLOSE.sub(" ", _CAPTION.sub(" ", raw))
    body = "\n".join(filter(None, (" ".join(paragraph.split()) for paragraph in raw.split("\n"))))
    end = _ellipsis_at(body)
    if end < len(body):
        truncated = True
        body = body[:end].rstrip()
    if not body:
        raise PageError(name, number, f"the title {title!r} has no body")
    if len(body) > MAX_ARTICLE_CHARS:
        reason = (
            f"the article {title[:80]!r} is {len(body):,} characters long; "
            f"an article may have at most {MAX_ARTICLE_CHARS:,}"
        )
        raise PageError(name, number, reason)
    return PageArticle(" ".join(title.split()), body, truncated, number)


def _ellipsis_at(text: str) -> int:
    """Where the ellipsis that cuts ``text`` starts; ``len(text)`` when it is not cut."""
    if not text.endswith((".", "…", "]")):
        return len(text)
    match = _ELLIPSIS_END.search(text, max(0, len(text) - 16))
    return len(text) if match is None else match.start()
