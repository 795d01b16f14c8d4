"""Deep links: ``/start a42`` opens article 42 and ``/start f7`` festival 7."""

from __future__ import annotations

from telegram import Message, Update

from bot.context import Context, store_of
from bot.handlers import festivals, news
from bot.render import links
from bot.render.common import with_keyboard
from storage.errors import NotFound


async def open_link(update: Update, context: Context, payload: str) -> bool:
    """Answer ``/start PAYLOAD`` with the article or festival it names; False when the
    payload is not one of our links (the caller welcomes instead)."""
    found = links.read_payload(payload)
    message = update.effective_message
    if found is None or message is None:
        return False
    kind, ident = found
    if kind == links.ARTICLE:
        context.args = [str(ident)]
        await news.article(update, context)  # as /article ID answers, Share button and all
    else:
        await _festival(message, context, ident)
    return True


async def _festival(message: Message, context: Context, festival_id: int) -> None:
    try:
        festival = await store_of(context).festivals.get(festival_id)
    except NotFound:
        await message.reply_text(
            context.t("That festival is no longer listed. Send /festivals for the others.")
        )
        return
    text, markup = await festivals.card_of(context, festival, message.chat_id)
    for part, part_markup in with_keyboard(text, markup):
        await message.chat.send_message(part, reply_markup=part_markup)
