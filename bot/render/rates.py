"""Rates and conversions → Telegram HTML in the reader's language: both ways, dated, sourced, no
more precise than the source, stale ones marked; any stored value renders (an unusable one says
so)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from bot.i18n import Translator
from bot.newsroom import money
from bot.newsroom.amounts import AmountError, ConversionUsageError
from bot.newsroom.money import BASE, Conversion
from bot.newsroom.sources.banks import AUTHORITY
from bot.newsroom.sources.banks.cbt import PEG_PROVIDER
from bot.render.common import escape
from bot.render.problems import problem
from storage.models import Rate

# Lines of /rates at most (the banks bring 8 currencies; a ticker could bring many more).
TABLE_CURRENCIES = 30
SOURCE_CHARS = 24


def source_label(t: Translator, currency: str, source: str) -> str:
    """``NBK``, ``NBKR cross``, ``CBT peg``, ``news site``, ``admin`` (plain text)."""
    if source == PEG_PROVIDER:
        return t("CBT peg")
    if source in AUTHORITY.values():
        bank = source.upper()
        return bank if AUTHORITY.get(currency) == source else t("{bank} cross", bank=bank)
    kind = source.split(":", 1)[0]
    if kind == "admin":
        return t("admin")
    if kind in ("seed", "feed"):
        return t("news site")
    return source if len(source) <= SOURCE_CHARS else source[: SOURCE_CHARS - 1] + "…"


def number(t: Translator, shown: money.Shown) -> str:
    """A shown value in the reader's number format (scientific notation stays as it is)."""
    if shown.value is not None:
        return t.number(shown.value, places=_places(shown.value))
    return t("n/a") if shown.text == money.NOT_AVAILABLE else shown.text


def amount(t: Translator, value: Decimal) -> str:
    """A typed amount exactly as precise as it was given, in the reader's number format."""
    return t.number(value, places=_places(value)) if value.is_finite() else t("n/a")


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def change_text(t: Translator, change: Decimal | None) -> str:
    """``+0.50%``, ``-0.19%``, ``0.00%`` in the reader's number format; ``n/a`` when unknown."""
    text = money.format_change(change)
    if change is None or not change.is_finite():
        return t("n/a")
    if change != 0 and "E" in text:  # an absurd row: a few digits in scientific notation
        return text
    return ("+" if change > 0 else "") + t.number(change, places=2) + "%"


def both_ways(t: Translator, currency: str, rate_usd: money.Shown, rate_unit: money.Shown) -> str:
    """``1 USD = 478.77 KZT · 1 KZT ≈ 0.0020887 USD``."""
    code = escape(currency)
    return (
        f"1 {BASE} {rate_usd.equals} {number(t, rate_usd)} {code} · "
        f"1 {code} {rate_unit.equals} {number(t, rate_unit)} {BASE}"
    )


def _values(t: Translator, rate: Rate) -> str:
    try:
        return both_ways(t, rate.currency, *money.both_ways(rate))
    except money.RateMissing:
        return t("unusable stored value")


def _change(t: Translator, rate: Rate) -> str:
    """``−0.58% since 31 March 2026`` (from the row before), or nothing."""
    change = money.change_pct(rate)
    if change is None or rate.previous is None:
        return ""
    return t(
        "{change} since {date}", change=change_text(t, change), date=t.date(rate.previous.as_of)
    )


def _provenance(t: Translator, rate: Rate, today: date) -> str:
    """``NBK, 1 April 2026``, marked stale when older than a week."""
    source = escape(source_label(t, rate.currency, rate.source))
    if money.is_stale(rate, today):
        return t("{source}, {date} ⚠️ stale", source=source, date=t.date(rate.as_of))
    return f"{source}, {t.date(rate.as_of)}"


def _details(t: Translator, rate: Rate, today: date) -> str:
    return " · ".join(part for part in (_change(t, rate), _provenance(t, rate, today)) if part)


def rate_entry(t: Translator, rate: Rate, today: date) -> str:
    """One currency: its value both ways, then its change, source and date."""
    return f"<b>{escape(rate.currency)}</b> {_values(t, rate)}\n    {_details(t, rate, today)}"


def _heading(t: Translator) -> str:
    return t("💱 <b>Rates against {base}</b>", base=BASE)


def rates_table(t: Translator, rates: Sequence[Rate], today: date) -> str:
    """Every currency against USD, the region's first."""
    if not rates:
        return t("No rates yet.")
    shown = money.ordered(rates)[:TABLE_CURRENCIES]
    lines = [_heading(t), ""]
    lines += [rate_entry(t, rate, today) for rate in shown]
    lines += ["", t("<code>/rates KZT</code> shows a currency's history.")]
    return "\n".join(lines)


def rates_block(t: Translator, rates: Sequence[Rate], today: date) -> str:
    """The digest's rates: the same entries under a heading; empty without rates."""
    if not rates:
        return ""
    entries = [rate_entry(t, rate, today) for rate in money.ordered(rates)[:TABLE_CURRENCIES]]
    return "\n".join([_heading(t), *entries])


def rate_history(t: Translator, currency: str, rates: Sequence[Rate], today: date) -> str:
    """One currency's recent rates, newest first, each change against the row below it."""
    heading = t.plural(
        "💱 <b>{code} against {base}</b>, the last rate",
        "💱 <b>{code} against {base}</b>, the last {count} rates",
        len(rates),
        code=escape(currency),
        base=BASE,
    )
    lines = [heading, ""]
    for rate in rates:
        lines.append(f"<b>{t.date(rate.as_of)}</b>: {_values(t, rate)}")
        lines.append("    " + _details(t, rate, today))
    return "\n".join(lines)


def rates_usage(t: Translator) -> str:
    """/rates with more than one argument."""
    return t("Send /rates for every currency, or /rates CODE (e.g. /rates KZT) for its history.")


def rates_against_base(t: Translator) -> str:
    """/rates USD: every rate is against it."""
    return t(
        "Rates are against {base}. Send /rates CODE for another currency, e.g. /rates KZT.",
        base=BASE,
    )


def unknown_currency(t: Translator, code: str, known: Sequence[str]) -> str:
    """An unknown currency: name it, list the known ones."""
    return t(
        "I don't know the currency “{code}”. I know: {codes}.",
        code=escape(code),
        codes=_codes(known),
    )


def rate_missing(t: Translator, code: str) -> str:
    """A currency whose rate is not known, or not usable."""
    return t(
        "I have no usable rate for {code} yet. Send /rates to see the ones I have.",
        code=escape(code),
    )


def conversion(t: Translator, result: Conversion, today: date) -> str:
    """``1,000 KZT ≈ 2.09 USD``, then each rate used, both ways, with its source and date."""
    shown = money.show_result(result)
    lines = [
        f"💱 <b>{amount(t, result.amount)} {escape(result.source)} {shown.equals} "
        f"{number(t, shown)} {escape(result.target)}</b>"
    ]
    if len(result.used) == 2:
        lines.append(t("<i>Rates (through {base}):</i>", base=BASE))
    elif result.used:
        lines.append(t("<i>Rate:</i>"))
    lines += [rate_entry(t, rate, today) for rate in result.used]
    return "\n".join(lines)


def convert_usage(
    t: Translator,
    known: Sequence[str],
    error: AmountError | ConversionUsageError | None = None,
) -> str:
    """How to use /convert, after what was wrong."""
    lines = [problem(t, error)] if error is not None else []
    lines += [
        t(
            "Send /convert AMOUNT FROM [TO], e.g. <code>/convert 100 USD KZT</code>, "
            "<code>/convert 1 000 KGS</code> or <code>/convert 5000 тенге в рублях</code>."
        ),
        t("Currencies: {codes}.", codes=_codes(known)),
    ]
    return "\n".join(lines)


def _codes(codes: Sequence[str]) -> str:
    return escape(", ".join(codes))
