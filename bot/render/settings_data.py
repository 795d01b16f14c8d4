"""The callback data of the digest settings' buttons: ``ds:<what>[:<value>]``.

At most a dozen bytes; only the values the panel offers parse (a forged ``ds:t:0715`` or
``ds:z:xyz`` is refused, not applied).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from telegram import InlineKeyboardButton

from bot.i18n import Translator, mark
from bot.newsroom.zones import City, city_of
from bot.render.common import action_data, callback_button, split_action

PREFIX = "ds"
TIMES: tuple[time, ...] = tuple(time(hour) for hour in (7, 8, 9, 12, 18, 21))
# Each button city as the reader's language writes it (Babel has no city names), by its code.
CITY_NAMES: dict[str, str] = {
    "ala": mark("Almaty"),
    "ast": mark("Astana"),
    "fru": mark("Bishkek"),
    "tas": mark("Tashkent"),
    "skd": mark("Samarkand"),
    "dyu": mark("Dushanbe"),
    "asb": mark("Ashgabat"),
    "mow": mark("Moscow"),
}


class Do(StrEnum):
    """What a settings button does (the ``<what>`` of its callback data)."""

    TIME = "t"  # set the digest time to a preset
    ZONE = "z"  # set the zone to a city's
    ASK_TIME = "t?"  # "other…": ask for a typed time
    ASK_ZONE = "z?"  # "other…": ask for a typed zone
    PAUSE = "pause"
    RESUME = "resume"
    OPEN = "open"  # the digest's "⚙️ Settings": show the panel
    STOP = "stop"  # the digest's "🔕 Unsubscribe"


@dataclass(frozen=True, slots=True)
class Action:
    """A parsed settings button: what it does, and the preset time or city it carries."""

    do: Do
    at: time | None = None
    city: City | None = None


def data(do: Do, value: str = "") -> str:
    """The callback data of one button."""
    return action_data(PREFIX, do, value)


def parse(raw: str | None) -> Action | None:
    """Callback data → the action it asks for; None for anything the panel never offers."""
    split = split_action(raw, PREFIX, Do)
    if split is None:
        return None
    do, value = split
    if do is Do.TIME:
        at = next((at for at in TIMES if f"{at:%H%M}" == value), None)
        return None if at is None else Action(do, at=at)
    if do is Do.ZONE:
        city = city_of(value)
        return None if city is None else Action(do, city=city)
    return None if value else Action(do)


def city_name(t: Translator, city: City) -> str:
    """A button city's name in the reader's language."""
    return t(CITY_NAMES[city.code]) if city.code in CITY_NAMES else city.name


def digest_buttons(t: Translator) -> list[InlineKeyboardButton]:
    """The row every digest ends with."""
    return [
        callback_button(t("⚙️ Settings"), data(Do.OPEN)),
        callback_button(t("🔕 Unsubscribe"), data(Do.STOP)),
    ]
