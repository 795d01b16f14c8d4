"""Admin: the newsroom's channel (FILMNEWS_CHANNEL): a published article's post there, the
"Channel only" button of a draft, and the retry when the bot could not post."""

from __future__ import annotations

from telegram import Message, Update

from bot.context import Context, application_of, delivery_of, settings_of, store_of
from bot.delivery import channel as channels
from bot.handlers.admin import gate
from bot.handlers.admin.common import callback_id, replace
from bot.handlers.sharing import username_of
from bot.render import channel as render
from bot.render.cards import article_card
from storage.errors import NotFound
from storage.models import Article


async def post_to_channel(update: Update, context: Context, article: Article) -> None:
    """Queue the article's post to the channel (once); tell the admin who pressed what went
    wrong, with a retry button, when the bot may not post there. No channel: nothing."""
    channel = settings_of(context).channel
    query = update.callback_query
    if channel is None or query is None or not isinstance(query.message, Message):
        return
    t, admin_chat = context.t, query.message.chat
    found = await channels.check(context.bot, channel)
    if found.chat_id is None or found.problem is not None:
        why, retry_markup = render.problem(
            t, channel, found.problem or channels.Problem.NOT_FOUND, article.id
        )
        await admin_chat.send_message(why, reply_markup=retry_markup)
        return
    text, markup = article_card(t, article, username_of(context))
    if await channels.queue_post(store_of(context), found.chat_id, article.id, text, markup):
        await gate.record(context, gate.user_id_of(update), "channel", target=article.id)
        delivery_of(context).wake(application_of(context))
        await admin_chat.send_message(render.queued(t, channel, article.id))
    else:
        await admin_chat.send_message(render.already(t, channel, article.id))


@gate.admin_only("publish")
async def retry(update: Update, context: Context) -> None:
    """ "Post to the channel" under a failed attempt: look again, and queue the post."""
    query = update.callback_query
    assert query is not None
    try:
        article = await store_of(context).articles.get(callback_id(query))
    except NotFound:
        await query.answer(context.t("That article was deleted since."), show_alert=True)
        return
    channel = settings_of(context).channel
    if channel is None:
        await query.answer(context.t("No channel is set (FILMNEWS_CHANNEL)."), show_alert=True)
        return
    await query.answer()
    await replace(query, render.retrying(context.t, channel, article.id))
    await post_to_channel(update, context, article)
