"""Handlers: /search, plain text in a private chat searched the same way, and the buttons of
the results (Previous / Next, "Did you mean …?")."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import App, Context, store_of
from bot.i18n import Translator, mark
from bot.render import search as render
from bot.render.common import callback_ids
from storage import Store
from storage.analysis import MAX_QUERY_TERMS, query_terms
from storage.errors import NotFound
from storage.models import SearchPage

PAGE_SIZE = 5
MAX_SEARCH_CHARS = 200

USAGE = mark(
    "Send /search with some words, e.g. <code>/search film festival</code>; "
    "a word ending in * finds every word that starts so (<code>/search pand*</code>)."
)
NO_WORDS = mark(
    "There is no word to search for in that. "
    "Send /search with some words, e.g. <code>/search film festival</code>; "
    "a word ending in * finds every word that starts so (<code>/search pand*</code>)."
)
PREFIX_TOO_SHORT = mark("A word before * needs at least 2 letters (<code>/search pa*</code>).")
STALE = mark("This search has expired. Please send it again.")


def register(application: App) -> None:
    """Add /search and the buttons of its results."""
    application.add_handler(CommandHandler("search", search))
    application.add_handler(CallbackQueryHandler(page, pattern=rf"^{render.SEARCH}:"))


async def search(update: Update, context: Context) -> None:
    """Full-text search, best first, with the matching words in context."""
    message = update.effective_message
    if message is not None:
        await reply(context.t, message, store_of(context), " ".join(context.args or []))


async def reply(t: Translator, message: Message, store: Store, words: str) -> None:
    """Answer ``message`` with the first page of results for ``words`` (or why there is none)."""
    problem = _problem(t, words)
    if problem is not None:
        await message.reply_text(problem)
        return
    text, markup = await _first_page(t, store, words)
    await message.reply_text(text, reply_markup=markup)


def _problem(t: Translator, words: str) -> str | None:
    """Why ``words`` can't be searched, or None."""
    if len(words) > MAX_SEARCH_CHARS:
        return t(
            "That is a long search: please use at most {count} characters.",
            count=t.number(MAX_SEARCH_CHARS),
        )
    if not any(char.isalnum() for char in words):
        return t(USAGE) if not words.strip() else t(NO_WORDS)
    if not query_terms(words):
        return t(PREFIX_TOO_SHORT) if "*" in words else t(NO_WORDS)
    return None


async def _first_page(
    t: Translator, store: Store, words: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The first page of results, or "Nothing found" with a suggestion."""
    result = await store.search.find(words, limit=PAGE_SIZE)
    if not result.hits:
        suggestion = await store.search.suggest(words)
        saved = None if suggestion is None else await store.search.save(suggestion)
        return render.nothing_found(t, words, suggestion, saved)
    return _render(t, words, result, await _saved_if_paged(store, words, result))


async def _saved_if_paged(store: Store, words: str, result: SearchPage) -> int | None:
    """The saved search's number when the results have more than one page (buttons need it)."""
    return await store.search.save(words) if render.pages(result, PAGE_SIZE) > 1 else None


def _render(
    t: Translator, words: str, result: SearchPage, search_id: int | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    text, markup = render.results(t, words, result, page_size=PAGE_SIZE, search_id=search_id)
    if len(query_terms(words)) == MAX_QUERY_TERMS:
        text += "\n\n" + t.plural(
            "<i>Only the first {count} word was searched.</i>",
            "<i>Only the first {count} words were searched.</i>",
            MAX_QUERY_TERMS,
        )
    return text, markup


async def page(update: Update, context: Context) -> None:
    """A Previous / Next or "Did you mean" button: that page of results, in the same message."""
    query = update.callback_query
    if query is None:
        return
    ids = callback_ids(query.data, render.SEARCH, count=2)
    if ids is None:
        await query.answer(context.t(STALE))
        return
    search_id, number = ids
    store = store_of(context)
    try:
        words = await store.search.saved(search_id)
    except NotFound:
        await query.answer(context.t(STALE), show_alert=True)
        return
    result = await store.search.find(words, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    if not result.hits:
        text, markup = await _first_page(context.t, store, words)
    else:
        text, markup = _render(context.t, words, result, search_id)
    if not isinstance(query.message, Message):  # too old for Telegram to hand it to us
        await query.answer(context.t("This message is too old. Please send the search again."))
        return
    try:
        await query.message.edit_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise
    await query.answer()
