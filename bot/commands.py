"""The one list of chat commands: it feeds setMyCommands, /help and the README check."""

from __future__ import annotations

from dataclasses import dataclass


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
    Command("start", "", "welcome and what I can do"),
    Command("help", "", "the list of commands"),
    Command("latest", "[N]", "the newest articles"),
    Command("article", "ID", "one article in full"),
    Command("search", "WORDS", "full-text search of the news"),
    Command("festival", "NAME", "a festival: where, when, latest news"),
    Command("festivals", "", "all known festivals, upcoming first"),
    Command("rates", "[CODE]", "KGS, KZT, TJS, UZS, TMT against USD; a code shows its history"),
    Command("convert", "AMOUNT FROM [TO]", "convert between USD and the region's currencies"),
    Command("subscribe", "[HH:MM] [ZONE]", "a daily digest at your local time"),
    Command("unsubscribe", "", "stop the daily digest"),
    Command("settings", "", "your digest time and zone, and the next digest"),
    Command("post", "TITLE⏎BODY", "publish an article", admin=True),
    Command("delete", "ID", "remove an article", admin=True),
    Command("setrate", "CODE VALUE [DATE]", "record a rate against USD", admin=True),
    Command(
        "addfestival",
        "Name | City | Country | dates | description",
        "add or update a festival",
        admin=True,
    ),
    Command("cancel", "", "stop the guided /addfestival", admin=True),
    Command("broadcast", "TEXT", "send a message to every subscriber", admin=True),
    Command("stats", "", "articles, subscribers, digests, recent admin actions", admin=True),
    Command("digest", "", "preview the digest you would receive now", admin=True),
)

PUBLIC_COMMANDS = tuple(command for command in COMMANDS if not command.admin)
ADMIN_COMMANDS = tuple(command for command in COMMANDS if command.admin)
