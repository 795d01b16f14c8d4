"""Rates and conversions → Telegram HTML."""

from __future__ import annotations

from collections.abc import Sequence

from bot.newsroom.money import (
    BASE,
    Conversion,
    format_amount,
    format_change,
    format_number,
    inverse,
)
from bot.render.common import escape, format_date
from storage.models import Rate


def rates_table(rates: Sequence[Rate]) -> str:
    """Each currency: value in USD, signed change, the inverse; the as-of date(s)."""
    if not rates:
        return "No rates yet."
    dates = {rate.as_of for rate in rates}
    shared = len(dates) == 1
    lines = [f"💱 <b>Rates against {BASE}</b>", ""]
    for rate in rates:
        line = _rate_line(f"<b>{escape(rate.currency)}</b>", rate)
        if not shared:
            line += f" <i>({format_date(rate.as_of)})</i>"
        lines.append(line)
    if shared:
        lines += ["", f"<i>As of {format_date(dates.pop())}</i>"]
    lines += ["", "<code>/rates KZT</code> shows a currency's history."]
    return "\n".join(lines)


def rate_history(currency: str, rates: Sequence[Rate]) -> str:
    """One currency's recent rates, newest first, with the day's change."""
    days = "day" if len(rates) == 1 else f"{len(rates)} days"
    lines = [f"💱 <b>{escape(currency)} against {BASE}</b>, last {days}", ""]
    lines += [_rate_line(format_date(rate.as_of), rate) for rate in rates]
    return "\n".join(lines)


def _rate_line(label: str, rate: Rate) -> str:
    code = escape(rate.currency)
    line = f"{label}: {format_number(rate.value)} {BASE} ({format_change(rate.change_pct)})"
    if rate.value > 0:
        line += f" · 1 {BASE} = {format_amount(inverse(rate))} {code}"
    return line


def unknown_currency(code: str, known: Sequence[str]) -> str:
    """An unknown code: list the known ones."""
    return f"I don't know the currency “{escape(code)}”. I know: {_codes(known)}."


def rate_missing(code: str) -> str:
    """A currency whose rate is not known."""
    return f"I have no rate for {escape(code)} yet. Send /rates to see the ones I have."


def conversion(result: Conversion, rates: dict[str, Rate]) -> str:
    """``1,000 KZT = 2.02 USD``, the rates used and their date."""
    lines = [
        f"💱 <b>{format_number(result.amount)} {result.source} = "
        f"{format_amount(result.result)} {result.target}</b>"
    ]
    used = [rates[code] for code in (result.source, result.target) if code != BASE]
    if used:
        rates_text = ", ".join(
            f"1 {rate.currency} = {format_number(rate.value)} {BASE}" for rate in used
        )
        via = f" (through {BASE})" if len(used) == 2 else ""
        dates = " and ".join(format_date(day) for day in result.as_of)
        lines.append(f"<i>Rates{via}: {rates_text}, as of {dates}.</i>")
    return "\n".join(lines)


def convert_usage(known: Sequence[str], problem: str | None = None) -> str:
    """How to use /convert, after what was wrong."""
    lines = [f"{escape(problem[0].upper() + problem[1:])}." if problem else ""]
    lines += [
        "Send /convert AMOUNT FROM [TO], e.g. <code>/convert 100 USD KZT</code> "
        "or <code>/convert 1 000 KGS</code>.",
        f"Currencies: {_codes(known)}.",
    ]
    return "\n".join(line for line in lines if line)


def _codes(codes: Sequence[str]) -> str:
    return escape(", ".join(codes))
