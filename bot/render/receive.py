"""The "What I receive" panel: countries and topics to tick, typed words, festivals followed.

Callback data ``rc:<what>[:<value>]``; only what the panel offers parses (``parse``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator, mark
from bot.newsroom.filters import MAX_WORD_CHARS, MAX_WORDS
from bot.newsroom.tags import COUNTRY_BITS, TOPIC_BITS, Country, Topic
from bot.render.common import action_data, callback_button, escape, keyboard, split_action, teaser
from storage.filters import ReaderFilter
from storage.models import Festival

PREFIX = "rc"
FESTIVAL_CHARS = 40
# The prompts' first characters: a reply to a message starting so is that list of words.
INCLUDE_MARK = "🎯➕"
EXCLUDE_MARK = "🎯➖"

COUNTRY_NAMES: dict[Country, str] = {
    Country.KZ: mark("Kazakhstan"),
    Country.KG: mark("Kyrgyzstan"),
    Country.UZ: mark("Uzbekistan"),
    Country.TJ: mark("Tajikistan"),
    Country.TM: mark("Turkmenistan"),
    Country.OTHER: mark("Elsewhere"),
}
TOPIC_NAMES: dict[Topic, str] = {
    Topic.FESTIVALS: mark("Festivals and awards"),
    Topic.RELEASES: mark("Releases and box office"),
    Topic.PRODUCTION: mark("Production and funding"),
    Topic.PEOPLE: mark("People and interviews"),
    Topic.HERITAGE: mark("Archives and heritage"),
}


class Do(StrEnum):
    """What a button of the panel does."""

    OPEN = "open"
    COUNTRY = "c"  # value: Country.name
    TOPIC = "t"  # value: Topic.name
    ASK_INCLUDE = "in"
    ASK_EXCLUDE = "ex"
    UNFOLLOW = "uf"  # value: a festival id
    EVERYTHING = "all"
    BACK = "back"


@dataclass(frozen=True, slots=True)
class Tap:
    """A parsed button: what it does and the country, topic or festival it names."""

    do: Do
    country: Country | None = None
    topic: Topic | None = None
    festival_id: int | None = None


def data(do: Do, value: str = "") -> str:
    """The callback data of one button."""
    return action_data(PREFIX, do, value)


def parse(raw: str | None) -> Tap | None:
    """Callback data → the tap; None for anything the panel never offers."""
    split = split_action(raw, PREFIX, Do)
    if split is None:
        return None
    do, value = split
    if do is Do.COUNTRY:
        return Tap(do, country=Country[value]) if value in Country.__members__ else None
    if do is Do.TOPIC:
        return Tap(do, topic=Topic[value]) if value in Topic.__members__ else None
    if do is Do.UNFOLLOW:
        ok = value.isascii() and value.isdigit() and len(value) <= 18 and int(value) > 0
        return Tap(do, festival_id=int(value)) if ok else None
    return None if value else Tap(do)


def entry_button(t: Translator) -> InlineKeyboardButton:
    """The settings panel's way in."""
    return callback_button("🎯 " + t("What I receive"), data(Do.OPEN))


def _ticked(bits: int, table: dict[Country, int] | dict[Topic, int]) -> list[str]:
    return [key.name for key, bit in table.items() if bits & bit]


def summary(t: Translator, choice: ReaderFilter, festivals: Sequence[Festival]) -> list[str]:
    """The choice in words, one line each (escaped HTML)."""
    anything = t("any")
    countries = [t(COUNTRY_NAMES[c]) for c, bit in COUNTRY_BITS.items() if choice.countries & bit]
    topics = [t(TOPIC_NAMES[p]) for p, bit in TOPIC_BITS.items() if choice.topics & bit]
    lines = [
        t("Countries: {names}", names=escape(", ".join(countries) or anything)),
        t("Topics: {names}", names=escape(", ".join(topics) or anything)),
    ]
    if choice.include:
        lines.append(t("Only with the words: {words}", words=escape(", ".join(choice.include))))
    if choice.exclude:
        lines.append(t("Never with the words: {words}", words=escape(", ".join(choice.exclude))))
    if festivals:
        names = escape(", ".join(f.name for f in festivals))
        lines.append(t("Festivals I follow (their news always comes): {names}", names=names))
    return lines


def panel_text(t: Translator, choice: ReaderFilter, festivals: Sequence[Festival]) -> str:
    """What the chat receives, and how to change it."""
    head = "🎯 <b>" + escape(t("What I receive")) + "</b>"
    how = t(
        "Tap a country or a topic to tick or untick it; nothing ticked means all of them. "
        "Your digest, the articles the newsroom publishes at once and festival reminders "
        "follow this choice. Follow a festival from its card (/festivals)."
    )
    return "\n".join([head, *summary(t, choice, festivals), "", escape(how)])


def panel_keyboard(
    t: Translator, choice: ReaderFilter, festivals: Sequence[Festival]
) -> InlineKeyboardMarkup | None:
    """Countries, topics, the two word lists, festivals to unfollow, everything, back."""
    countries = [
        callback_button(_mark(bool(choice.countries & bit)) + t(COUNTRY_NAMES[c]), _c(c))
        for c, bit in COUNTRY_BITS.items()
    ]
    topics = [
        callback_button(_mark(bool(choice.topics & bit)) + t(TOPIC_NAMES[p]), _t(p))
        for p, bit in TOPIC_BITS.items()
    ]
    words = [
        callback_button("➕ " + t("Only with words…"), data(Do.ASK_INCLUDE)),
        callback_button("➖ " + t("Never with words…"), data(Do.ASK_EXCLUDE)),
    ]
    unfollow = [
        [
            callback_button(
                "✖ " + t("Unfollow {name}", name=teaser(f.name, FESTIVAL_CHARS)),
                data(Do.UNFOLLOW, str(f.id)),
            )
        ]
        for f in festivals
    ]
    last = [
        callback_button("↺ " + t("Everything"), data(Do.EVERYTHING)),
        callback_button("◂ " + t("Back"), data(Do.BACK)),
    ]
    return keyboard([*_rows(countries, 3), *_rows(topics, 2), words, *unfollow, last])


def _c(country: Country) -> str:
    return data(Do.COUNTRY, country.name)


def _t(topic: Topic) -> str:
    return data(Do.TOPIC, topic.name)


def _mark(chosen: bool) -> str:
    return "✓ " if chosen else ""


def _rows(buttons: list[InlineKeyboardButton], size: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + size] for i in range(0, len(buttons), size)]


def words_prompt(t: Translator, *, include: bool) -> str:
    """Asks for the words, as a reply (the reply is read as the new list)."""
    if include:
        ask = t(
            "Reply to this message with the words an article must have (one of them), "
            "separated by commas, e.g. “animation, documentary”. Send “-” for none."
        )
        return f"{INCLUDE_MARK} {escape(ask)}"
    ask = t(
        "Reply to this message with the words I should never bring you, separated by "
        "commas, e.g. “horror, remake”. Send “-” for none."
    )
    return f"{EXCLUDE_MARK} {escape(ask)}"


def words_problem(t: Translator) -> str:
    """The typed words could not be read."""
    return t(
        "I could not read that: up to {count} words or short phrases ({chars} characters "
        "each at most), with letters or digits, separated by commas; “-” for none.",
        count=MAX_WORDS,
        chars=MAX_WORD_CHARS,
    )


def changed(t: Translator) -> str:
    """The short note a tap answers with."""
    return t("Saved")


def refused(t: Translator) -> str:
    """A button the panel never offered."""
    return t("That button is not one I know: send /settings for a fresh one.")


def admins_only(t: Translator) -> str:
    """A group member who is not an admin tapped."""
    return t("Only the group's admins can change what it receives.")


def following(t: Translator, festival: Festival, *, on: bool) -> str:
    """The answer to a card's Follow button."""
    if on:
        return t("Following {name}: its news always comes to this chat.", name=festival.name)
    return t("No longer following {name}.", name=festival.name)


FOLLOW = "follow"  # follow:<festival id> on a card; unfollow:<id> undoes it
UNFOLLOW = "unfollow"


def follow_button(t: Translator, festival: Festival, followed: bool) -> InlineKeyboardButton:
    """ "⭐ Follow" on a festival card, or "Unfollow" once followed."""
    if followed:
        return callback_button("☆ " + t("Unfollow"), f"{UNFOLLOW}:{festival.id}")
    return callback_button("⭐ " + t("Follow"), f"{FOLLOW}:{festival.id}")
