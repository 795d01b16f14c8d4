"""Admin: /post a draft (then publish it now, quietly, or discard it) and /delete an article."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.context import Context, settings_of, store_of, today
from bot.delivery.fanout import FanOut
from bot.delivery.kinds import OutboxKind
from bot.handlers.admin import gate
from bot.handlers.admin.channel import post_to_channel
from bot.handlers.admin.common import argument_text, callback_id, fan_out, replace
from bot.handlers.admin.forms import parse_post
from bot.handlers.ids import parse_id
from bot.i18n import Translator, mark
from bot.newsroom.festivals import discover_and_link
from bot.newsroom.mentions import MentionFinder
from bot.newsroom.problems import Problem
from bot.newsroom.tagging import tagged
from bot.render import admin as render
from bot.render import channel as render_channel
from bot.render.common import teaser
from bot.render.problems import usage
from storage.errors import Conflict, NotFound
from storage.models import Article, NewArticle

POST_EXAMPLE = "/post Didor festival opens in Dushanbe\nThe festival opens on Friday with…"
SHOWN_INPUT = 40  # characters of a bad argument quoted back


@gate.admin_only("post")
async def post(update: Update, context: Context) -> None:
    """/post TITLE⏎BODY, or /post in reply to a message: keep a draft, offer to publish it."""
    message = update.effective_message
    assert message is not None
    text = argument_text(message)
    if not text.strip() and message.reply_to_message is not None:
        text = message.reply_to_message.text or message.reply_to_message.caption or ""
    try:
        form = parse_post(text)
    except Problem as problem:
        await message.reply_text(usage(context.t, problem, POST_EXAMPLE))
        return
    store = store_of(context)
    existing = await store.articles.with_title(form.title)
    if existing is not None:
        await message.reply_text(render.post_exists(context.t, existing))
        return
    user_id = gate.user_id_of(update)
    async with store.transaction():
        draft = await store.drafts.create(form.title, form.body, user_id)
        await gate.record(context, user_id, "post", target=draft.id, detail=draft.title)
    festivals = await store.festivals.all()
    named = set(MentionFinder(festivals).find(draft.title, draft.body))
    audience = await store.subscribers.count()
    text, keyboard = render.post_preview(
        context.t, draft, [festival for festival in festivals if festival.id in named], audience
    )
    if (channel := settings_of(context).channel) is not None:  # it also goes there
        text, keyboard = render_channel.with_channel(context.t, text, keyboard, channel, draft.id)
    await message.reply_text(text, reply_markup=keyboard)


async def _publish(query: CallbackQuery, context: Context, action: str) -> Article | None:
    """The article a draft became, publishing it first if it was not yet (in the news, the
    search and the festival pages); None when there is none, the button answered."""
    draft_id = callback_id(query)
    store = store_of(context)
    try:
        async with store.transaction():
            draft = await store.drafts.get(draft_id)
            if draft.article_id is not None:
                return await store.articles.get(draft.article_id)
            article = await store.articles.create(
                tagged(
                    NewArticle(
                        draft.title,
                        draft.body,
                        source=f"admin:{draft.user_id}",
                        seen_on=today(context),
                    )
                )
            )
            await store.drafts.published(draft.id, article.id)
            await discover_and_link(store, article)
            user_id = query.from_user.id
            await gate.record(
                context, user_id, action, target=article.id, detail=f"draft {draft_id}"
            )
    except NotFound:  # discarded, or published and deleted since
        await query.answer()
        await replace(query, render.draft_gone(context.t, draft_id))
        return None
    except Conflict as conflict:
        await query.answer()
        await replace(query, render.draft_taken(context.t, draft_id, conflict.existing_id or 0))
        return None
    return article


@gate.admin_only("publish")
async def publish(update: Update, context: Context) -> None:
    """The "publish now" button: publish the draft and send it to every subscriber, once."""
    query = update.callback_query
    assert query is not None
    article = await _publish(query, context, "publish-draft")
    if article is None:
        return
    t = context.t
    # The digest leaves out what was published to a chat, and publishing skips the chats whose
    # digest already carried the article.
    message = FanOut(
        OutboxKind.PUBLISH,
        str(article.id),
        lambda reader: render.published_article(reader, article),
        article.id,
    )
    queued = await fan_out(
        update,
        context,
        message,
        action="publish",
        target=article.id,
        progress=lambda queued: render.publishing(t, article, queued),
        report=lambda report: render.publish_report(t, article, report),
    )
    if not queued and not await store_of(context).subscribers.count():
        # Everyone unsubscribed since the preview: the article is published all the same.
        await replace(query, render.published_quietly(t, article))
    await post_to_channel(update, context, article)  # FILMNEWS_CHANNEL, once


@gate.admin_only("publish")
async def channel_only(update: Update, context: Context) -> None:
    """The draft's "Channel only": published (the news, the search, the next digest) and
    posted to the newsroom's channel; nobody is sent it now."""
    query = update.callback_query
    assert query is not None
    article = await _publish(query, context, "publish-channel")
    if article is None:
        return
    await query.answer()
    note = render_channel.published_for_channel(context.t, article.id, article.title)
    await replace(query, note)
    await post_to_channel(update, context, article)


@gate.admin_only("publish")
async def publish_quietly(update: Update, context: Context) -> None:
    """The "publish quietly" button: in the news and the search now, sent with the next
    digest; nothing is sent now."""
    query = update.callback_query
    assert query is not None
    article = await _publish(query, context, "publish-quietly")
    if article is None:
        return
    await query.answer()
    await replace(query, render.published_quietly(context.t, article))


@gate.admin_only("discard")
async def discard(update: Update, context: Context) -> None:
    """The "discard" button: the draft goes, nothing was ever published."""
    query = update.callback_query
    assert query is not None
    draft_id = callback_id(query)
    store = store_of(context)
    try:
        async with store.transaction():
            draft = await store.drafts.discard(draft_id)
            await gate.record(
                context, gate.user_id_of(update), "discard", target=draft_id, detail=draft.title
            )
    except NotFound:
        try:
            published = (await store.drafts.get(draft_id)).article_id
        except NotFound:
            published = None
        if published is None:
            await query.answer()
            await replace(query, render.draft_gone(context.t, draft_id))
        else:
            await query.answer(render.already_published(context.t, published), show_alert=True)
        return
    await query.answer()
    await replace(query, render.discarded(context.t, draft))


def article_id_argument(text: str) -> int | None:
    """The article id typed after a command, or None when it is not one."""
    return parse_id(text) if text.strip() else None


def not_an_id(t: Translator, text: str, example: str) -> str:
    """The reply to an argument that is not an article id (quoted, shortened)."""
    shown = teaser(text, SHOWN_INPUT)
    if not shown:
        return usage(t, Problem(mark("No article number given.")), example)
    return usage(t, Problem(mark("“{typed}” is not an article number."), typed=shown), example)


@gate.admin_only("delete")
async def delete(update: Update, context: Context) -> None:
    """/delete ID: show the article and ask to confirm."""
    message = update.effective_message
    assert message is not None
    typed = " ".join(context.args or [])
    article_id = article_id_argument(typed)
    if article_id is None:
        await message.reply_text(not_an_id(context.t, typed, "/delete 12"))
        return
    try:
        article = await store_of(context).articles.get(article_id)
    except NotFound:
        await message.reply_text(render.no_article(context.t, article_id))
        return
    text, keyboard = render.delete_confirm(context.t, article)
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
        await replace(query, render.gone(context.t, article_id))
        return
    await query.answer(context.t("Deleted"))
    await replace(query, render.deleted(context.t, article))


@gate.admin_only("spare")
async def spare(update: Update, context: Context) -> None:
    """The "keep it" button of /delete: nothing changes."""
    query = update.callback_query
    assert query is not None
    article_id = callback_id(query)
    await query.answer()
    await gate.record(context, gate.user_id_of(update), "spare", target=article_id)
    await replace(query, render.spared(context.t, article_id))
