"""Admin: /setrate records a rate against USD, quoted either way; a big move asks first."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import App, Context, store_of, today
from bot.handlers.admin import gate
from bot.handlers.admin.common import replace
from bot.i18n import mark
from bot.newsroom import amounts, money
from bot.newsroom.problems import Problem
from bot.render import rates_admin as render
from bot.render.problems import problem_text
from storage.models import Rate

RATE_EXAMPLE = "/setrate KZT 505 2026-02-14"
# More significant digits than any bank publishes is a typo.
MAX_DIGITS = 12
MAX_VALUE_CHARS = 48
# Callback data: admin:setrate:<CODE>:<value>:<YYYY-MM-DD> (set) or admin:keeprate:<CODE>.
SET, KEEP = "setrate", "keeprate"
_SET_DATA = re.compile(r"admin:setrate:([A-Z]{3}):([0-9.]{1,24}):(\d{4}-\d{2}-\d{2})")


class SetrateError(Problem):
    """Arguments of /setrate that cannot be used; the message says why."""


def register(application: App) -> None:
    """Add /setrate and its two buttons."""
    application.add_handler(CommandHandler("setrate", setrate))
    application.add_handler(CallbackQueryHandler(confirm, pattern=rf"^admin:{SET}:"))
    application.add_handler(CallbackQueryHandler(keep, pattern=rf"^admin:{KEEP}:"))


def parse_setrate(args: list[str], now: date) -> tuple[str, Decimal, date]:
    """``CODE VALUE [DATE]`` → a followed code, a positive number, a day not in the future."""
    if len(args) not in (2, 3):
        raise SetrateError(mark("Give a currency code, a value and optionally a date."))
    code = amounts.currency_code(args[0]) or ""
    if code not in money.FOLLOWED:
        raise SetrateError(
            mark("“{currency}” is not a currency I follow; I know {followed}."),
            currency=amounts.shown_word(args[0]),
            followed=", ".join(money.FOLLOWED),
        )
    typed = _number(args[1])
    as_of = now
    if len(args) == 3:
        try:
            as_of = date.fromisoformat(args[2].strip())
        except ValueError:
            raise SetrateError(
                mark("“{date}” is not a date like 2026-06-11."), date=amounts.shown_word(args[2])
            ) from None
    if as_of > now:
        raise SetrateError(mark("{date} is in the future."), date=as_of.isoformat())
    return code, typed, as_of


def _number(text: str) -> Decimal:
    """A positive decimal number with a dot or a comma; never a float."""
    shown = amounts.shown_word(text)
    cleaned = text.strip().replace(",", ".") if text.count(",") == 1 else text.strip()
    try:
        value = Decimal(cleaned) if len(cleaned) <= MAX_VALUE_CHARS else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise SetrateError(mark("“{value}” is not a number like 505 or 0.00198."), value=shown)
    if value <= 0:
        raise SetrateError(mark("“{value}” is not a positive number."), value=shown)
    return value


def _reading(code: str, typed: Decimal) -> money.RateReading:
    """The typed value read either way, in the sane range, with few enough digits
    (``RateRangeError`` or ``SetrateError``)."""
    reading = money.read_typed_rate(code, typed)
    if reading.digits > MAX_DIGITS:
        raise SetrateError(
            mark("Too many significant digits ({digits}): no bank publishes over {most}."),
            digits=reading.digits,
            most=MAX_DIGITS,
        )
    return reading


@gate.admin_only("setrate")
async def setrate(update: Update, context: Context) -> None:
    """/setrate CODE VALUE [DATE]: 505 KZT per USD, or 0.00198 USD per KZT (today by default)."""
    message = update.effective_message
    assert message is not None
    try:
        code, typed, as_of = parse_setrate(context.args or [], today(context))
        reading = _reading(code, typed)
    except Problem as error:
        await message.reply_text(render.usage(context.t, error, RATE_EXAMPLE))
        return
    current = next(iter(await store_of(context).rates.up_to(code, as_of, limit=1)), None)
    if current is not None and money.moves_too_far(current, reading.per_usd):
        data = f"admin:{SET}:{code}:{typed:f}:{as_of.isoformat()}"
        text, keyboard = render.confirm_move(context.t, code, reading, as_of, current, data)
        await message.reply_text(text, reply_markup=keyboard)
        return
    await message.reply_text(await _save(update, context, code, typed, reading, as_of))


@gate.admin_only("setrate")
async def confirm(update: Update, context: Context) -> None:
    """The "set it" button under a big move: record the rate it carries."""
    query = update.callback_query
    assert query is not None
    match = _SET_DATA.fullmatch(query.data or "")
    try:
        if match is None:
            raise SetrateError(mark("That button is not one I made."))
        code, typed, as_of = parse_setrate(list(match.groups()), today(context))
        reading = _reading(code, typed)
    except Problem as error:
        await query.answer(problem_text(context.t, error)[:190], show_alert=True)
        return
    await query.answer()
    await replace(query, await _save(update, context, code, typed, reading, as_of))


@gate.admin_only("setrate")
async def keep(update: Update, context: Context) -> None:
    """The "keep the old rate" button: nothing changes."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await replace(query, render.kept(context.t))


async def _save(
    update: Update,
    context: Context,
    code: str,
    typed: Decimal,
    reading: money.RateReading,
    as_of: date,
) -> str:
    """Store the admin's rate over whatever that day had, audit it; the reply."""
    store = store_of(context)
    user_id = gate.user_id_of(update)
    async with store.transaction():
        around = await store.rates.up_to(code, as_of)
        replaced = next((rate for rate in around if rate.as_of == as_of), None)
        before = next((rate for rate in around if rate.as_of < as_of), None)
        rate = Rate(
            code,
            money.BASE,
            reading.value,
            None,
            as_of,
            f"admin:{user_id}",
            per_usd=reading.per_usd if reading.quoted_per_usd else None,
            digits=reading.digits,
            previous=before,
        )
        rate = dataclasses.replace(rate, change_pct=money.change_pct(rate))
        await store.rates.set(rate)
        await gate.record(
            context, user_id, "setrate", target=f"{code}/{as_of}", detail=f"{typed:f}"
        )
    return render.rate_recorded(context.t, rate, typed, reading, replaced, today(context))
