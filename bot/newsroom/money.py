"""Money in Decimal: reading amounts people type, converting through USD, rounding for display."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from storage.models import Rate

BASE = "USD"
# The region's currencies: /rates and /convert know them even before a rate is stored.
REGION_CODES = ("KGS", "KZT", "TJS", "TMT", "UZS")
# /convert 100 USD converts to this when no target is given.
USD_DEFAULT_TARGET = "KZT"
MAX_AMOUNT = Decimal(10) ** 15
MAX_AMOUNT_CHARS = 40
SIGNIFICANT_DIGITS = 4

_GROUP_SPACES = re.compile(r"[\s'_\u00a0\u202f\u2009]")
_LEADING_GROUP = re.compile(r"\+?\d{1,3}")
_MIDDLE_GROUP = re.compile(r"\d{3}")
_LAST_GROUP = re.compile(r"\d{3}(?:[.,]\d+)?")
_AMOUNT = re.compile(r"\+?[\d.,]+")
_CODE = re.compile(r"[A-Za-z]{3}")
_AMOUNT_WITH_CODE = re.compile(r"(?P<amount>[+\-−]?[\d.,]+)(?P<code>[A-Za-z]{3})")
_CONNECTORS = frozenset({"to", "in", "into", "->", "→", "=", "в"})
_CENT = Decimal("0.01")


class AmountError(ValueError):
    """An amount that cannot be used; the message says why, in words for the user."""


class ConversionUsageError(ValueError):
    """Arguments of /convert that are not AMOUNT FROM [TO]."""


class UnknownCurrency(LookupError):
    """A currency code with no rate and not one of the region's."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class RateMissing(LookupError):
    """A region currency whose rate is not known (yet)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class ConversionRequest:
    """What /convert was asked: an amount, its currency and the wanted one (None: default)."""

    amount: Decimal
    source: str
    target: str | None


@dataclass(frozen=True, slots=True)
class Conversion:
    """A done conversion, with the dates of the rates it used."""

    amount: Decimal
    source: str
    target: str
    result: Decimal
    as_of: tuple[date, ...]


def parse_amount(text: str) -> Decimal:
    """``100``, ``1,5``, ``1 000``, ``1,000.50``, ``1.000,50`` → Decimal; ``AmountError`` else.

    A lone comma is a decimal comma (``1,5``) unless it reads as a thousands separator too
    (``1,500``): that is refused as ambiguous. Exponents, NaN and Infinity are refused.
    """
    raw = text.strip()
    if len(raw) > MAX_AMOUNT_CHARS:
        raise AmountError("that amount is too long")
    if raw[:1] in ("-", "−"):
        raise AmountError("the amount cannot be negative")
    if not _spaced_groups_ok(raw):
        raise AmountError(f"“{text.strip()}” is not an amount I can read")
    compact = _GROUP_SPACES.sub("", raw)
    if not _AMOUNT.fullmatch(compact) or not any(char.isdigit() for char in compact):
        raise AmountError(f"“{text.strip()}” is not an amount I can read")
    number = _normalise(compact.removeprefix("+"), text.strip())
    value = Decimal(number)
    if value > MAX_AMOUNT:
        raise AmountError("that amount is too large")
    return value


def _spaced_groups_ok(text: str) -> bool:
    """Spaces (or ' or _) may only group thousands: ``1 000 000``, ``12 500,50``."""
    groups = _GROUP_SPACES.split(text)
    if len(groups) == 1:
        return True
    return (
        _LEADING_GROUP.fullmatch(groups[0]) is not None
        and all(_MIDDLE_GROUP.fullmatch(group) for group in groups[1:-1])
        and _LAST_GROUP.fullmatch(groups[-1]) is not None
    )


def _normalise(digits: str, shown: str) -> str:
    """Digits with ``.`` and ``,`` → a plain decimal string."""
    unreadable = AmountError(f"“{shown}” is not an amount I can read")
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal_mark = "." if digits.rindex(".") > digits.rindex(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        whole, _, fraction = digits.rpartition(decimal_mark)
        if decimal_mark in whole or not _grouped(whole, group_mark) or not fraction.isdigit():
            raise unreadable
        return whole.replace(group_mark, "") + "." + fraction
    mark = "." if dots else "," if commas else ""
    count = dots + commas
    if count == 0:
        return digits
    if count > 1:
        if not _grouped(digits, mark):
            raise unreadable
        return digits.replace(mark, "")
    whole, _, fraction = digits.partition(mark)
    if not fraction.isdigit():
        raise unreadable
    if mark == "," and len(fraction) == 3 and whole.isdigit() and not whole.startswith("0"):
        raise AmountError(
            f"“{shown}” could be {whole}{fraction} or {whole}.{fraction}: "
            "write it without the comma or with a dot"
        )
    return (whole or "0") + "." + fraction


def _grouped(digits: str, mark: str) -> bool:
    """``1,000,000``-style grouping: 1-3 digits, then groups of exactly three."""
    groups = digits.split(mark)
    return (
        all(group.isdigit() for group in groups)
        and 1 <= len(groups[0]) <= 3
        and all(len(group) == 3 for group in groups[1:])
    )


def parse_conversion(args: Sequence[str]) -> ConversionRequest:
    """``/convert`` arguments (``100 KZT``, ``1 000 kzt usd``, ``100kzt to usd``) → request."""
    given = [token for token in args if token]
    tokens = list(given)
    codes: list[str] = []
    while tokens and len(codes) < 2:
        last = tokens[-1]
        if _CODE.fullmatch(last):
            codes.insert(0, last.upper())
            tokens.pop()
        elif last.casefold() in _CONNECTORS and codes:
            tokens.pop()
        elif (attached := _AMOUNT_WITH_CODE.fullmatch(last)) and not codes[1:]:
            codes.insert(0, attached["code"].upper())
            tokens[-1] = attached["amount"]
            break
        else:
            break
    if not tokens and len(codes) == 2:  # "/convert abc KZT": the amount is not a number
        raise AmountError(f"“{given[0]}” is not an amount I can read")
    if not tokens or not codes:
        raise ConversionUsageError("an amount and a currency code are needed")
    amount = parse_amount(" ".join(tokens))
    return ConversionRequest(amount, codes[0], codes[1] if len(codes) > 1 else None)


def default_target(source: str) -> str:
    """Where ``source`` converts to when no target is given."""
    return USD_DEFAULT_TARGET if source == BASE else BASE


def known_codes(rates: Mapping[str, Rate]) -> list[str]:
    """Every code /convert accepts: USD, the region's and any other with a rate."""
    return sorted({BASE, *REGION_CODES, *rates})


def usd_value(code: str, rates: Mapping[str, Rate]) -> Decimal:
    """How many USD one unit of ``code`` is worth."""
    if code == BASE:
        return Decimal(1)
    rate = rates.get(code)
    if rate is None:
        raise RateMissing(code) if code in REGION_CODES else UnknownCurrency(code)
    if rate.value <= 0:
        raise RateMissing(code)
    return rate.value


def convert(amount: Decimal, source: str, target: str, rates: Mapping[str, Rate]) -> Conversion:
    """Convert through USD: ``amount`` × (USD per ``source``) ÷ (USD per ``target``)."""
    result = amount * usd_value(source, rates) / usd_value(target, rates)
    used = {rates[code].as_of for code in (source, target) if code != BASE}
    return Conversion(amount, source, target, result, tuple(sorted(used)))


def inverse(rate: Rate) -> Decimal:
    """Units of the currency per one unit of the base (``1 USD = 495.05 KZT``)."""
    return Decimal(1) / rate.value


def round_amount(value: Decimal) -> Decimal:
    """Two decimals from 1 up; four significant digits (at least two decimals) below."""
    if value == 0:
        return Decimal(0)
    if abs(value) >= 1:
        return value.quantize(_CENT, rounding=ROUND_HALF_UP)
    exponent = min(value.adjusted() - SIGNIFICANT_DIGITS + 1, -2)
    rounded = value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)
    if _exponent(rounded) < -2:
        rounded = rounded.normalize()
        if _exponent(rounded) > -2:
            rounded = rounded.quantize(_CENT)
    return rounded


def _exponent(value: Decimal) -> int:
    """The exponent of a finite ``Decimal`` (``as_tuple`` types it as int or a NaN marker)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int), "finite values only"
    return exponent


def format_amount(value: Decimal) -> str:
    """A computed amount, rounded, with thousands separators: ``12,500.00``, ``0.00202``."""
    return f"{round_amount(value):,f}"


def format_number(value: Decimal) -> str:
    """A given amount exactly as precise as it was given, with thousands separators."""
    return f"{value:,f}"


def format_change(change_pct: Decimal | None) -> str:
    """``+0.5%``, ``-0.19%``, ``0%``; ``n/a`` when unknown."""
    if change_pct is None:
        return "n/a"
    if change_pct == 0:
        return "0%"
    return f"{change_pct:+f}%"
