"""/setrate's replies → Telegram HTML in the admin's language: the confirmation of a big move,
and what was recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from telegram import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.newsroom import money
from bot.render.common import callback_button, escape, keyboard
from bot.render.problems import usage
from bot.render.rates import amount, both_ways, change_text, rate_entry
from storage.models import Rate

__all__ = ["confirm_move", "kept", "rate_recorded", "usage"]


def _new_values(t: Translator, code: str, reading: money.RateReading) -> str:
    """The typed rate both ways, as precise as typed."""
    return both_ways(
        t,
        code,
        money.show(reading.per_usd, reading.digits),
        money.show(reading.value, reading.digits),
    )


def confirm_move(
    t: Translator, code: str, reading: money.RateReading, as_of: date, current: Rate, data: str
) -> tuple[str, InlineKeyboardMarkup]:
    """A rate that moves the current one by over 20%: old and new both ways, and two buttons."""
    change = money.change_pct(
        Rate(code, money.BASE, reading.value, None, as_of, "new"), previous=current
    )
    headline = (
        t(
            "⚠️ <b>That moves {code} by {change}.</b> Is it right?",
            code=escape(code),
            change=change_text(t, change),
        )
        if change is not None
        else t("⚠️ <b>The current {code} rate is unusable.</b> Is it right?", code=escape(code))
    )
    lines = [
        headline,
        "",
        t("Now: {rate}", rate=rate_entry(t, current, as_of)),
        t("New: {rate}, for {date}", rate=_new_values(t, code, reading), date=t.date(as_of)),
    ]
    markup = keyboard(
        [
            [
                callback_button(t("✅ Set the new rate"), data),
                callback_button(t("Keep the old one"), f"admin:keeprate:{code}"),
            ]
        ]
    )
    assert markup is not None
    return "\n".join(lines), markup


def kept(t: Translator) -> str:
    """The "keep the old one" button."""
    return t("Kept the old rate; nothing was changed.")


def rate_recorded(
    t: Translator,
    rate: Rate,
    typed: Decimal,
    reading: money.RateReading,
    replaced: Rate | None,
    today: date,
) -> str:
    """/setrate done: as typed, both ways, the change since the rate before, what it replaced."""
    pair = f"{money.BASE}/{rate.currency}" if reading.quoted_per_usd else f"{rate.currency}/USD"
    lines = [
        t(
            "💱 Recorded {pair} = {value} for {date}:",
            pair=escape(pair),
            value=amount(t, typed),
            date=t.date(rate.as_of),
        ),
        rate_entry(t, rate, today),
    ]
    if replaced is not None:
        lines.append(t("It replaces: {rate}", rate=rate_entry(t, replaced, today)))
    return "\n".join(lines)
