"""/setrate's replies → Telegram HTML: the confirmation of a big move, and what was recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from telegram import InlineKeyboardMarkup

from bot.newsroom import money
from bot.render.admin import usage
from bot.render.common import callback_button, escape, format_date, keyboard
from bot.render.rates import both_ways, rate_entry
from storage.models import Rate

KEPT = "Kept the old rate; nothing was changed."

__all__ = ["KEPT", "confirm_move", "rate_recorded", "usage"]


def _new_values(code: str, reading: money.RateReading) -> str:
    """The typed rate both ways, as precise as typed."""
    return both_ways(
        code,
        money.show(reading.per_usd, reading.digits),
        money.show(reading.value, reading.digits),
    )


def confirm_move(
    code: str, reading: money.RateReading, as_of: date, current: Rate, data: str
) -> tuple[str, InlineKeyboardMarkup]:
    """A rate that moves the current one by over 20%: old and new both ways, and two buttons."""
    change = money.change_pct(
        Rate(code, money.BASE, reading.value, None, as_of, "new"), previous=current
    )
    headline = (
        f"That moves {escape(code)} by {money.format_change(change)}."
        if change is not None
        else f"The current {escape(code)} rate is unusable."
    )
    lines = [
        f"⚠️ <b>{headline}</b> Is it right?",
        "",
        f"Now: {rate_entry(current, as_of)}",
        f"New: {_new_values(code, reading)}, for {format_date(as_of)}",
    ]
    markup = keyboard(
        [
            [
                callback_button("✅ Set the new rate", data),
                callback_button("Keep the old one", f"admin:keeprate:{code}"),
            ]
        ]
    )
    assert markup is not None
    return "\n".join(lines), markup


def rate_recorded(
    rate: Rate, typed: Decimal, reading: money.RateReading, replaced: Rate | None, today: date
) -> str:
    """/setrate done: as typed, both ways, the change since the rate before, what it replaced."""
    pair = f"{money.BASE}/{rate.currency}" if reading.quoted_per_usd else f"{rate.currency}/USD"
    lines = [
        f"💱 Recorded {escape(pair)} = {typed:f} for {format_date(rate.as_of)}:",
        rate_entry(rate, today),
    ]
    if replaced is not None:
        lines.append(f"It replaces: {rate_entry(replaced, today)}")
    return "\n".join(lines)
