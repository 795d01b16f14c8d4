"""National Bank of Tajikistan: TJS per ``Nominal`` units (1, 10 or 100).

A date outside its archive silently gets today's file: compare ``as_of`` with ``asked``. It has
also sent UTF-8 bytes under a windows-1251 declaration (``reading.xml_encoding`` reads those).
"""

from __future__ import annotations

from datetime import date

from .normalise import assemble
from .quotes import BankPayload, Line, Provider
from .reading import child_text, parse_day, read_xml, with_query

NAME = "nbt"
BANK = "National Bank of Tajikistan"
HOME = "TJS"
DEFAULT_URL = "https://www.nbt.tj/en/kurs/export_xml.php"


def url(day: date, base_url: str | None = None) -> str:
    """The rates of ``day``: ``?date=yyyy-mm-dd&export=xmlout``."""
    return with_query(base_url or DEFAULT_URL, {"date": day.isoformat(), "export": "xmlout"})


def parse(payload: bytes, asked: date) -> BankPayload:
    """``<ValCurs Date>`` with ``<Valute>``s: ``CharCode``, ``Nominal``, ``Value``, ``Name``."""
    root = read_xml(NAME, payload, "ValCurs")
    as_of = parse_day(NAME, root.get("Date", ""), "%Y-%m-%d")
    lines = [
        Line(
            code=child_text(valute, "CharCode"),
            nominal=child_text(valute, "Nominal"),
            value=child_text(valute, "Value"),
            as_of=as_of,
            name=child_text(valute, "Name"),
        )
        for valute in root.iter("Valute")
    ]
    return assemble(NAME, HOME, as_of, asked, lines)


PROVIDER = Provider(NAME, BANK, HOME, DEFAULT_URL, url, parse)
