"""National Bank of the Kyrgyz Republic: KGS per ``Nominal`` units, comma decimals, windows-1251.

``daily.xml`` (USD EUR CNY KZT RUB) and ``weekly.xml`` (TJS UZS TMT and others, no USD) serve the
current rates only: neither takes a date. Their ``Date`` is the day the rates take effect (the
daily one is usually the next day), so the payload's own date is kept, not the day asked.
"""

from __future__ import annotations

from datetime import date
from xml.etree.ElementTree import Element

from .normalise import assemble
from .quotes import BankPayload, Line, Provider
from .reading import child_text, parse_day, read_xml

NAME = "nbkr"
BANK = "National Bank of the Kyrgyz Republic"
HOME = "KGS"
DEFAULT_URL = "https://www.nbkr.kg/XML/daily.xml"
WEEKLY_URL = "https://www.nbkr.kg/XML/weekly.xml"


def url(day: date, base_url: str | None = None) -> str:
    """The daily rates; ``day`` is unused, as the endpoint takes no date."""
    return base_url or DEFAULT_URL


def weekly_url(day: date, base_url: str | None = None) -> str:
    """The weekly rates; ``day`` is unused, as the endpoint takes no date."""
    return base_url or WEEKLY_URL


def parse(payload: bytes, asked: date) -> BankPayload:
    """``daily.xml``: must have the USD line."""
    return _parse(payload, asked, require_usd=True)


def parse_weekly(payload: bytes, asked: date) -> BankPayload:
    """``weekly.xml``: no USD line; ``normalise.merge(daily, weekly)`` before normalising."""
    return _parse(payload, asked, require_usd=False)


def _parse(payload: bytes, asked: date, *, require_usd: bool) -> BankPayload:
    """``<CurrencyRates Date>`` with ``<Currency ISOCode>`` lines."""
    root = read_xml(NAME, payload, "CurrencyRates")
    as_of = parse_day(NAME, root.get("Date", ""), "%d.%m.%Y")
    lines = [_line(currency, as_of) for currency in root.iter("Currency")]
    return assemble(NAME, HOME, as_of, asked, lines, require_usd=require_usd)


def _line(currency: Element, as_of: date) -> Line:
    """One ``<Currency>``: ``Nominal`` and ``Value`` children."""
    return Line(
        code=currency.get("ISOCode", ""),
        nominal=child_text(currency, "Nominal"),
        value=child_text(currency, "Value"),
        as_of=as_of,
    )


PROVIDER = Provider(NAME, BANK, HOME, DEFAULT_URL, url, parse)
