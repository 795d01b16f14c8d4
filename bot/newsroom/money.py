"""Money in Decimal: rates both ways, conversion through USD, changes, staleness, and showing a
value no more precisely than its source gave it, whatever the database holds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact

from bot.i18n import mark
from bot.newsroom.amounts import UnknownCurrency, shown_word
from bot.newsroom.problems import Problem
from bot.newsroom.sources.banks.normalise import SANE_PER_USD
from storage.models import Rate

BASE = "USD"
# The region's currencies: /rates lists them first, and /convert knows them before any rate.
REGION_CODES = ("KGS", "KZT", "TJS", "TMT", "UZS")
# The banks' other lines worth following.
WORLD_CODES = ("RUB", "EUR", "CNY")
FOLLOWED = REGION_CODES + WORLD_CODES
# /convert 100 USD converts to this when no target is given.
USD_DEFAULT_TARGET = "KZT"
STALE_AFTER = timedelta(days=7)
# /setrate asks before moving a rate by more than this fraction.
CONFIRM_MOVE = Decimal("0.2")
# Magnitudes outside these can be no currency's rate: such a stored value is "unusable".
_SMALLEST, _LARGEST = Decimal("1e-40"), Decimal("1e40")
# Beyond these, a value is shown in scientific notation rather than as a wall of digits.
_PLAIN_ABOVE, _PLAIN_BELOW = 15, -12
_PRECISION = 40
NOT_AVAILABLE = "n/a"
# A rate of fewer significant digits was rounded hard by its source: results from it are "≈".
MIN_EXACT_DIGITS = 4


class RateMissing(LookupError):
    """A currency we follow whose rate is not known (yet), or whose stored value is unusable."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class RateRangeError(Problem):
    """A typed rate outside the currency's sane range; the message names the range."""


@dataclass(frozen=True, slots=True)
class Shown:
    """A value as text, and whether the text is rounded from it (shown with "≈"); ``value``
    is the rounded number when the text writes it out plainly (a locale may write it its own
    way), None when the text is ``NOT_AVAILABLE`` or in scientific notation."""

    text: str
    approximate: bool
    value: Decimal | None = None

    @property
    def equals(self) -> str:
        """``=`` or ``≈``, whichever is true."""
        return "≈" if self.approximate else "="


@dataclass(frozen=True, slots=True)
class Conversion:
    """A done conversion, with the rates it used and the precision of the least precise one."""

    amount: Decimal
    source: str
    target: str
    result: Decimal
    used: tuple[Rate, ...]
    digits: int | None
    exact: bool

    @property
    def as_of(self) -> tuple[date, ...]:
        """The dates of the rates used, oldest first."""
        return tuple(sorted({rate.as_of for rate in self.used}))


@dataclass(frozen=True, slots=True)
class RateReading:
    """What an admin's typed value means: ``per_usd`` units per USD, ``value`` USD per unit."""

    per_usd: Decimal
    value: Decimal
    quoted_per_usd: bool
    digits: int


def _context() -> Context:
    """A fresh arithmetic context (a shared one would be global mutable state)."""
    return Context(prec=_PRECISION, rounding=ROUND_HALF_UP)


def usable(value: Decimal | None) -> bool:
    """Whether a stored value can be a rate: finite, positive, of a plausible magnitude."""
    return value is not None and value.is_finite() and _SMALLEST <= value <= _LARGEST


def digits_of(rate: Rate) -> int:
    """The significant digits the rate's source gave (at least one)."""
    if rate.digits:
        return rate.digits
    return max(1, len(rate.value.as_tuple().digits)) if rate.value.is_finite() else 1


def per_usd(rate: Rate) -> Decimal:
    """Units of the currency per USD; ``RateMissing`` if the stored values are unusable."""
    if usable(rate.per_usd):
        assert rate.per_usd is not None
        return rate.per_usd
    if not usable(rate.value):
        raise RateMissing(rate.currency)
    return _context().divide(Decimal(1), rate.value)


def usd_per_unit(rate: Rate) -> Decimal:
    """USD per one unit of the currency; ``RateMissing`` if the stored values are unusable."""
    if usable(rate.value):
        return rate.value
    return _context().divide(Decimal(1), per_usd(rate))


def is_stale(rate: Rate, today: date) -> bool:
    """Older than a week."""
    return today - rate.as_of > STALE_AFTER


def change_pct(rate: Rate, previous: Rate | None = None) -> Decimal | None:
    """The currency's change against USD since ``previous`` (default its own), in percent."""
    before = previous or rate.previous
    if before is None:
        return None
    try:
        now, then = usd_per_unit(rate), usd_per_unit(before)
    except RateMissing:
        return None
    ctx = _context()
    change = ctx.multiply(ctx.subtract(ctx.divide(now, then), Decimal(1)), Decimal(100))
    if change.adjusted() >= _PLAIN_ABOVE:  # absurd rows: a few digits, not a wall of them
        return Context(prec=3).plus(change)
    return change.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP, context=ctx)


def format_change(change: Decimal | None) -> str:
    """``+0.50%``, ``-0.19%``, ``0.00%``; ``n/a`` when unknown."""
    if change is None or not change.is_finite():
        return NOT_AVAILABLE
    if change == 0:
        return "0.00%"
    return f"{change:+,f}%" if change.adjusted() < _PLAIN_ABOVE else f"{change:+E}%"


def show(value: Decimal, digits: int, max_decimals: int | None = None) -> Shown:
    """``value`` rounded to ``digits`` significant digits (and at most ``max_decimals``)."""
    if not value.is_finite():
        return Shown(NOT_AVAILABLE, False)
    if value.is_zero():
        return Shown("0", False, Decimal(0))
    ctx = _context()
    exponent = value.adjusted() - max(1, min(digits, _PRECISION)) + 1
    if max_decimals is not None:
        exponent = max(exponent, -max_decimals)
    rounded = value.quantize(Decimal(1).scaleb(exponent), context=ctx)
    if rounded.is_zero():  # a value below the decimals allowed: show what it is at all
        return show(value, digits)
    if _PLAIN_BELOW <= rounded.adjusted() <= _PLAIN_ABOVE:
        return Shown(f"{rounded:,f}", rounded != value, rounded)
    return Shown(f"{rounded.normalize(ctx):E}", rounded != value)


def format_number(value: Decimal) -> str:
    """A typed amount exactly as precise as it was given, with thousands separators."""
    return f"{value:,f}" if value.is_finite() else NOT_AVAILABLE


def both_ways(rate: Rate) -> tuple[Shown, Shown]:
    """``1 USD = x CODE`` and ``1 CODE = y USD``, each as precise as the source; RateMissing."""
    digits = digits_of(rate)
    return show(per_usd(rate), digits), show(usd_per_unit(rate), digits)


def default_target(source: str) -> str:
    """Where ``source`` converts to when no target is given."""
    return USD_DEFAULT_TARGET if source == BASE else BASE


def known_codes(rates: Mapping[str, Rate]) -> list[str]:
    """Every code /convert accepts: USD, the followed ones and any other with a rate."""
    return [BASE, *FOLLOWED, *sorted(set(rates) - {BASE, *FOLLOWED})]


def ordered(rates: Sequence[Rate]) -> list[Rate]:
    """The region's currencies first, then the world's, then the others by code."""
    rank = {code: i for i, code in enumerate(FOLLOWED)}
    return sorted(rates, key=lambda rate: (rank.get(rate.currency, len(rank)), rate.currency))


def _rate_of(code: str, rates: Mapping[str, Rate]) -> Rate:
    rate = rates.get(code)
    if rate is None:
        raise RateMissing(code) if code in FOLLOWED else UnknownCurrency(code)
    return rate


def convert(amount: Decimal, source: str, target: str, rates: Mapping[str, Rate]) -> Conversion:
    """Convert through USD in one division, each rate taken the way its source quoted it."""
    used = tuple(_rate_of(code, rates) for code in dict.fromkeys((source, target)) if code != BASE)
    ctx = _context()
    numerator, denominator = amount, Decimal(1)
    for rate in used:
        quoted = usable(rate.per_usd)  # "1 USD = x CODE" as given, else "1 CODE = y USD"
        if rate.currency == source:
            if quoted:
                denominator = ctx.multiply(denominator, per_usd(rate))
            else:
                numerator = ctx.multiply(numerator, usd_per_unit(rate))
        if rate.currency == target:
            if quoted:
                numerator = ctx.multiply(numerator, per_usd(rate))
            else:
                denominator = ctx.multiply(denominator, usd_per_unit(rate))
    result = ctx.divide(numerator, denominator)
    if source == target:
        result, used = amount, ()
    digits = min((digits_of(rate) for rate in used), default=None)
    exact = not ctx.flags[Inexact] and (digits is None or digits >= MIN_EXACT_DIGITS)
    return Conversion(amount, source, target, result, used, digits, exact)


def show_result(conversion: Conversion) -> Shown:
    """The result as precise as the least precise rate used, in cents from 1 up."""
    result = conversion.result
    max_decimals = 2 if abs(result) >= 1 else None
    if conversion.digits is None:
        return Shown(format_number(result), False, result if result.is_finite() else None)
    shown = show(result, conversion.digits, max_decimals)
    return Shown(shown.text, shown.approximate or not conversion.exact, shown.value)


def read_typed_rate(code: str, typed: Decimal) -> RateReading:
    """An admin's ``/setrate CODE VALUE``: ``VALUE`` CODE per USD or USD per CODE, whichever
    lies in the currency's sane range (per USD first: locally everyone quotes 1 USD = 505 KZT).
    """
    low, high = SANE_PER_USD[code]
    digits = max(1, len(typed.as_tuple().digits))
    ctx = _context()
    if usable(typed):
        if low <= typed <= high:
            return RateReading(typed, ctx.divide(Decimal(1), typed), True, digits)
        inverted = ctx.divide(Decimal(1), typed)
        if low <= inverted <= high:
            return RateReading(inverted, typed, False, digits)
    small, large = _brief(ctx.divide(Decimal(1), high)), _brief(ctx.divide(Decimal(1), low))
    raise RateRangeError(
        mark(
            "{value}: that is outside the sane range for {code}: 1 USD = {low}–{high} {code} "
            "(or 1 {code} = {small}–{large} USD)."
        ),
        value=shown_word(str(typed)),
        code=code,
        low=low,
        high=high,
        small=small,
        large=large,
    )


def moves_too_far(old: Rate, new_per_usd: Decimal) -> bool:
    """Whether a new rate moves the old one by more than ``CONFIRM_MOVE`` (either way)."""
    try:
        before = per_usd(old)
    except RateMissing:
        return True
    ctx = _context()
    return abs(ctx.subtract(ctx.divide(new_per_usd, before), Decimal(1))) > CONFIRM_MOVE


def _brief(value: Decimal) -> str:
    """Two significant digits, without trailing zeros: ``0.0005``, ``0.00033``."""
    return f"{Decimal(show(value, 2).text.replace(',', '')).normalize():f}"
