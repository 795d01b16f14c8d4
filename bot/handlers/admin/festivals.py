"""Admin: /addfestival adds or updates a festival (one line or guided)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import Context, store_of
from bot.handlers.admin import gate
from bot.handlers.admin.common import argument_text
from bot.handlers.admin.forms import (
    FestivalForm,
    festival_from,
    parse_dates,
    parse_festival,
)
from bot.newsroom.mentions import link_festival
from bot.render import admin as render

FESTIVAL_EXAMPLE = (
    "/addfestival Didor | Dushanbe | Tajikistan | 2026-10-01..2026-10-07 | "
    "International film festival"
)

# The guided /addfestival: one question per field, answers kept in the admin's user_data.
NAME, CITY, COUNTRY, DATES, DESCRIPTION = range(5)
_DRAFT = "admin_festival_draft"
_QUESTIONS = {
    NAME: ("Name", "Didor International Film Festival"),
    CITY: ("City", "Dushanbe"),
    COUNTRY: ("Country", "Tajikistan"),
    DATES: ("Dates", "2026-10-01..2026-10-07, or one day 2026-10-01"),
    DESCRIPTION: ("Description", "The international film festival of Tajikistan"),
}
_SKIP = ("-", "—")


@gate.admin_only("addfestival")
async def addfestival(update: Update, context: Context) -> int:
    """/addfestival Name | City | Country | dates | description; alone, it asks field by field."""
    message = update.effective_message
    assert message is not None
    text = argument_text(message)
    if not text.strip():
        _user_data(context)[_DRAFT] = {}
        await message.reply_text(render.festival_question(*_QUESTIONS[NAME]))
        return NAME
    try:
        form = parse_festival(text)
    except ValueError as error:
        await message.reply_text(render.usage(str(error), FESTIVAL_EXAMPLE))
        return ConversationHandler.END
    await _save(update, context, form)
    return ConversationHandler.END


@gate.admin_only("addfestival")
async def answer(update: Update, context: Context) -> int:
    """One answer of the guided /addfestival; the next question, or the festival saved."""
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    draft: dict[int, str] = _user_data(context).setdefault(_DRAFT, {})
    step = len(draft)
    reply = " ".join(message.text.split())
    try:
        if step == NAME and reply in ("", *_SKIP):
            raise ValueError("a festival needs a name")
        if step == DATES:
            parse_dates(reply)
    except ValueError as error:
        await message.reply_text(render.usage(str(error), _QUESTIONS[step][1]))
        return step
    draft[step] = "" if reply in _SKIP else reply.replace("|", "/")
    if step < DESCRIPTION:
        await message.reply_text(render.festival_question(*_QUESTIONS[step + 1]))
        return step + 1
    _user_data(context).pop(_DRAFT, None)
    try:
        form = parse_festival(" | ".join(draft[field] for field in sorted(draft)))
    except ValueError as error:
        await message.reply_text(render.usage(str(error), FESTIVAL_EXAMPLE))
        return ConversationHandler.END
    await _save(update, context, form)
    return ConversationHandler.END


async def cancel(update: Update, context: Context) -> int:
    """/cancel during the guided /addfestival."""
    _user_data(context).pop(_DRAFT, None)
    if update.effective_message is not None:
        await update.effective_message.reply_text("Cancelled; no festival was saved.")
    return ConversationHandler.END


async def _save(update: Update, context: Context, form: FestivalForm) -> None:
    """Store the festival (an existing one keeps its id) and link the articles that name it."""
    message = update.effective_message
    assert message is not None
    store = store_of(context)
    async with store.transaction():
        existing = await store.festivals.named(form.name)
        festival, created = await store.festivals.upsert(festival_from(form, existing))
        linked = await link_festival(store, festival)
        await gate.record(
            context,
            gate.user_id_of(update),
            "addfestival" if created else "updatefestival",
            target=festival.id,
            detail=festival.name,
        )
    await message.reply_text(render.festival_saved(festival, created, linked))


def _user_data(context: Context) -> dict[Any, Any]:
    """The admin's own data (PTB has some for every update from a user, as all of these are)."""
    assert context.user_data is not None
    return context.user_data
