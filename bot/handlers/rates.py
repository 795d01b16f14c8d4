"""Handlers: /rates [CODE] and /convert AMOUNT FROM [TO]."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CommandHandler

from bot.context import App, Context, store_of, today
from bot.newsroom import amounts, money
from bot.render import rates as render
from bot.render.common import split_message

HISTORY_DAYS = 10


def register(application: App) -> None:
    """Add /rates and /convert."""
    application.add_handler(CommandHandler("rates", rates))
    application.add_handler(CommandHandler("convert", convert))


async def rates(update: Update, context: Context) -> None:
    """Every currency against USD; with a code (or a name: тенге, ₽), its recent history."""
    message = update.effective_message
    if message is None:
        return
    t, args = context.t, context.args or []
    if len(args) > 1:
        await message.reply_text(render.rates_usage(t))
        return
    store = store_of(context)
    if not args:
        latest = await store.rates.latest()
        await _reply(message, render.rates_table(t, latest, today(context)))
        return
    code = amounts.currency_code(args[0]) or amounts.shown_word(args[0])
    if code == money.BASE:
        await message.reply_text(render.rates_against_base(t))
        return
    history = await store.rates.history(code, limit=HISTORY_DAYS) if len(code) == 3 else []
    if history:
        await _reply(message, render.rate_history(t, code, history, today(context)))
    elif code in money.FOLLOWED:
        await message.reply_text(render.rate_missing(t, code))
    else:
        known = money.known_codes({rate.currency: rate for rate in await store.rates.latest()})
        await message.reply_text(render.unknown_currency(t, code, known[1:]))


async def convert(update: Update, context: Context) -> None:
    """Convert an amount between any two currencies with a rate, through USD."""
    message = update.effective_message
    if message is None:
        return
    t = context.t
    latest = {rate.currency: rate for rate in await store_of(context).rates.latest()}
    known = money.known_codes(latest)
    try:
        request = amounts.parse_conversion(context.args or [])
        target = request.target or money.default_target(request.source)
        result = money.convert(request.amount, request.source, target, latest)
    except (amounts.ConversionUsageError, amounts.AmountError) as error:
        await message.reply_text(render.convert_usage(t, known, error))
    except amounts.UnknownCurrency as error:
        await message.reply_text(render.unknown_currency(t, error.code, known))
    except money.RateMissing as error:
        await message.reply_text(render.rate_missing(t, error.code))
    else:
        await _reply(message, render.conversion(t, result, today(context)))


async def _reply(message: Message, text: str) -> None:
    """``text`` in as many messages as it takes (a language may say it at greater length)."""
    for part in split_message(text):
        await message.reply_text(part)
