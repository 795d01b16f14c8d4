"""Shared by the bank adapters: quote types, safe reading, sanity checks, USD normalisation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Context, Decimal
from types import MappingProxyType
from typing import NamedTuple, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

USD = "USD"
WANTED = ("KZT", "KGS", "UZS", "TJS", "TMT", "RUB", "EUR", "CNY")
# Significant digits of computed values: far more than any bank publishes; never a fixed scale.
PRECISION = 28


def _bounds(low: str, high: str) -> tuple[Decimal, Decimal]:
    """A sane range, inclusive."""
    return Decimal(low), Decimal(high)


# Units of a currency per 1 USD outside which a quote is refused as wildly wrong (a misplaced
# nominal or decimal point). Levels in 2024-2026: KZT ~480, KGS ~87, UZS ~12 000, TJS ~9.3-11,
# TMT 3.5 (pegged), RUB ~80-100, EUR ~0.86-0.95, CNY ~7.1-7.3. The ranges are several times wider
# so that a real devaluation still passes, yet a factor of 10 off does not.
SANE_PER_USD: Mapping[str, tuple[Decimal, Decimal]] = MappingProxyType(
    {
        "KZT": _bounds("100", "2000"),
        "KGS": _bounds("40", "200"),
        "UZS": _bounds("3000", "40000"),
        "TJS": _bounds("5", "30"),
        "TMT": _bounds("2", "10"),
        "RUB": _bounds("20", "300"),
        "EUR": _bounds("0.5", "2"),
        "CNY": _bounds("4", "15"),
    }
)

_CODE = re.compile(r"[A-Z]{3}")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?", re.ASCII)
_NOMINAL = re.compile(r"\d+", re.ASCII)
_BOM = rb"(?:\xef\xbb\xbf)?"
_DECLARED = re.compile(_BOM + rb"""\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_HTML = re.compile(_BOM + rb"\s*<(?:!doctype\s+html|html)\b", re.IGNORECASE)
_CP1251 = frozenset({"windows-1251", "cp1251", "win-1251", "x-cp1251"})


class BankPayloadError(ValueError):
    """A payload (or one of its lines) that cannot be used; the message names who and why."""

    def __init__(self, provider: str, problem: str, currency: str | None = None) -> None:
        where = f"{provider} {currency}" if currency else provider
        super().__init__(f"{where}: {problem}")
        self.provider = provider
        self.currency = currency
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Quote:
    """One line as the bank gave it: ``value`` home currency per ``nominal`` units of ``code``."""

    provider: str
    code: str
    nominal: int
    value: Decimal
    as_of: date
    name: str = ""

    @property
    def per_unit(self) -> Decimal:
        """Home currency per one unit of ``code``."""
        return _context().divide(self.value, self.nominal)

    @property
    def digits(self) -> int:
        """Significant digits the bank published (``87,4500`` → 6, ``0.0073`` → 2)."""
        return len(self.value.as_tuple().digits)


@dataclass(frozen=True, slots=True)
class BankPayload:
    """One parsed response: its quotes, its own date and the day that was asked for.

    ``as_of`` is the payload's date and may differ from ``asked``: NBKR dates its file the day
    the rates take effect (the next day), NBT answers a day outside its archive with today's
    file. ``skipped`` holds the errors of the non-essential lines that were left out.
    """

    provider: str
    home: str
    as_of: date
    asked: date
    quotes: tuple[Quote, ...]
    skipped: tuple[str, ...] = ()

    def quote(self, code: str) -> Quote | None:
        """The line for ``code``, if the payload has a usable one."""
        return next((quote for quote in self.quotes if quote.code == code), None)

    @property
    def usd(self) -> Quote:
        """The bank's USD line: home currency per USD; ``BankPayloadError`` without one."""
        quote = self.quote(USD)
        if quote is None:
            raise BankPayloadError(self.provider, "no USD line", USD)
        return quote


@dataclass(frozen=True, slots=True)
class UsdRate:
    """A currency as filmnews stores it: ``usd_value`` USD per one unit (``per_usd`` inverted).

    ``digits`` is the significant digits of the bank's value for this currency (its USD line for
    the home currency), so a display need not claim more precision than the source had; ``quote``
    is that raw line.
    """

    currency: str
    usd_value: Decimal
    per_usd: Decimal
    as_of: date
    provider: str
    digits: int
    quote: Quote


class Line(NamedTuple):
    """One currency line as text, as an adapter reads it, before any checking."""

    code: str
    nominal: str
    value: str
    as_of: date
    name: str = ""


class UrlBuilder(Protocol):
    """Builds a provider's endpoint for a day; a configured ``base_url`` replaces the default."""

    def __call__(self, day: date, base_url: str | None = None) -> str: ...


class PayloadParser(Protocol):
    """Parses a provider's raw response for the ``asked`` day."""

    def __call__(self, payload: bytes, asked: date) -> BankPayload: ...


@dataclass(frozen=True, slots=True)
class Provider:
    """One central bank: the authority for its ``home`` currency against USD."""

    name: str
    bank: str
    home: str
    default_url: str
    url: UrlBuilder
    parse: PayloadParser


def _context() -> Context:
    """A fresh arithmetic context (a shared one would be global mutable state)."""
    return Context(prec=PRECISION)


# --- endpoints ---------------------------------------------------------------------------------


def with_query(base: str, params: Mapping[str, str]) -> str:
    """``base`` with ``params`` set in its query string (replacing parameters of the same name)."""
    parts = urlsplit(base)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*kept, *params.items()])))


def with_path(base: str, tail: str) -> str:
    """``base``, a folder, with ``tail`` appended to its path (one slash between)."""
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{tail.lstrip('/')}"))


# --- reading -----------------------------------------------------------------------------------


def refuse_non_document(provider: str, payload: bytes) -> None:
    """``BankPayloadError`` for an empty payload or an HTML page (an error or block page)."""
    if not payload.strip():
        raise BankPayloadError(provider, "empty payload")
    if _HTML.match(payload):
        raise BankPayloadError(provider, "got an HTML page instead of the rates")


def xml_encoding(payload: bytes) -> str | None:
    """The encoding to read ``payload`` with instead of its declared one; None: trust it.

    NBT has sent UTF-8 bytes under a windows-1251 declaration. Non-ASCII bytes that decode as
    UTF-8 are practically never real windows-1251 Cyrillic, so such a payload is read as UTF-8.
    """
    declared = _DECLARED.match(payload)
    if declared is None or declared.group(1).decode("ascii").lower() not in _CP1251:
        return None
    if payload.isascii():
        return None
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


def read_xml(provider: str, payload: bytes, root: str) -> Element:
    """Parse ``payload`` bytes safely (no DTD, no entities) and check its root element's tag."""
    refuse_non_document(provider, payload)
    parser = DefusedXMLParser(encoding=xml_encoding(payload), forbid_dtd=True)
    try:
        parser.feed(payload)
        element: Element = parser.close()
    except DefusedXmlException as error:
        raise BankPayloadError(
            provider, f"refused XML with a DTD or entities (a possible XML bomb): {error!r}"
        ) from error
    except ParseError as error:
        raise BankPayloadError(provider, f"invalid XML: {error}") from error
    if element.tag != root:
        raise BankPayloadError(provider, f"unexpected root <{element.tag}>, not <{root}>")
    return element


def child_text(element: Element, tag: str) -> str:
    """The stripped text of ``element``'s first ``tag`` child; empty if there is none."""
    return (element.findtext(tag) or "").strip()


def parse_day(provider: str, text: str, fmt: str, currency: str | None = None) -> date:
    """A payload's date in ``fmt``; ``BankPayloadError`` if it does not read."""
    try:
        return datetime.strptime(text.strip(), fmt).date()
    except ValueError as error:
        raise BankPayloadError(provider, f"unreadable date {text!r}", currency) from error


def parse_value(provider: str, code: str, text: str) -> Decimal:
    """``87,4500`` or ``12194.21`` → an exact positive Decimal; ``BankPayloadError`` else."""
    cleaned = text.strip()
    if not _NUMBER.fullmatch(cleaned):
        raise BankPayloadError(provider, f"unparsable value {text!r}", code)
    value = Decimal(cleaned.replace(",", "."))
    if value <= 0:
        raise BankPayloadError(provider, f"value {text!r} is not positive", code)
    return value


def parse_nominal(provider: str, code: str, text: str) -> int:
    """The units a value is quoted per: a positive integer."""
    cleaned = text.strip()
    if not _NOMINAL.fullmatch(cleaned) or int(cleaned) == 0:
        raise BankPayloadError(provider, f"unusable nominal {text!r}", code)
    return int(cleaned)


def to_quote(provider: str, line: Line) -> Quote:
    """Check one line's code and numbers."""
    code = line.code.strip().upper()
    if not _CODE.fullmatch(code):
        raise BankPayloadError(provider, f"unusable currency code {line.code!r}")
    nominal = parse_nominal(provider, code, line.nominal)
    value = parse_value(provider, code, line.value)
    return Quote(provider, code, nominal, value, line.as_of, line.name.strip())


# --- sanity ------------------------------------------------------------------------------------


def check_sane(provider: str, code: str, per_usd: Decimal) -> None:
    """``BankPayloadError`` if ``per_usd`` units of ``code`` per USD is outside its sane range."""
    bounds = SANE_PER_USD.get(code)
    if bounds is not None and not bounds[0] <= per_usd <= bounds[1]:
        raise BankPayloadError(
            provider,
            f"{per_usd:.6g} per USD is outside the sane range {bounds[0]}..{bounds[1]}",
            code,
        )


def _usd_quote(provider: str, home: str, lines: list[Line]) -> Quote | None:
    """The checked USD line: missing (when required), duplicated or bad fails the payload."""
    found = [line for line in lines if line.code.strip().upper() == USD]
    if len(found) > 1:
        raise BankPayloadError(provider, "more than one USD line", USD)
    if not found:
        return None
    usd = to_quote(provider, found[0])
    check_sane(provider, home, usd.per_unit)
    return usd


def _foreign_quote(provider: str, home: str, usd: Quote | None, line: Line) -> Quote:
    """A checked non-USD line: its numbers and, with a USD line, its cross against USD."""
    quote = to_quote(provider, line)
    if quote.code == home:
        raise BankPayloadError(provider, "a line for the bank's own currency", home)
    if usd is not None:
        check_sane(provider, quote.code, _per_usd(usd, quote))
    return quote


def assemble(
    provider: str,
    home: str,
    as_of: date,
    asked: date,
    lines: Iterable[Line],
    *,
    require_usd: bool = True,
    skipped: Iterable[str] = (),
) -> BankPayload:
    """Check the lines: a bad USD line fails the payload, another bad line is skipped (noted)."""
    rows = list(lines)
    usd = _usd_quote(provider, home, rows)
    if usd is None and require_usd:
        raise BankPayloadError(provider, "no USD line", USD)
    quotes = [] if usd is None else [usd]
    notes = list(skipped)
    for line in rows:
        if line.code.strip().upper() == USD:
            continue
        try:
            quote = _foreign_quote(provider, home, usd, line)
            if any(seen.code == quote.code for seen in quotes):
                raise BankPayloadError(provider, "more than one line", quote.code)
        except BankPayloadError as error:
            notes.append(str(error))
            continue
        quotes.append(quote)
    return BankPayload(provider, home, as_of, asked, tuple(quotes), tuple(notes))


def merge(primary: BankPayload, extra: BankPayload) -> BankPayload:
    """``primary`` plus the lines of ``extra`` (same bank) it lacks, checked against its USD."""
    if (extra.provider, extra.home) != (primary.provider, primary.home):
        raise BankPayloadError(primary.provider, f"cannot merge a payload of {extra.provider}")
    usd = primary.usd
    quotes = list(primary.quotes)
    notes = [*primary.skipped, *extra.skipped]
    for quote in extra.quotes:
        if primary.quote(quote.code) is not None:
            continue
        try:
            check_sane(primary.provider, quote.code, _per_usd(usd, quote))
        except BankPayloadError as error:
            notes.append(str(error))
            continue
        quotes.append(quote)
    return replace(primary, quotes=tuple(quotes), skipped=tuple(notes))


# --- normalisation -----------------------------------------------------------------------------


def _per_usd(usd: Quote, quote: Quote) -> Decimal:
    """Units of ``quote.code`` per USD, crossed through the bank's USD line."""
    ctx = _context()
    return ctx.divide(
        ctx.multiply(usd.value, quote.nominal), ctx.multiply(quote.value, usd.nominal)
    )


def _usd_value(usd: Quote, quote: Quote) -> Decimal:
    """USD per one unit of ``quote.code``: (home per unit) / (home per USD), in one division."""
    ctx = _context()
    return ctx.divide(
        ctx.multiply(quote.value, usd.nominal), ctx.multiply(usd.value, quote.nominal)
    )


def normalise(payload: BankPayload, wanted: Iterable[str] = WANTED) -> list[UsdRate]:
    """The payload's currencies against USD: the home currency first, then ``wanted`` in order.

    Wanted currencies the payload lacks are left out; a cross takes its own line's date.
    """
    usd = payload.usd
    home = UsdRate(
        currency=payload.home,
        usd_value=_context().divide(usd.nominal, usd.value),
        per_usd=usd.per_unit,
        as_of=usd.as_of,
        provider=payload.provider,
        digits=usd.digits,
        quote=usd,
    )
    rates = [home]
    for code in dict.fromkeys(wanted):
        quote = payload.quote(code)
        if code in (payload.home, USD) or quote is None:
            continue
        rates.append(
            UsdRate(
                currency=code,
                usd_value=_usd_value(usd, quote),
                per_usd=_per_usd(usd, quote),
                as_of=quote.as_of,
                provider=payload.provider,
                digits=quote.digits,
                quote=quote,
            )
        )
    return rates
