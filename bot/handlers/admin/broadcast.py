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
from bot.render import admin as render
from bot.render.common import MAX_MESSAGE, utf16_len
from storage.errors import NotFound

REQUEST = "broadcast-request"
EXAMPLE = "/broadcast The Didor programme is out: see /latest"


@gate.admin_only("broadcast")
async def broadcast(update: Update, context: Context) -> None:
    """/broadcast TEXT: show who would get it and ask to confirm."""
    message = update.effective_message
    assert message is not None
    text = argument_text(message).strip()
    if not text:
        await message.reply_text(render.usage("write the message after /broadcast", EXAMPLE))
        return
    over = utf16_len(render.broadcast_text(text)) - MAX_MESSAGE
    if over > 0:
        problem = f"the message is {over} characters too long for one Telegram message"
        await message.reply_text(render.usage(problem, EXAMPLE))
        return
    audience = await store_of(context).subscribers.count()
    if not audience:
        await message.reply_text(render.NOBODY)
        return
    request_id = await gate.record(context, gate.user_id_of(update), REQUEST, detail=text)
    preview, keyboard = render.broadcast_confirm(text, audience, request_id)
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
        await query.answer("This broadcast request does not exist.", show_alert=True)
        return
    message = FanOut(OutboxKind.BROADCAST, str(request_id), render.broadcast_text(request.detail))
    await fan_out(
        update,
        context,
        message,
        action=OutboxKind.BROADCAST,
        target=request_id,
        progress=render.broadcasting,
        report=render.broadcast_report,
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
    await replace(query, render.broadcast_dropped())
