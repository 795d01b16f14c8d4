"""Handlers: /start (a welcome with buttons), /help (the one command list) and /id."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.commands import ADMIN_COMMANDS, PUBLIC_COMMANDS, Command
from bot.context import App, Context, settings_of
from bot.handlers import festivals, news, rates, subscriptions
from bot.handlers.deeplinks import open_link
from bot.i18n import Translator, mark

WELCOME = mark(
    "<b>Film news from Central Asia</b>\n"
    "The region's film news, festivals and currency rates, and a daily digest if you like."
)
START_HINT = mark("Tap a button, or send /help for every command.")
# Callback data of the welcome's buttons: "start:latest" and so on.
PREFIX = "start"
Handler = Callable[[Update, Context], Awaitable[None]]
# Each button of the welcome runs its command's own handler, as if the command was sent bare.
BUTTONS: tuple[tuple[str, str, Handler], ...] = (
    ("latest", mark("📰 Latest"), news.latest),
    ("festivals", mark("🎬 Festivals"), festivals.festivals),
    ("rates", mark("💱 Rates"), rates.rates),
    ("subscribe", mark("🔔 Subscribe"), subscriptions.subscribe),
)
_HANDLERS = {name: handler for name, _, handler in BUTTONS}


def register(application: App) -> None:
    """Add /start, its buttons, /help and /id."""
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("id", show_ids))
    application.add_handler(CallbackQueryHandler(pressed, pattern=rf"^{PREFIX}:"))


async def start(update: Update, context: Context) -> None:
    """Welcome the user, with buttons for what most people come for; a deep link
    (``/start a42``, ``/start f7``) opens its article or festival instead."""
    if update.effective_message is None:
        return
    if context.args and await open_link(update, context, context.args[0]):
        return
    t = context.t
    text = f"{t(WELCOME)}\n\n{escape(t(START_HINT))}"
    await update.effective_message.reply_text(text, reply_markup=welcome_keyboard(t))


def welcome_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """Latest · Festivals · Rates · Subscribe, two to a row."""
    buttons = [
        InlineKeyboardButton(t(label), callback_data=f"{PREFIX}:{name}")
        for name, label, _ in BUTTONS
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])


async def pressed(update: Update, context: Context) -> None:
    """A welcome button: run the command's handler, exactly as the bare command would."""
    query = update.callback_query
    if query is None:
        return
    handler = _HANDLERS.get((query.data or "").partition(":")[2])
    if handler is None:
        await query.answer(context.t("This button no longer works."))
        return
    await query.answer()
    context.args = []
    await handler(update, context)


async def help_command(update: Update, context: Context) -> None:
    """List the commands, one line each; admins also see the admin commands."""
    if update.effective_message is None:
        return
    await update.effective_message.reply_text(
        help_text(context.t, is_admin=_is_admin(update, context))
    )


async def show_ids(update: Update, context: Context) -> None:
    """/id: the user's id and the chat's id, and how an id becomes an admin's."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None:
        return
    t = context.t
    lines = []
    if user is not None:
        lines.append(t("Your user id: {id}", id=f"<code>{user.id}</code>"))
    if chat.type == ChatType.PRIVATE:
        lines.append(t("This chat's id: {id} (our private chat)", id=f"<code>{chat.id}</code>"))
    else:
        lines.append(t("This chat's id: {id}", id=f"<code>{chat.id}</code>"))
    lines += [
        "",
        escape(
            t(
                "To make someone an admin of this bot, add their user id to FILMNEWS_ADMIN_IDS "
                "(comma-separated) where the bot runs, and restart it."
            )
        ),
    ]
    await message.reply_text("\n".join(lines))


def help_text(t: Translator, *, is_admin: bool) -> str:
    """The command list in Telegram HTML, in the reader's language (command names stay
    English); the admin section only for admins."""
    lines = [t("<b>Commands</b>"), *(_line(t, command) for command in PUBLIC_COMMANDS)]
    if is_admin:
        lines += ["", t("<b>Admin commands</b>")]
        lines += [_line(t, command) for command in ADMIN_COMMANDS]
    return "\n".join(lines)


def _line(t: Translator, command: Command) -> str:
    return f"{escape(command.usage)} — {escape(t(command.description))}"


def _is_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in settings_of(context).admin_ids
