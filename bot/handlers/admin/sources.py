"""Admin: /sources (the live sources and how they fare), /addsource URL, /removesource NAME."""

from __future__ import annotations

from telegram import Update

from bot.context import Context, settings_of, store_of
from bot.handlers.admin import gate
from bot.i18n import mark
from bot.live import rates_fetcher
from bot.newsroom.problems import Problem
from bot.newsroom.sources.feeds import FeedError
from bot.newsroom.sources.http import FetchError, build_client
from bot.newsroom.sources.poller import Poller
from bot.newsroom.sources.registry import FEED_EVERY, parse_every
from bot.render import sources as render
from bot.render.problems import usage
from storage.errors import Conflict, NotFound


@gate.admin_only("sources")
async def sources(update: Update, context: Context) -> None:
    """/sources: every live source, its last fetch, what it added, its failures."""
    message = update.effective_message
    assert message is not None
    settings = settings_of(context)
    listed = await store_of(context).sources.all()
    live = settings.sources is not None
    for text in render.sources(context.t, listed, settings.timezone, live=live):
        await message.reply_text(text)


@gate.admin_only("addsource")
async def addsource(update: Update, context: Context) -> None:
    """/addsource URL [every]: fetch the address once; follow it only if it is a feed."""
    message = update.effective_message
    assert message is not None
    settings = settings_of(context)
    if settings.sources is None:
        await message.reply_text(render.off(context.t))
        return
    args = context.args or []
    try:
        if not 1 <= len(args) <= 2:
            raise Problem(mark("Give the feed's address, and how often to fetch it if you like."))
        url = args[0]
        if not url.lower().startswith(("http://", "https://")):
            raise Problem(mark("{url} is not an http(s) address."), url=url)
        every = parse_every(args[1]) if len(args) == 2 else FEED_EVERY
    except Problem as error:
        await message.reply_text(usage(context.t, error, render.ADD_EXAMPLE))
        return
    store = store_of(context)
    existing = await store.sources.with_url(url)
    if existing is not None:
        await message.reply_text(render.already(context.t, existing))
        return
    user_id = gate.user_id_of(update)
    async with build_client() as client:
        poller = Poller(
            store,
            client,
            zone=settings.timezone,
            private_sources=settings.private_sources,
            rates=rates_fetcher(),
        )
        try:
            source, feed, intake = await poller.add_feed(url, every, user_id)
        except (FetchError, FeedError, Conflict) as error:
            await message.reply_text(render.refused(context.t, url, str(error)))
            return
    await gate.record(
        context, user_id, "addsource", target=source.name, detail=f"{url} {len(feed.items)} items"
    )
    await message.reply_text(render.added(context.t, source, feed.title, len(feed.items), intake))


@gate.admin_only("removesource")
async def removesource(update: Update, context: Context) -> None:
    """/removesource NAME: stop fetching a source for good (its articles stay)."""
    message = update.effective_message
    assert message is not None
    args = context.args or []
    if len(args) != 1:
        problem = Problem(mark("Name the source to remove."))
        await message.reply_text(usage(context.t, problem, render.REMOVE_EXAMPLE))
        return
    store = store_of(context)
    wanted = args[0]
    by_url = await store.sources.with_url(wanted)
    try:
        source = await store.sources.remove(by_url.name if by_url else wanted)
    except NotFound:
        await message.reply_text(render.unknown(context.t, wanted))
        return
    await gate.record(
        context, gate.user_id_of(update), "removesource", target=source.name, detail=wanted
    )
    await message.reply_text(render.removed(context.t, source))
