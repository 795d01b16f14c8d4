"""The one list of chat commands: it feeds the command menus (setMyCommands), /help and the
README check."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.context import Context, language_of, settings_of
from bot.i18n import Catalogs, mark

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Command:
    """A chat command: its name, its arguments as shown in /help, and one line on what it does."""

    name: str
    args: str
    description: str
    admin: bool = False

    @property
    def usage(self) -> str:
        """``/name ARGS``."""
        return f"/{self.name} {self.args}".rstrip()


COMMANDS: tuple[Command, ...] = (
    Command("start", "", mark("welcome and what I can do")),
    Command("help", "", mark("the list of commands")),
    Command("latest", "[N]", mark("the newest articles")),
    Command("article", "ID", mark("one article in full")),
    Command("search", "WORDS", mark("full-text search of the news")),
    Command("festival", "NAME", mark("a festival: where, when, latest news")),
    Command("festivals", "", mark("all known festivals, upcoming first")),
    Command("reminders", "", mark("the festivals you asked to be reminded of")),
    Command(
        "rates", "[CODE]", mark("KGS, KZT, TJS, UZS, TMT against USD; a code shows its history")
    ),
    Command(
        "convert", "AMOUNT FROM [TO]", mark("convert between USD and the region's currencies")
    ),
    Command("subscribe", "[HH:MM] [ZONE]", mark("a daily digest at your local time")),
    Command("unsubscribe", "", mark("stop the daily digest")),
    Command("settings", "", mark("your digest time and zone, and the next digest")),
    Command("language", "", mark("the language I speak with you")),
    Command("id", "", mark("your user id and this chat's id (for FILMNEWS_ADMIN_IDS)")),
    Command("post", "TITLE⏎BODY", mark("publish an article"), admin=True),
    Command("edit", "ID TITLE⏎BODY", mark("fix an article's title or body"), admin=True),
    Command("delete", "ID", mark("remove an article"), admin=True),
    Command("setrate", "CODE VALUE [DATE]", mark("record a rate against USD"), admin=True),
    Command(
        "addfestival",
        "Name | City | Country | dates | description",
        mark("add or update a festival"),
        admin=True,
    ),
    Command("delfestival", "ID", mark("remove a festival, after a confirmation"), admin=True),
    Command("cancel", "", mark("stop the guided /addfestival"), admin=True),
    Command("broadcast", "TEXT", mark("send a message to every subscriber"), admin=True),
    Command("stats", "", mark("articles, subscribers, digests, recent admin actions"), admin=True),
    Command("digest", "", mark("preview the digest you would receive now"), admin=True),
    Command("sources", "", mark("live sources: last fetch, items added, failures"), admin=True),
    Command("addsource", "URL [EVERY]", mark("follow an RSS or Atom feed"), admin=True),
    Command("removesource", "NAME", mark("stop following a live source"), admin=True),
)

PUBLIC_COMMANDS = tuple(command for command in COMMANDS if not command.admin)
ADMIN_COMMANDS = tuple(command for command in COMMANDS if command.admin)


async def announce_public(bot: Bot, catalogs: Catalogs) -> None:
    """Set everyone's command menu, in English and in each language for the apps set to it; a
    Bot API server without the method must not stop us."""
    for t in catalogs:
        commands = [
            BotCommand(command.name, t(command.description)) for command in PUBLIC_COMMANDS
        ]
        try:
            await bot.set_my_commands(commands, language_code=None if t.code == "en" else t.code)
        except TelegramError as error:
            logger.warning("setMyCommands failed, the command menu is not updated: %s", error)
            return


async def announce_admins(context: Context) -> None:
    """Set each admin's menu, admin commands included, in their private chat (a job run once
    at start: one call per admin, in the language of their chat; an admin who never wrote is
    skipped)."""
    for admin_id in sorted(settings_of(context).admin_ids):
        t = await language_of(context.bot_data, admin_id, None)
        commands = [BotCommand(command.name, t(command.description)) for command in COMMANDS]
        try:
            await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(admin_id))
        except TelegramError as error:
            # "chat not found" until the admin starts the bot; the menu is a convenience.
            logger.info("admin %s: command menu not set: %s", admin_id, error)
