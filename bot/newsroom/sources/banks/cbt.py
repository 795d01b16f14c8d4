"""Central Bank of Turkmenistan: TMT per ``multiplier`` units; the manat is pegged to USD.

The site is often unreachable from abroad, answers 404 on Sundays and refuses default user
agents: send ``USER_AGENT``, and fall back on ``pegged(day)`` when it cannot be had.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .normalise import assemble
from .quotes import USD, BankPayload, Line, Provider, Quote
from .reading import child_text, parse_day, read_xml, with_path

NAME = "cbt"
BANK = "Central Bank of Turkmenistan"
HOME = "TMT"
DEFAULT_URL = "https://cbt.tm/kurs/"
# Browser-compatible prefix: the site turns away library defaults such as ``Python-urllib``.
USER_AGENT = (
    "Mozilla/5.0 (compatible; filmnews/0.1; +https://github.com/filmnews; Telegram film news bot)"
)
MANAT_PEG = Decimal("3.5")  # TMT per USD, official since 2015
PEG_PROVIDER = "cbt-peg"
_SUNDAY = 6


def url(day: date, base_url: str | None = None) -> str:
    """The rates of ``day``: ``yyyy/ddmmyyyy.xml`` under the base."""
    return with_path(base_url or DEFAULT_URL, f"{day:%Y}/{day:%d%m%Y}.xml")


def publishes(day: date) -> bool:
    """Whether the bank has a file for ``day`` (none on Sundays)."""
    return day.weekday() != _SUNDAY


def parse(payload: bytes, asked: date) -> BankPayload:
    """``<cbt_currency_rate><date>`` with ``<rate code>``s: ``rate_tmt`` per ``multiplier``."""
    root = read_xml(NAME, payload, "cbt_currency_rate")
    as_of = parse_day(NAME, child_text(root, "date"), "%d.%m.%Y")
    lines = [
        Line(
            code=rate.get("code", ""),
            nominal=child_text(rate, "multiplier"),
            value=child_text(rate, "rate_tmt"),
            as_of=as_of,
            name=child_text(rate, "name"),
        )
        for rate in root.iter("rate")
    ]
    return assemble(NAME, HOME, as_of, asked, lines)


def peg_quote(day: date) -> Quote:
    """The USD line at the official peg, for when the bank cannot be reached."""
    return Quote(PEG_PROVIDER, USD, 1, MANAT_PEG, day, "US dollar (official peg)")


def pegged(day: date) -> BankPayload:
    """A payload holding only the pegged USD line: ``normalise`` gives TMT = 1/3.5 USD."""
    return BankPayload(PEG_PROVIDER, HOME, day, day, (peg_quote(day),))


PROVIDER = Provider(NAME, BANK, HOME, DEFAULT_URL, url, parse)
