"""Handlers: /start and /help, both generated from the one command list."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import CommandHandler

from bot.commands import ADMIN_COMMANDS, PUBLIC_COMMANDS, Command
from bot.context import App, Context, settings_of

WELCOME = (
    "<b>Film news from Central Asia</b>\n"
    "The region's film news, festivals and currency rates, and a daily digest if you like."
)


def register(application: App) -> None:
    """Add /start and /help."""
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))


async def start(update: Update, context: Context) -> None:
    """Welcome the user and list the commands."""
    if update.effective_message is None:
        return
    text = f"{WELCOME}\n\n{help_text(is_admin=_is_admin(update, context))}"
    await update.effective_message.reply_text(text)


async def help_command(update: Update, context: Context) -> None:
    """List the commands, one line each; admins also see the admin commands."""
    if update.effective_message is None:
        return
    await update.effective_message.reply_text(help_text(is_admin=_is_admin(update, context)))


def help_text(*, is_admin: bool) -> str:
    """The command list in Telegram HTML; the admin section only for admins."""
    lines = ["<b>Commands</b>", *map(_line, PUBLIC_COMMANDS)]
    if is_admin:
        lines += ["", "<b>Admin commands</b>", *map(_line, ADMIN_COMMANDS)]
    return "\n".join(lines)


def _line(command: Command) -> str:
    return f"{escape(command.usage)} — {escape(command.description)}"


def _is_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in settings_of(context).admin_ids
