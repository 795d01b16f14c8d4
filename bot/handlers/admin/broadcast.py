"""Admin: /broadcast TEXT to every subscriber, after a confirmation, through the outbox.

The request is a line of the audit trail holding the text; its buttons carry that line's id,
which is also the fan-out's outbox ref: the text sent is exactly the one previewed, the
confirmation still works after a restart, and a second press sends nothing twice.
"""

from __future__ import annotations

from telegram import Update

from bot.context import Context, store_of
from bot.delivery.fanout import FanOut
from bot.delivery.kinds import OutboxKind
from bot.handlers.admin import gate
from bot.handlers.admin.common import argument_text, callback_id, fan_out, replace
from bot.i18n import mark
from bot.newsroom.problems import Problem
from bot.render import admin_reports as render
from bot.render.admin import NOBODY
from bot.render.common import MAX_MESSAGE, visible_len
from bot.render.problems import usage
from storage.errors import NotFound

REQUEST = "broadcast-request"
EXAMPLE = "/broadcast The Didor programme is out: see /latest"


@gate.admin_only("broadcast")
async def broadcast(update: Update, context: Context) -> None:
    """/broadcast TEXT: show who would get it and ask to confirm."""
    message = update.effective_message
    assert message is not None
    text = argument_text(message).strip()
    t = context.t
    if not text:
        problem = Problem(mark("Write the message after /broadcast."))
        await message.reply_text(usage(t, problem, EXAMPLE))
        return
    over = visible_len(render.broadcast_text(t, text)) - MAX_MESSAGE
    if over > 0:
        problem = Problem(
            mark("The message is {count} characters too long for one Telegram message."),
            count=over,
        )
        await message.reply_text(usage(t, problem, EXAMPLE))
        return
    audience = await store_of(context).subscribers.count()
    if not audience:
        await message.reply_text(t(NOBODY))
        return
    request_id = await gate.record(context, gate.user_id_of(update), REQUEST, detail=text)
    preview, keyboard = render.broadcast_confirm(t, text, audience, request_id)
    await message.reply_text(preview, reply_markup=keyboard)


@gate.admin_only("broadcast")
async def send(update: Update, context: Context) -> None:
    """The "send" button: queue the broadcast for every subscriber, once, and report."""
    query = update.callback_query
    assert query is not None
    request_id = callback_id(query)
    try:
        request = await store_of(context).admin_actions.get(request_id)
    except NotFound:
        request = None
    if request is None or request.action != REQUEST:
        await query.answer(render.broadcast_request_gone(context.t), show_alert=True)
        return
    text, t = request.detail, context.t
    # The admin's text as written; what we say around it in each subscriber's language.
    message = FanOut(
        OutboxKind.BROADCAST,
        str(request_id),
        lambda reader: (render.broadcast_text(reader, text), None),
    )
    await fan_out(
        update,
        context,
        message,
        action=OutboxKind.BROADCAST,
        target=request_id,
        progress=lambda queued: render.broadcasting(t, queued),
        report=lambda report: render.broadcast_report(t, report),
    )


@gate.admin_only("broadcast")
async def drop(update: Update, context: Context) -> None:
    """The "cancel" button: nothing is sent."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await gate.record(
        context, gate.user_id_of(update), "broadcast-cancel", target=callback_id(query)
    )
    await replace(query, render.broadcast_dropped(context.t))
