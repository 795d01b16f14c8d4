"""Handlers: inline mode. ``@bot WORDS`` in any chat offers the matching articles (the newest for
no words), each posted as a card with a "Read in the bot" deep link."""

from __future__ import annotations

import logging

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ChosenInlineResultHandler, InlineQueryHandler

from bot.context import App, Context, store_of
from bot.handlers.sharing import username_of
from bot.render import links
from bot.render.cards import article_card, description
from bot.render.common import teaser
from storage.errors import NotFound
from storage.models import Article

logger = logging.getLogger(__name__)

RESULTS = 10  # articles per answer; Telegram asks for the next ones with the offset
MAX_QUERY_CHARS = 100  # more than that is not searched
MAX_OFFSET = 1000
CACHE_SECONDS = 60
TITLE_CHARS = 100
START_PARAMETER = "inline"  # the button under an empty answer opens the bot with this


def register(application: App) -> None:
    """Answer inline queries; note which result was chosen."""
    application.add_handler(InlineQueryHandler(answer))
    application.add_handler(ChosenInlineResultHandler(chosen))


async def answer(update: Update, context: Context) -> None:
    """The articles for ``@bot WORDS``: the best matches of the search, ten at a time; the
    newest for no words; one article for its deep-link name (``a42``)."""
    query = update.inline_query
    if query is None:
        return
    words = " ".join(query.query.split())[:MAX_QUERY_CHARS]
    offset = int(query.offset) if query.offset.isdigit() and len(query.offset) < 5 else 0
    articles, more = await _articles(context, words, min(offset, MAX_OFFSET))
    t, username = context.t, username_of(context)
    results = []
    for article in articles:
        text, markup = article_card(t, article, username)
        results.append(
            InlineQueryResultArticle(
                id=links.payload(links.ARTICLE, article.id),
                title=teaser(article.title, TITLE_CHARS),
                description=description(t, article),
                input_message_content=InputTextMessageContent(text, parse_mode=ParseMode.HTML),
                reply_markup=markup,
            )
        )
    button = None
    if not results and not offset:
        button = InlineQueryResultsButton(
            text=t("Nothing found: open the bot"), start_parameter=START_PARAMETER
        )
    await query.answer(
        results,
        cache_time=CACHE_SECONDS,
        is_personal=True,  # in the reader's language
        next_offset=str(offset + len(results)) if more else "",
        button=button,
    )


async def _articles(context: Context, words: str, offset: int) -> tuple[list[Article], bool]:
    """The articles of one answer, and whether there are more after them."""
    store = store_of(context)
    if not words:
        return (await store.articles.latest(RESULTS) if not offset else []), False
    named = links.read_payload(words)
    if named is not None and named[0] == links.ARTICLE:
        try:
            return ([await store.articles.get(named[1])] if not offset else []), False
        except NotFound:
            pass
    page = await store.search.find(words, offset=offset, limit=RESULTS)
    shown = offset + len(page.hits)
    return [hit.article for hit in page.hits], shown < page.ranked and shown < MAX_OFFSET


async def chosen(update: Update, context: Context) -> None:
    """A reader posted one of our results (Telegram tells us when inline feedback is on)."""
    result = update.chosen_inline_result
    if result is not None:
        logger.info("inline: %s chosen for %r", result.result_id, result.query[:40])
