"""Rates and conversions → Telegram HTML: both ways, dated, sourced, no more precise than the
source, stale ones marked; any stored value renders (an unusable one says so)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.newsroom import money
from bot.newsroom.money import BASE, Conversion
from bot.newsroom.sources.banks import AUTHORITY
from bot.newsroom.sources.banks.cbt import PEG_PROVIDER
from bot.render.common import escape, format_date
from storage.models import Rate

# Lines of /rates at most (the banks bring 8 currencies; a ticker could bring many more).
TABLE_CURRENCIES = 30
SOURCE_CHARS = 24
STALE = "⚠️ stale"
UNUSABLE = "unusable stored value"


def source_label(currency: str, source: str) -> str:
    """``NBK``, ``NBKR cross``, ``CBT peg``, ``news site``, ``admin`` (plain text)."""
    if source == PEG_PROVIDER:
        return "CBT peg"
    if source in AUTHORITY.values():
        return source.upper() if AUTHORITY.get(currency) == source else f"{source.upper()} cross"
    kind = source.split(":", 1)[0]
    if kind == "admin":
        return "admin"
    if kind in ("seed", "feed"):
        return "news site"
    return source if len(source) <= SOURCE_CHARS else source[: SOURCE_CHARS - 1] + "…"


def both_ways(currency: str, rate_usd: money.Shown, rate_unit: money.Shown) -> str:
    """``1 USD = 478.77 KZT · 1 KZT ≈ 0.0020887 USD``."""
    code = escape(currency)
    return (
        f"1 {BASE} {rate_usd.equals} {rate_usd.text} {code} · "
        f"1 {code} {rate_unit.equals} {rate_unit.text} {BASE}"
    )


def _values(rate: Rate) -> str:
    try:
        return both_ways(rate.currency, *money.both_ways(rate))
    except money.RateMissing:
        return UNUSABLE


def _change(rate: Rate) -> str:
    """``−0.58% since 31 March 2026`` (from the row before), or nothing."""
    change = money.change_pct(rate)
    if change is None or rate.previous is None:
        return ""
    return f"{money.format_change(change)} since {format_date(rate.previous.as_of)}"


def _provenance(rate: Rate, today: date) -> str:
    """``NBK, 1 April 2026``, marked stale when older than a week."""
    text = f"{escape(source_label(rate.currency, rate.source))}, {format_date(rate.as_of)}"
    return f"{text} {STALE}" if money.is_stale(rate, today) else text


def rate_entry(rate: Rate, today: date) -> str:
    """One currency: its value both ways, then its change, source and date."""
    details = [part for part in (_change(rate), _provenance(rate, today)) if part]
    return f"<b>{escape(rate.currency)}</b> {_values(rate)}\n    " + " · ".join(details)


def rates_table(rates: Sequence[Rate], today: date) -> str:
    """Every currency against USD, the region's first."""
    if not rates:
        return "No rates yet."
    shown = money.ordered(rates)[:TABLE_CURRENCIES]
    lines = [f"💱 <b>Rates against {BASE}</b>", ""]
    lines += [rate_entry(rate, today) for rate in shown]
    lines += ["", "<code>/rates KZT</code> shows a currency's history."]
    return "\n".join(lines)


def rates_block(rates: Sequence[Rate], today: date) -> str:
    """The digest's rates: the same entries under a heading; empty without rates."""
    if not rates:
        return ""
    entries = [rate_entry(rate, today) for rate in money.ordered(rates)[:TABLE_CURRENCIES]]
    return "\n".join([f"💱 <b>Rates against {BASE}</b>", *entries])


def rate_history(currency: str, rates: Sequence[Rate], today: date) -> str:
    """One currency's recent rates, newest first, each change against the row below it."""
    count = "rate" if len(rates) == 1 else f"{len(rates)} rates"
    lines = [f"💱 <b>{escape(currency)} against {BASE}</b>, the last {count}", ""]
    for rate in rates:
        details = [part for part in (_change(rate), _provenance(rate, today)) if part]
        lines.append(f"<b>{format_date(rate.as_of)}</b>: {_values(rate)}")
        lines.append("    " + " · ".join(details))
    return "\n".join(lines)


def unknown_currency(code: str, known: Sequence[str]) -> str:
    """An unknown currency: name it, list the known ones."""
    return f"I don't know the currency “{escape(code)}”. I know: {_codes(known)}."


def rate_missing(code: str) -> str:
    """A currency whose rate is not known, or not usable."""
    return f"I have no usable rate for {escape(code)} yet. Send /rates to see the ones I have."


def conversion(result: Conversion, today: date) -> str:
    """``1,000 KZT ≈ 2.09 USD``, then each rate used, both ways, with its source and date."""
    shown = money.show_result(result)
    lines = [
        f"💱 <b>{money.format_number(result.amount)} {escape(result.source)} {shown.equals} "
        f"{shown.text} {escape(result.target)}</b>"
    ]
    if result.used:
        via = f" (through {BASE})" if len(result.used) == 2 else ""
        lines.append(f"<i>{'Rates' if via else 'Rate'}{via}:</i>")
        lines += [rate_entry(rate, today) for rate in result.used]
    return "\n".join(lines)


def convert_usage(known: Sequence[str], problem: str | None = None) -> str:
    """How to use /convert, after what was wrong."""
    lines = [f"{escape(problem[0].upper() + problem[1:])}." if problem else ""]
    lines += [
        "Send /convert AMOUNT FROM [TO], e.g. <code>/convert 100 USD KZT</code>, "
        "<code>/convert 1 000 KGS</code> or <code>/convert 5000 тенге в рублях</code>.",
        f"Currencies: {_codes(known)}.",
    ]
    return "\n".join(line for line in lines if line)


def _codes(codes: Sequence[str]) -> str:
    return escape(", ".join(codes))
