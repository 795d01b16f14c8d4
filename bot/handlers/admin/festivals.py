"""Admin: /addfestival adds or updates a festival (one line or guided); /delfestival ID
removes one after a confirmation."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from enum import Enum

from telegram import Update

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
from storage.conversations import ConversationKey
from storage.errors import NotFound
from storage.names import name_key

logger = logging.getLogger(__name__)

FESTIVAL_EXAMPLE = (
    "/addfestival Didor International Film Festival | Dushanbe | Tajikistan | "
    "2026-10-01..2026-10-07 | The international film festival of Tajikistan | edition: 9 | "
    "aliases: Didor, Дидор"
)
DELETE_EXAMPLE = "/delfestival 7"

# The guided /addfestival: one question per field. Its step and the answers so far are kept in
# the store (storage/conversations.py), not in this process: the next answer may reach another
# replica. (PTB's ConversationHandler with a persistence would not do: it reads the stored
# conversations once, at start, and keeps them in memory.)
STEPS = NAME, CITY, COUNTRY, DATES, EDITION, ALIASES, DESCRIPTION = (
    "name",
    "city",
    "country",
    "dates",
    "edition",
    "aliases",
    "description",
)
CONVERSATION = "addfestival"
_ATTEMPTS = 3  # tries to take an answer while other replicas take answers of the same form
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


class _Outcome(Enum):
    """What became of an admin's text offered as an answer."""

    TAKEN = "taken"  # answered: the next question, a saved festival, a problem, or lapsed
    NONE = "none"  # no conversation is open: the text is not an answer
    RACED = "raced"  # another replica moved the conversation first: try the step it is at


@gate.admin_only("addfestival")
async def addfestival(update: Update, context: Context) -> None:
    """/addfestival Name | City | Country | dates | description | edition: N | aliases: A, B;
    alone, it asks field by field."""
    message = update.effective_message
    assert message is not None
    conversations = store_of(context).conversations
    text = argument_text(message)
    if not text.strip():
        await conversations.start(_key(update), NAME, datetime.now(UTC))
        await message.reply_text(render_festivals.festival_question(context.t, *_QUESTIONS[NAME]))
        return
    await conversations.end(_key(update))  # a guided one left open is over
    try:
        form = parse_festival(text, await _known_names(context))
    except Problem as error:
        await message.reply_text(usage(context.t, error, FESTIVAL_EXAMPLE))
        return
    await _save(update, context, form)


async def answer(update: Update, context: Context) -> bool:
    """An admin's text, as the answer of their guided /addfestival if one is open: the next
    question, or the festival saved. False when no conversation is open (the text is not an
    answer)."""
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    reply = " ".join(message.text.split())
    key = _key(update)
    # Another replica may take an answer of this conversation meanwhile (the admin sent two
    # quickly, each to another replica): this one is then the answer to the step after.
    for _ in range(_ATTEMPTS):
        outcome = await _take(update, context, key, reply)
        if outcome is not _Outcome.RACED:
            return outcome is _Outcome.TAKEN
    logger.warning("%s: an answer lost %d races for its step; dropped", key, _ATTEMPTS)
    return True


async def _take(update: Update, context: Context, key: ConversationKey, reply: str) -> _Outcome:
    """Take ``reply`` as the answer of the step the conversation waits for now."""
    message = update.effective_message
    assert message is not None
    conversations = store_of(context).conversations
    now = datetime.now(UTC)
    conversation = await conversations.get(key, now)
    if conversation is None or conversation.state not in STEPS:
        return _Outcome.NONE
    step = conversation.state
    if conversation.lapsed:  # over: its owner is told once (by one replica), then text is text
        if await conversations.end(key, step):
            await message.reply_text(render_festivals.cancelled(context.t))
        return _Outcome.TAKEN
    try:
        _check(step, reply, await _known_names(context) if step == NAME else frozenset())
    except Problem as error:
        await message.reply_text(usage(context.t, error, context.t(_QUESTIONS[step][1])))
        return _Outcome.TAKEN
    draft = {**conversation.draft, step: "" if reply in _SKIP else reply.replace("|", "/")}
    if step != DESCRIPTION:
        following = STEPS[STEPS.index(step) + 1]
        if not await conversations.advance(key, step, following, draft, now):
            return _Outcome.RACED
        question = render_festivals.festival_question(context.t, *_QUESTIONS[following])
        await message.reply_text(question)
        return _Outcome.TAKEN
    fields = [draft[NAME], draft[CITY], draft[COUNTRY], draft[DATES], draft[DESCRIPTION]]
    fields += [f"edition: {draft[EDITION]}", f"aliases: {draft[ALIASES]}"]
    try:
        form = parse_festival(" | ".join(fields), await _known_names(context))
    except Problem as error:
        if not await conversations.end(key, step):
            return _Outcome.RACED
        await message.reply_text(usage(context.t, error, FESTIVAL_EXAMPLE))
        return _Outcome.TAKEN
    return _Outcome.TAKEN if await _save(update, context, form, (key, step)) else _Outcome.RACED


def _check(step: str, reply: str, known: frozenset[str]) -> None:
    """Refuse an answer that cannot be stored (``Problem``)."""
    if step == NAME:
        check_name("" if reply in _SKIP else reply, known)
    elif step == DATES:
        parse_dates(reply)
    elif step == EDITION:
        parse_edition(reply)
    elif step == ALIASES:
        parse_aliases(reply)


async def cancel(update: Update, context: Context) -> bool:
    """/cancel: close the guided /addfestival; False when none was open."""
    if not await store_of(context).conversations.end(_key(update)):
        return False
    if update.effective_message is not None:
        await update.effective_message.reply_text(render_festivals.cancelled(context.t))
    return True


def _key(update: Update) -> ConversationKey:
    """The conversation of the update's user in the update's chat, as PTB's would be keyed."""
    assert update.effective_chat is not None
    return ConversationKey(update.effective_chat.id, gate.user_id_of(update), CONVERSATION)


async def _known_names(context: Context) -> frozenset[str]:
    """The name keys of every festival's name and aliases."""
    festivals = await store_of(context).festivals.all()
    return frozenset(name_key(name) for festival in festivals for name in festival.names)


async def _save(
    update: Update,
    context: Context,
    form: FestivalForm,
    ending: tuple[ConversationKey, str] | None = None,
) -> bool:
    """Store the festival (an existing or discovered one keeps its id and articles; the facts
    given become the newsroom's) and link the articles that name it; ``ending``: the
    conversation (at its last step) that gave it ends, and nothing is stored (False) if another
    replica ended it first."""
    message = update.effective_message
    assert message is not None
    store = store_of(context)
    async with store.transaction():
        if ending is not None and not await store.conversations.end(*ending):
            return False
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
    return True


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
