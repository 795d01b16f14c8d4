"""Sanity ranges, a payload's checked quotes (assemble, merge) and their values against USD."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from .quotes import (
    USD,
    WANTED,
    BankPayload,
    BankPayloadError,
    Line,
    Quote,
    UsdRate,
    decimal_context,
)
from .reading import to_quote


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
    ctx = decimal_context()
    return ctx.divide(
        ctx.multiply(usd.value, quote.nominal), ctx.multiply(quote.value, usd.nominal)
    )


def _usd_value(usd: Quote, quote: Quote) -> Decimal:
    """USD per one unit of ``quote.code``: (home per unit) / (home per USD), in one division."""
    ctx = decimal_context()
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
        usd_value=decimal_context().divide(usd.nominal, usd.value),
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
