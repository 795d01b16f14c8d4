"""Admin: /addfestival adds or updates a festival (one line or guided); /delfestival ID
removes one after a confirmation."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import Context, store_of
from bot.delivery.kinds import OutboxKind
from bot.handlers.admin import gate
from bot.handlers.admin.common import argument_text, replace
from bot.handlers.admin.forms import (
    FestivalForm,
    check_name,
    festival_from,
    parse_aliases,
    parse_dates,
    parse_edition,
    parse_festival,
)
from bot.handlers.ids import parse_id
from bot.i18n import mark
from bot.newsroom.mentions import link_festival
from bot.newsroom.problems import Problem
from bot.render import admin_festivals as render_festivals
from bot.render.common import callback_ids
from bot.render.problems import usage
from storage.errors import NotFound
from storage.names import name_key

FESTIVAL_EXAMPLE = (
    "/addfestival Didor International Film Festival | Dushanbe | Tajikistan | "
    "2026-10-01..2026-10-07 | The international film festival of Tajikistan | edition: 9 | "
    "aliases: Didor, Дидор"
)
DELETE_EXAMPLE = "/delfestival 7"

# The guided /addfestival: one question per field, answers kept in the admin's user_data.
NAME, CITY, COUNTRY, DATES, EDITION, ALIASES, DESCRIPTION = range(7)
_DRAFT = "admin_festival_draft"
_QUESTIONS = {
    NAME: (mark("Name"), "Didor International Film Festival"),
    CITY: (mark("City"), mark("Dushanbe")),
    COUNTRY: (mark("Country"), mark("Tajikistan")),
    DATES: (mark("Dates"), mark("2026-10-01..2026-10-07, or one day 2026-10-01")),
    EDITION: (mark("Edition"), mark("9, or 9th")),
    ALIASES: (mark("Other names, separated by commas"), "Didor, Дидор"),
    DESCRIPTION: (mark("Description"), mark("The international film festival of Tajikistan")),
}
_SKIP = ("-", "—")


@gate.admin_only("addfestival")
async def addfestival(update: Update, context: Context) -> int:
    """/addfestival Name | City | Country | dates | description | edition: N | aliases: A, B;
    alone, it asks field by field."""
    message = update.effective_message
    assert message is not None
    text = argument_text(message)
    if not text.strip():
        _user_data(context)[_DRAFT] = {}
        await message.reply_text(render_festivals.festival_question(context.t, *_QUESTIONS[NAME]))
        return NAME
    try:
        form = parse_festival(text, await _known_names(context))
    except Problem as error:
        await message.reply_text(usage(context.t, error, FESTIVAL_EXAMPLE))
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
        _check(step, reply, await _known_names(context) if step == NAME else frozenset())
    except Problem as error:
        await message.reply_text(usage(context.t, error, context.t(_QUESTIONS[step][1])))
        return step
    draft[step] = "" if reply in _SKIP else reply.replace("|", "/")
    if step < DESCRIPTION:
        question = render_festivals.festival_question(context.t, *_QUESTIONS[step + 1])
        await message.reply_text(question)
        return step + 1
    _user_data(context).pop(_DRAFT, None)
    fields = [draft[NAME], draft[CITY], draft[COUNTRY], draft[DATES], draft[DESCRIPTION]]
    fields += [f"edition: {draft[EDITION]}", f"aliases: {draft[ALIASES]}"]
    try:
        form = parse_festival(" | ".join(fields), await _known_names(context))
    except Problem as error:
        await message.reply_text(usage(context.t, error, FESTIVAL_EXAMPLE))
        return ConversationHandler.END
    await _save(update, context, form)
    return ConversationHandler.END


def _check(step: int, reply: str, known: frozenset[str]) -> None:
    """Refuse an answer that cannot be stored (``Problem``)."""
    if step == NAME:
        check_name("" if reply in _SKIP else reply, known)
    elif step == DATES:
        parse_dates(reply)
    elif step == EDITION:
        parse_edition(reply)
    elif step == ALIASES:
        parse_aliases(reply)


async def cancel(update: Update, context: Context) -> int:
    """/cancel during the guided /addfestival."""
    _user_data(context).pop(_DRAFT, None)
    if update.effective_message is not None:
        await update.effective_message.reply_text(render_festivals.cancelled(context.t))
    return ConversationHandler.END


async def _known_names(context: Context) -> frozenset[str]:
    """The name keys of every festival's name and aliases."""
    festivals = await store_of(context).festivals.all()
    return frozenset(name_key(name) for festival in festivals for name in festival.names)


async def _save(update: Update, context: Context, form: FestivalForm) -> None:
    """Store the festival (an existing or discovered one keeps its id and articles; the facts
    given become the newsroom's) and link the articles that name it."""
    message = update.effective_message
    assert message is not None
    store = store_of(context)
    async with store.transaction():
        festival, created = await store.festivals.upsert(festival_from(form))
        linked = await link_festival(store, festival)
        await gate.record(
            context,
            gate.user_id_of(update),
            "addfestival" if created else "updatefestival",
            target=festival.id,
            detail=festival.name,
        )
    await message.reply_text(render_festivals.festival_saved(context.t, festival, created, linked))


@gate.admin_only("delfestival")
async def delfestival(update: Update, context: Context) -> None:
    """/delfestival ID: show the festival and ask to confirm."""
    message = update.effective_message
    assert message is not None
    typed = " ".join(context.args or []).strip().removeprefix("#")
    festival_id = parse_id(typed)
    if festival_id is None:
        await message.reply_text(
            render_festivals.not_a_festival_id(context.t, typed, DELETE_EXAMPLE)
        )
        return
    store = store_of(context)
    try:
        festival = await store.festivals.get(festival_id)
    except NotFound:
        await message.reply_text(render_festivals.no_such_festival(context.t, festival_id))
        return
    mentions = await store.festivals.mention_count(festival.id)
    text, keyboard = render_festivals.delete_confirm(context.t, festival, mentions)
    await message.reply_text(text, reply_markup=keyboard)


@gate.admin_only("delfestival")
async def confirm_delete(update: Update, context: Context) -> None:
    """The "delete" button of /delfestival: remove it, its links and its reminders."""
    query = update.callback_query
    assert query is not None
    ids = callback_ids(query.data, render_festivals.DELETE)
    if ids is None:
        await query.answer(context.t("This button no longer works."))
        return
    store = store_of(context)
    try:
        async with store.transaction():
            festival = await store.festivals.delete(ids[0])
            await store.reminders.drop_queued(OutboxKind.REMINDER, festival.id)
            await gate.record(
                context,
                gate.user_id_of(update),
                "delfestival",
                target=festival.id,
                detail=festival.name,
            )
    except NotFound:
        await query.answer()
        await replace(query, render_festivals.no_such_festival(context.t, ids[0]))
        return
    await query.answer(render_festivals.deleted_alert(context.t))
    await replace(query, render_festivals.deleted(context.t, festival))


@gate.admin_only("delfestival")
async def keep(update: Update, context: Context) -> None:
    """The "keep it" button of /delfestival: nothing changes."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await replace(query, render_festivals.kept(context.t))


def _user_data(context: Context) -> dict[Any, Any]:
    """The admin's own data (PTB has some for every update from a user, as all of these are)."""
    assert context.user_data is not None
    return context.user_data
