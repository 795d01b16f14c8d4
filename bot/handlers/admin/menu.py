"""The command menu of admins: every command, the admin ones included, in their private chats."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.commands import COMMANDS
from bot.context import Context, settings_of

logger = logging.getLogger(__name__)


async def announce(context: Context) -> None:
    """Set each admin's menu (a job run once at start; an admin who never wrote is skipped)."""
    commands = [BotCommand(command.name, command.description) for command in COMMANDS]
    for admin_id in sorted(settings_of(context).admin_ids):
        try:
            await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(admin_id))
        except TelegramError as error:
            # "chat not found" until the admin starts the bot; the menu is a convenience.
            logger.info("admin %s: command menu not set: %s", admin_id, error)
