"""Admin: /setrate records a rate against USD."""

from __future__ import annotations

from decimal import Decimal

from telegram import Update

from bot.context import Context, store_of, today
from bot.handlers.admin import gate
from bot.handlers.admin.forms import parse_rate
from bot.newsroom.money import BASE
from bot.render import admin as render
from storage.models import Rate

RATE_EXAMPLE = "/setrate KZT 0.00195 2026-02-07"
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


@gate.admin_only("setrate")
async def setrate(update: Update, context: Context) -> None:
    """/setrate CODE VALUE [DATE]: record a rate against USD (today by default)."""
    message = update.effective_message
    assert message is not None
    try:
        form = parse_rate(context.args or [])
        as_of = form.as_of or today(context)
        if as_of > today(context):
            raise ValueError(f"{as_of} is in the future")
    except ValueError as error:
        await message.reply_text(render.usage(str(error), RATE_EXAMPLE))
        return
    store = store_of(context)
    user_id = gate.user_id_of(update)
    async with store.transaction():
        around = await store.rates.up_to(form.currency, as_of)
        replaced = next((rate for rate in around if rate.as_of == as_of), None)
        before = next((rate for rate in around if rate.as_of < as_of), None)
        change = None
        if before is not None:
            change = ((form.value - before.value) / before.value * _HUNDRED).quantize(_CENT)
        rate = Rate(form.currency, BASE, form.value, change, as_of, f"admin:{user_id}")
        await store.rates.set(rate)
        await gate.record(
            context, user_id, "setrate", target=f"{rate.currency}/{as_of}", detail=str(rate.value)
        )
    await message.reply_text(render.rate_recorded(rate, replaced, before))
