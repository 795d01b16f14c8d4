"""Handlers: /latest (paging both ways, opening an article in place), /article."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import App, Context, store_of
from bot.handlers.ids import parse_id
from bot.handlers.sharing import article_share
from bot.i18n import Translator, mark
from bot.render import news as render
from bot.render.common import callback_ids
from storage.articles import Articles
from storage.errors import NotFound
from storage.models import Article, Position

LATEST_DEFAULT = 5
LATEST_MAX = 20

ARTICLE_USAGE = mark("Send /article with the article's number, e.g. <code>/article 7</code>.")
NOTHING_MORE = mark("That's all: there are no older articles.")
STALE = mark("This button no longer works. Send /latest again.")
TOO_OLD = mark("This message is too old. Send /latest again.")
THE_END = mark("That was the whole article.")
BUTTON_GONE = mark("This button no longer works.")


def latest_usage(t: Translator) -> str:
    """How to write /latest."""
    return t(
        "Send /latest for the {default} newest articles, or /latest N for N of them, "
        "N from 1 to {most}.",
        default=LATEST_DEFAULT,
        most=LATEST_MAX,
    )


def unavailable(t: Translator, article_id: int) -> str:
    """A button about an article that was deleted (an alert: plain text)."""
    return t("Article #{id} is no longer available.", id=article_id)


def send_to_read(t: Translator, article_id: int) -> str:
    """Where an article can't be sent from a button (an alert: plain text)."""
    return t("Send /article {id} to read it.", id=article_id)


def register(application: App) -> None:
    """Add /latest, /article and their buttons."""
    application.add_handler(CommandHandler("latest", latest))
    application.add_handler(CommandHandler("article", article))
    pages = "|".join((render.OLDER, render.NEWER, render.PAGE))
    application.add_handler(CallbackQueryHandler(turn_page, pattern=rf"^(?:{pages}):"))
    application.add_handler(CallbackQueryHandler(open_article, pattern=rf"^{render.ARTICLE}:"))
    application.add_handler(CallbackQueryHandler(more_parts, pattern=rf"^{render.PART}:"))


async def latest(update: Update, context: Context) -> None:
    """Show the newest articles, with buttons to open one and to page on."""
    message = update.effective_message
    if message is None:
        return
    count = _page_size(context.args or [])
    if count is None:
        await message.reply_text(latest_usage(context.t))
        return
    # One read: the newest page and one more, which tells whether there is an older page
    # (there is none newer than the newest).
    found = await store_of(context).articles.latest(count + 1)
    page = found[:count]
    text, markup = render.latest_page(
        context.t, page, page_size=count, older=len(found) > count, newer=False
    )
    await message.reply_text(text, reply_markup=markup)


def _page_size(args: list[str]) -> int | None:
    """``[]`` → the default; ``["7"]`` → 7; anything else, or out of range → None."""
    if not args:
        return LATEST_DEFAULT
    if len(args) != 1 or not args[0].isascii() or not args[0].isdigit() or len(args[0]) > 4:
        return None
    count = int(args[0])
    return count if 1 <= count <= LATEST_MAX else None


async def _render_page(
    t: Translator, articles: Articles, page: list[Article], page_size: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A /latest page with the paging buttons there is somewhere to go to."""
    if not page:
        return render.latest_page(t, page, page_size=page_size, older=False, newer=False)
    older = await articles.latest(1, older_than=page[-1].position)
    newer = await articles.newer(1, page[0].position)
    return render.latest_page(t, page, page_size=page_size, older=bool(older), newer=bool(newer))


async def turn_page(update: Update, context: Context) -> None:
    """The Older, Newer and Back buttons: show that /latest page in the same message."""
    query = update.callback_query
    if query is None:
        return
    prefix = (query.data or "").partition(":")[0]
    found = render.read_page_data(query.data, prefix)
    if found is None or found[1] > LATEST_MAX:
        await query.answer(context.t(STALE))
        return
    position, count = found
    articles = store_of(context).articles
    page = await _page_at(articles, prefix, position, count)
    if not page and prefix == render.OLDER:
        await query.answer(context.t(NOTHING_MORE))
        return
    if not isinstance(query.message, Message):  # too old for Telegram to hand it to us
        await query.answer(context.t(TOO_OLD))
        return
    text, markup = await _render_page(context.t, articles, page, count)
    await _edit(query.message, text, markup)
    await query.answer()


async def _page_at(
    articles: Articles, prefix: str, position: Position, count: int
) -> list[Article]:
    """The page older than, newer than or at ``position``; near the top, the first page."""
    if prefix == render.OLDER:
        return await articles.latest(count, older_than=position)
    if prefix == render.NEWER:
        page = await articles.newer(count, position)
        return page if len(page) == count else await articles.latest(count)
    page = await articles.latest(count, older_than=position, inclusive=True)
    return page or await articles.latest(count)


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the message in place; a message already showing this page is left as it is."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def open_article(update: Update, context: Context) -> None:
    """An article's button: open it in place of its /latest page, or send it."""
    query = update.callback_query
    if query is None:
        return
    found = render.read_open_data(query.data)
    if found is None or (found[1] is not None and found[1][1] > LATEST_MAX):
        await query.answer(context.t(BUTTON_GONE))
        return
    article_id, page = found
    try:
        shown = await store_of(context).articles.get(article_id)
    except NotFound:
        await query.answer(unavailable(context.t, article_id), show_alert=True)
        return
    if page is not None and isinstance(query.message, Message):
        text, in_place = render.article_in_place(
            context.t, shown, page, share=article_share(context, shown)
        )
        await _edit(query.message, text, in_place)
        await query.answer()
        return
    chat = update.effective_chat
    if chat is None:
        await query.answer(send_to_read(context.t, shown.id), show_alert=True)
        return
    await query.answer()
    for text, markup in render.article_messages(
        context.t, shown, share=article_share(context, shown)
    ):
        await context.bot.send_message(chat.id, text, reply_markup=markup)


async def more_parts(update: Update, context: Context) -> None:
    """The "Continue reading" button of a long article: send its next parts."""
    query = update.callback_query
    if query is None:
        return
    ids = callback_ids(query.data, render.PART, count=2)
    if ids is None:
        await query.answer(context.t(BUTTON_GONE))
        return
    article_id, start = ids
    try:
        shown = await store_of(context).articles.get(article_id)
    except NotFound:
        await query.answer(unavailable(context.t, article_id), show_alert=True)
        return
    messages = render.article_messages(
        context.t, shown, start, share=article_share(context, shown)
    )
    chat = update.effective_chat
    if not messages or chat is None:
        await query.answer(
            context.t(THE_END) if not messages else send_to_read(context.t, shown.id)
        )
        return
    await query.answer()
    await _without_continue(query.message)
    for text, markup in messages:
        await context.bot.send_message(chat.id, text, reply_markup=markup)


async def _without_continue(message: object) -> None:
    """Take the "Continue reading" button off a message whose parts were sent on."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    rows = [
        [button for button in row if not str(button.callback_data).startswith(render.PART)]
        for row in message.reply_markup.inline_keyboard
    ]
    kept = [row for row in rows if row]
    try:
        await message.edit_reply_markup(InlineKeyboardMarkup(kept) if kept else None)
    except BadRequest as error:  # an old message, or one already without it
        if "not modified" not in error.message.lower():
            raise


async def article(update: Update, context: Context) -> None:
    """Send one article: its first parts, and a button to the rest when it is long."""
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    number = parse_id(args[0]) if len(args) == 1 else None
    if number is None:
        await message.reply_text(context.t(ARTICLE_USAGE))
        return
    try:
        found = await store_of(context).articles.get(number)
    except NotFound:
        await message.reply_text(
            context.t("There is no article #{id}. Send /latest to see the newest ones.", id=number)
        )
        return
    messages = render.article_messages(context.t, found, share=article_share(context, found))
    text, markup = messages[0]
    await message.reply_text(text, reply_markup=markup)
    for text, markup in messages[1:]:
        await message.chat.send_message(text, reply_markup=markup)
