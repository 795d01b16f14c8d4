"""Dates and ranges in a sentence, in English and Russian ("April 3–8", "с 28 июня по 3 июля
2026 года"), deadlines and release dates left out, a missing year inferred from the tense."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

GUARD_REACH = 40  # characters before a date searched for "deadline", "released"...

_MONTH_NAMES = (
    ("january", "jan", "января"),
    ("february", "feb", "февраля"),
    ("march", "mar", "марта"),
    ("april", "apr", "апреля"),
    ("may", "мая"),
    ("june", "jun", "июня"),
    ("july", "jul", "июля"),
    ("august", "aug", "августа"),
    ("september", "sep", "sept", "сентября"),
    ("october", "oct", "октября"),
    ("november", "nov", "ноября"),
    ("december", "dec", "декабря"),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names}
_M = "|".join(sorted(_MONTHS, key=len, reverse=True))
_D = r"\d{1,2}(?:st|nd|rd|th)?(?!\d)"
_TO = r"(?:\s*[-–—]\s*|\s+(?:to|through|till|until|and|по|до)\s+)"
_Y = r"(?:19|20)\d\d(?!\d)(?:\s*(?:года|г\.))?"
_DATE = re.compile(
    rf"""
    (?<![\w.])
    (?:
        # April 3–8 / from May 22 to 27 / June 28 - July 3, 2026 / on May 12
        (?P<m1>{_M})\.?\s+(?P<d1>{_D})(?:,?\s+(?P<y1>{_Y}))?
        (?:{_TO}(?:(?P<m2>{_M})\.?\s+)?(?P<d2>{_D}))?
        (?:,?\s+(?P<y2>{_Y}))?
    |
        # 3–8 April / from 3 to 8 April 2027 / с 28 июня по 3 июля 2026 года
        (?P<d3>{_D})(?:\s+(?P<m3>{_M})(?:\s+(?P<y3>{_Y}))?)?
        {_TO}(?P<d4>{_D})\s+(?P<m4>{_M})(?:,?\s+(?P<y4>{_Y}))?
    |
        # 12 May / 12 мая 2026 г.
        (?P<d5>{_D})\s+(?:of\s+)?(?P<m5>{_M})(?:,?\s+(?P<y5>{_Y}))?
    )
    (?![\w])
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Words before a date that make it something else than the event's dates.
_DATE_GUARD = re.compile(
    r"""\b(?:deadline|submissions?|applications?|entries|apply|registration|release[sd]?
        |born|died|founded|established|closes?|closing|due|by|until|till|приём|прием|заяв\w*|до)\b""",
    re.VERBOSE | re.IGNORECASE,
)
_PAST = re.compile(
    r"""\b(?:took\s+place|was\s+held|were\s+held|closed|wrapped\s+up|ended|concluded|came\s+to
        |brought|hosted|showcased|gathered|drew|attracted|celebrated|screened|premiered|won
        |received|awarded|was|were
        |прош[её]л|прошла|прошли|завершил\w*|состоял\w*|проходил\w*|закрыл\w*|был|была|были)\b""",
    re.VERBOSE | re.IGNORECASE,
)
_FUTURE = re.compile(
    r"""\b(?:will|is\s+set|are\s+set|to\s+be\s+held|to\s+take\s+place|upcoming|scheduled|runs
        |opens|kicks\s+off|takes\s+place|starts|begins|hosts|is\s+hosting|this\s+week|next
        |пройд[её]т|пройдут|состоится|состоятся|будет|будут|стартует|откроется|проходит)\b""",
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateSpan:
    """Day, month and (maybe) year of a range's two ends, where it stands, and its tense."""

    start: int
    end: int
    first: tuple[int, int, int | None]  # day, month, year
    last: tuple[int, int, int | None]
    past: bool

    @property
    def is_range(self) -> bool:
        """Whether it spans more than one day."""
        return self.first != self.last


def dates_in(text: str) -> list[DateSpan]:
    """The dates and ranges of one sentence, except deadlines and release dates."""
    spans = []
    for match in _DATE.finditer(text):
        if _guarded(text, match.start()):
            continue
        if parsed := _parse_date(match):
            first, last = parsed
            past = _is_past(text, match.start(), match.end())
            spans.append(DateSpan(match.start(), match.end(), first, last, past))
    return spans


def _guarded(text: str, start: int) -> bool:
    """Whether the clause before a date makes it a deadline or a release date."""
    before = text[max(0, start - GUARD_REACH) : start]
    clause = re.split(r"[,;:.]", before)[-1]
    return _DATE_GUARD.search(clause) is not None


def _parse_date(match: re.Match[str]) -> tuple[tuple[int, int, int | None], ...] | None:
    """The two ends of a date match; None for "may 5" (the verb) or no real date."""
    groups = match.groupdict()
    if groups["m1"]:
        d1, m1, y1, d2, m2, y2 = "d1", "m1", "y1", "d2", "m2", "y2"
    elif groups["d4"]:
        d1, m1, y1, d2, m2, y2 = "d3", "m3", "y3", "d4", "m4", "y4"
    else:
        d1, m1, y1, d2, m2, y2 = "d5", "m5", "y5", "d5", "m5", "y5"
    if "may" in {groups[m1], groups[m2]}:  # lowercase "may" is the verb
        return None
    last_month = _month(groups[m2] or groups[m1])
    first_month = _month(groups[m1] or groups[m2])
    first_day, last_day = _day(groups[d1]), _day(groups[d2] or groups[d1])
    if not groups[m2] and groups[m1] and last_day < first_day:
        last_month = last_month % 12 + 1  # "May 30 – 2": the range runs into June
    start, end = (first_month, first_day), (last_month, last_day)
    first_year, last_year = _years(_year(groups[y1]), _year(groups[y2]), start, end)
    return (first_day, first_month, first_year), (last_day, last_month, last_year)


def _month(word: str) -> int:
    """The month number of a month word."""
    return _MONTHS[word.casefold().rstrip(".")]


def _day(text: str) -> int:
    """The day number of "3" or "3rd"."""
    return int(re.sub(r"\D", "", text))


def _year(text: str | None) -> int | None:
    """The year of "2026" or "2026 года"."""
    return int(text[:4]) if text else None


def _years(
    first: int | None, last: int | None, start: tuple[int, int], end: tuple[int, int]
) -> tuple[int | None, int | None]:
    """Both years of a range from whichever one the text gives ("Dec 28 – Jan 3, 2027")."""
    wraps = end < start
    if last is not None and first is None:
        first = last - 1 if wraps else last
    elif first is not None and last is None:
        last = first + 1 if wraps else first
    return first, last


def _is_past(text: str, start: int, end: int) -> bool:
    """Whether the verb nearest to a date says the event is over ("took place", "прошёл")."""
    distances: list[tuple[int, bool]] = []
    for pattern, past in ((_PAST, True), (_FUTURE, False)):
        for marker in pattern.finditer(text):
            gap = start - marker.end() if marker.end() <= start else marker.start() - end
            distances.append((max(gap, 0), not past))
    return bool(distances) and not min(distances)[1]


def resolve(span: DateSpan, published: date | None) -> tuple[date, date] | None:
    """The dates of a range, its missing year inferred from ``published`` and its tense."""
    (d1, m1, y1), (d2, m2, y2) = span.first, span.last
    if y1 is None or y2 is None:
        if published is None:
            return None
        wraps = (m2, d2) < (m1, d1)
        y1 = published.year
        y2 = y1 + 1 if wraps else y1
        try:
            if span.past and date(y1, m1, d1) > published:
                y1, y2 = y1 - 1, y2 - 1
            elif not span.past and date(y2, m2, d2) < published:
                y1, y2 = y1 + 1, y2 + 1
        except ValueError:
            return None
    try:
        first, last = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        return None
    return (first, last) if first <= last else None
