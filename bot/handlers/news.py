"""Handlers: /latest (with its More and open buttons), /article, /search."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import App, Context, store_of
from bot.render import news as render
from bot.render.common import callback_ids
from storage.errors import NotFound

LATEST_DEFAULT = 5
LATEST_MAX = 20
SEARCH_LIMIT = 5
MAX_SEARCH_CHARS = 200
MAX_ID_DIGITS = 18  # SQLite integers are 64-bit

LATEST_USAGE = (
    f"Send /latest for the {LATEST_DEFAULT} newest articles, or /latest N for N of them, "
    f"N from 1 to {LATEST_MAX}."
)
ARTICLE_USAGE = "Send /article with the article's number, e.g. <code>/article 7</code>."
SEARCH_USAGE = "Send /search with some words, e.g. <code>/search film festival</code>."
NOTHING_MORE = "That's all: there are no older articles."


def register(application: App) -> None:
    """Add /latest, /article, /search and their buttons."""
    application.add_handler(CommandHandler("latest", latest))
    application.add_handler(CommandHandler("article", article))
    application.add_handler(CommandHandler("search", search))
    application.add_handler(CallbackQueryHandler(more, pattern=rf"^{render.MORE}:"))
    application.add_handler(CallbackQueryHandler(open_article, pattern=rf"^{render.ARTICLE}:"))


async def latest(update: Update, context: Context) -> None:
    """Show the newest articles, with buttons to open one and to page on."""
    message = update.effective_message
    if message is None:
        return
    count = _page_size(context.args or [])
    if count is None:
        await message.reply_text(LATEST_USAGE)
        return
    found = await store_of(context).articles.latest(count + 1)
    text, markup = render.latest_page(found[:count], page_size=count, has_more=len(found) > count)
    await message.reply_text(text, reply_markup=markup)


def _page_size(args: list[str]) -> int | None:
    """``[]`` → the default; ``["7"]`` → 7; anything else, or out of range → None."""
    if not args:
        return LATEST_DEFAULT
    if len(args) != 1 or not args[0].isascii() or not args[0].isdigit() or len(args[0]) > 4:
        return None
    count = int(args[0])
    return count if 1 <= count <= LATEST_MAX else None


async def more(update: Update, context: Context) -> None:
    """The More button of /latest: show the next page in the same message."""
    query = update.callback_query
    if query is None:
        return
    ids = callback_ids(query.data, render.MORE, count=2)
    if ids is None or ids[1] > LATEST_MAX:
        await query.answer("This button no longer works. Send /latest again.")
        return
    before_id, count = ids
    found = await store_of(context).articles.latest(count + 1, before_id=before_id)
    if not found:
        await query.answer(NOTHING_MORE)
        return
    text, markup = render.latest_page(
        found[:count], page_size=count, has_more=len(found) > count, first=False
    )
    if not isinstance(query.message, Message):  # too old for Telegram to hand it to us
        await query.answer("This message is too old. Send /latest again.")
        return
    await _edit(query.message, text, markup)
    await query.answer()


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the message in place; a message already showing this page is left as it is."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def open_article(update: Update, context: Context) -> None:
    """An article's button: send the article in full."""
    query = update.callback_query
    if query is None:
        return
    ids = callback_ids(query.data, render.ARTICLE)
    if ids is None:
        await query.answer("This button no longer works.")
        return
    try:
        found = await store_of(context).articles.get(ids[0])
    except NotFound:
        await query.answer(f"Article #{ids[0]} is no longer available.", show_alert=True)
        return
    chat = update.effective_chat
    if chat is None:
        await query.answer(f"Send /article {found.id} to read it.", show_alert=True)
        return
    await query.answer()
    for part in render.article_parts(found):
        await context.bot.send_message(chat.id, part)


async def article(update: Update, context: Context) -> None:
    """Send one article in full, in several messages when it is long."""
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    number = args[0].removeprefix("#") if len(args) == 1 else ""
    if not (number.isascii() and number.isdigit() and len(number) <= MAX_ID_DIGITS) or not int(
        number or 0
    ):
        await message.reply_text(ARTICLE_USAGE)
        return
    try:
        found = await store_of(context).articles.get(int(number))
    except NotFound:
        await message.reply_text(
            f"There is no article #{int(number)}. Send /latest to see the newest ones."
        )
        return
    parts = render.article_parts(found)
    await message.reply_text(parts[0])
    for part in parts[1:]:
        await message.chat.send_message(part)


async def search(update: Update, context: Context) -> None:
    """Full-text search, best first, with the matching words in context."""
    message = update.effective_message
    if message is None:
        return
    words = " ".join(context.args or [])
    if not any(char.isalnum() for char in words):
        await message.reply_text(SEARCH_USAGE)
        return
    if len(words) > MAX_SEARCH_CHARS:
        await message.reply_text(
            f"That is a long search: please use at most {MAX_SEARCH_CHARS} characters."
        )
        return
    hits = await store_of(context).articles.search(words, limit=SEARCH_LIMIT)
    text, markup = render.search_results(words, hits, limit=SEARCH_LIMIT)
    await message.reply_text(text, reply_markup=markup)
