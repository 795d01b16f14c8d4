"""Admin: /post an article (then publish it now or keep it for the digest) and /delete one."""

from __future__ import annotations

from telegram import Update

from bot.context import Context, store_of, today
from bot.delivery.fanout import FanOut
from bot.delivery.kinds import OutboxKind
from bot.handlers.admin import gate
from bot.handlers.admin.common import argument_text, callback_id, fan_out, replace
from bot.handlers.admin.forms import parse_article_id, parse_post
from bot.newsroom.mentions import link_article
from bot.render import admin as render
from storage.errors import Conflict, NotFound
from storage.models import NewArticle

POST_EXAMPLE = "/post Didor festival opens in Dushanbe\nThe festival opens on Friday with…"


@gate.admin_only("post")
async def post(update: Update, context: Context) -> None:
    """/post TITLE⏎BODY, or /post in reply to a message: store an article, offer to publish."""
    message = update.effective_message
    assert message is not None
    text = argument_text(message)
    if not text.strip() and message.reply_to_message is not None:
        text = message.reply_to_message.text or message.reply_to_message.caption or ""
    try:
        form = parse_post(text)
    except ValueError as error:
        await message.reply_text(render.usage(str(error), POST_EXAMPLE))
        return
    user_id = gate.user_id_of(update)
    store = store_of(context)
    festivals = await store.festivals.all()
    try:
        async with store.transaction():
            article = await store.articles.create(
                NewArticle(
                    form.title, form.body, source=f"admin:{user_id}", seen_on=today(context)
                )
            )
            named = await link_article(store, article, festivals)
            await gate.record(context, user_id, "post", target=article.id, detail=article.title)
    except Conflict as conflict:
        await message.reply_text(render.post_exists(conflict.existing_id or 0))
        return
    audience = await _audience(context)
    text, keyboard = render.post_preview(
        article, [festival for festival in festivals if festival.id in named], audience
    )
    await message.reply_text(text, reply_markup=keyboard)


@gate.admin_only("publish")
async def publish(update: Update, context: Context) -> None:
    """The "publish now" button: send the article to every subscriber, once."""
    query = update.callback_query
    assert query is not None
    article_id = callback_id(query)
    try:
        article = await store_of(context).articles.get(article_id)
    except NotFound:
        await query.answer()
        await replace(query, render.gone(article_id))
        return
    text, markup = render.published_article(article)
    # The digest leaves out what was published to a chat, and publishing skips the chats whose
    # digest already carried the article.
    message = FanOut(OutboxKind.PUBLISH, str(article_id), text, markup, article_id)
    await fan_out(
        update,
        context,
        message,
        action="publish",
        target=article_id,
        progress=lambda queued: render.publishing(article, queued),
        report=lambda report: render.publish_report(article, report),
    )


@gate.admin_only("keep")
async def keep(update: Update, context: Context) -> None:
    """The "keep for the digest" button: nothing to send, the digest picks the article up."""
    query = update.callback_query
    assert query is not None
    article_id = callback_id(query)
    await query.answer()
    try:
        article = await store_of(context).articles.get(article_id)
    except NotFound:
        await replace(query, render.gone(article_id))
        return
    await gate.record(context, gate.user_id_of(update), "keep", target=article_id)
    await replace(query, render.kept(article))


@gate.admin_only("delete")
async def delete(update: Update, context: Context) -> None:
    """/delete ID: show the article and ask to confirm."""
    message = update.effective_message
    assert message is not None
    try:
        article_id = parse_article_id(" ".join(context.args or []))
    except ValueError as error:
        await message.reply_text(render.usage(str(error), "/delete 12"))
        return
    try:
        article = await store_of(context).articles.get(article_id)
    except NotFound:
        await message.reply_text(f"There is no article #{article_id}.")
        return
    text, keyboard = render.delete_confirm(article)
    await message.reply_text(text, reply_markup=keyboard)


@gate.admin_only("delete")
async def confirm_delete(update: Update, context: Context) -> None:
    """The "delete" button: remove the article (from the search index too)."""
    query = update.callback_query
    assert query is not None
    article_id = callback_id(query)
    store = store_of(context)
    try:
        async with store.transaction():
            article = await store.articles.delete(article_id)
            await gate.record(
                context,
                gate.user_id_of(update),
                "delete",
                target=article_id,
                detail=article.title,
            )
    except NotFound:
        await query.answer()
        await replace(query, render.gone(article_id))
        return
    await query.answer("Deleted")
    await replace(query, render.deleted(article))


@gate.admin_only("spare")
async def spare(update: Update, context: Context) -> None:
    """The "keep it" button of /delete: nothing changes."""
    query = update.callback_query
    assert query is not None
    article_id = callback_id(query)
    await query.answer()
    await gate.record(context, gate.user_id_of(update), "spare", target=article_id)
    await replace(query, render.spared(article_id))


async def _audience(context: Context) -> int:
    """How many subscribers a publish would reach now."""
    return await store_of(context).subscribers.count()
