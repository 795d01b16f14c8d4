"""The types the bank adapters share: a quote as the bank gave it, a parsed payload, a value
against USD, and the adapter's protocols."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal
from typing import NamedTuple, Protocol

USD = "USD"
WANTED = ("KZT", "KGS", "UZS", "TJS", "TMT", "RUB", "EUR", "CNY")
# Significant digits of computed values: far more than any bank publishes; never a fixed scale.
PRECISION = 28


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
        return decimal_context().divide(self.value, self.nominal)

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


def decimal_context() -> Context:
    """A fresh arithmetic context (a shared one would be global mutable state)."""
    return Context(prec=PRECISION)
