"""Admin: /broadcast TEXT to every subscriber, after a confirmation, through the outbox.

The request is a line of the audit trail holding the text; its buttons carry that line's id,
which is also the fan-out's outbox ref: the text sent is exactly the one previewed, the
confirmation still works after a restart, and a second press sends nothing twice.
"""

from __future__ import annotations

from telegram import Message, Update

from bot import audit
from bot.context import Context, store_of
from bot.handlers.admin import fanout
from bot.handlers.admin.common import argument_text, callback_id, replace
from bot.render import admin as render
from bot.render.common import MAX_MESSAGE, utf16_len
from storage.errors import NotFound

KIND = "broadcast"  # the outbox kind of broadcasts; their ref is the request's audit line id
REQUEST = "broadcast-request"
EXAMPLE = "/broadcast The Didor programme is out: see /latest"


@audit.admin_only("broadcast")
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
    request_id = await audit.record(context, audit.user_id_of(update), REQUEST, detail=text)
    preview, keyboard = render.broadcast_confirm(text, audience, request_id)
    await message.reply_text(preview, reply_markup=keyboard)


@audit.admin_only("broadcast")
async def send(update: Update, context: Context) -> None:
    """The "send" button: queue the broadcast for every subscriber, once, and report."""
    query = update.callback_query
    assert query is not None
    request_id = callback_id(query)
    store = store_of(context)
    try:
        request = await store.admin_actions.get(request_id)
    except NotFound:
        request = None
    if request is None or request.action != REQUEST:
        await query.answer("This broadcast request does not exist.", show_alert=True)
        return
    async with store.transaction():
        queued = await fanout.queue(
            context, KIND, str(request_id), render.broadcast_text(request.detail), None
        )
        if queued:
            await audit.record(
                context,
                audit.user_id_of(update),
                KIND,
                target=request_id,
                detail=f"to {queued} subscribers",
            )
    if not queued:
        audience = await store.subscribers.count()
        await query.answer(render.ALREADY_SENT if audience else render.NOBODY, show_alert=True)
        return
    await query.answer()
    await replace(query, render.broadcasting(queued))
    fanout.wake_sender(context.application)
    if isinstance(query.message, Message):
        fanout.follow(
            context.application,
            KIND,
            str(request_id),
            queued,
            (query.message.chat_id, query.message.message_id),
            render.broadcast_report,
        )


@audit.admin_only("broadcast")
async def drop(update: Update, context: Context) -> None:
    """The "cancel" button: nothing is sent."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await audit.record(
        context, audit.user_id_of(update), "broadcast-cancel", target=callback_id(query)
    )
    await replace(query, render.broadcast_dropped())
