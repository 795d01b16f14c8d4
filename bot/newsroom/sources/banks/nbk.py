"""National Bank of Kazakhstan: KZT per ``quant`` units, from its RSS-like XML (weekdays only)."""

from __future__ import annotations

from datetime import date

from .normalise import assemble
from .quotes import BankPayload, Line, Provider
from .reading import child_text, parse_day, read_xml, with_query

NAME = "nbk"
BANK = "National Bank of Kazakhstan"
HOME = "KZT"
DEFAULT_URL = "https://nationalbank.kz/rss/get_rates.cfm"


def url(day: date, base_url: str | None = None) -> str:
    """The rates of ``day``: ``?fdate=dd.mm.yyyy``."""
    return with_query(base_url or DEFAULT_URL, {"fdate": day.strftime("%d.%m.%Y")})


def parse(payload: bytes, asked: date) -> BankPayload:
    """``<rates><date>`` and ``<item>``s: ``title`` code, ``description`` value, ``quant``."""
    root = read_xml(NAME, payload, "rates")
    as_of = parse_day(NAME, child_text(root, "date"), "%d.%m.%Y")
    lines = [
        Line(
            code=child_text(item, "title"),
            nominal=child_text(item, "quant"),
            value=child_text(item, "description"),
            as_of=as_of,
            name=child_text(item, "fullname"),
        )
        for item in root.iter("item")
    ]
    return assemble(NAME, HOME, as_of, asked, lines)


PROVIDER = Provider(NAME, BANK, HOME, DEFAULT_URL, url, parse)
