"""Deep links: ``/start a42`` opens article 42 and ``/start f7`` festival 7."""

from __future__ import annotations

from telegram import Message

from bot.context import Context, store_of
from bot.handlers import festivals
from bot.handlers.sharing import article_share
from bot.render import links
from bot.render import news as render_news
from bot.render.common import with_keyboard
from storage.errors import NotFound


async def open_link(message: Message, context: Context, payload: str) -> bool:
    """Answer ``/start PAYLOAD`` with the article or festival it names; False when the
    payload is not one of our links (the caller welcomes instead)."""
    found = links.read_payload(payload)
    if found is None:
        return False
    kind, ident = found
    if kind == links.ARTICLE:
        await _article(message, context, ident)
    else:
        await _festival(message, context, ident)
    return True


async def _article(message: Message, context: Context, article_id: int) -> None:
    try:
        article = await store_of(context).articles.get(article_id)
    except NotFound:
        await message.reply_text(
            context.t("That article is no longer available. Send /latest for the newest ones.")
        )
        return
    parts = render_news.article_messages(article, share=article_share(context, article))
    for text, markup in parts:
        await message.chat.send_message(text, reply_markup=markup)


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
