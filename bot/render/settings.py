"""The digest settings by tapping: the panel's text and buttons (their data: settings_data)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.newsroom.zones import CITIES
from bot.render.common import callback_button, keyboard
from bot.render.digest import local_instant, when
from bot.render.receive import entry_button
from bot.render.settings_data import TIMES, Action, Do, city_name, data

_PER_ROW = 3
# The first characters of the prompts that ask for a typed value, the same in every language:
# a reply to one is that value.
TIME_PROMPT = "🕗 "
ZONE_PROMPT = "🌍 "


class State(StrEnum):
    """Whether a chat's digest is on, paused (to resume as it was), or off."""

    ON = "on"
    PAUSED = "paused"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class Panel:
    """What the panel shows: the chat's time and zone, and whether the digest is on."""

    at: time
    zone: str
    state: State
    next_local: datetime | None = None
    last_day: date | None = None
    thread_id: int | None = None  # the forum topic it goes to


def panel_keyboard(
    t: Translator, panel: Panel, language_row: Sequence[InlineKeyboardButton] = ()
) -> InlineKeyboardMarkup | None:
    """Times, zones by city, (the language, once there is a row for it), pause or resume."""
    times = [
        callback_button(_mark(at == panel.at) + f"{at:%H:%M}", data(Do.TIME, f"{at:%H%M}"))
        for at in TIMES
    ]
    times.append(callback_button(t("Other time…"), data(Do.ASK_TIME)))
    chosen = next((city for city in CITIES if city.zone == panel.zone), None)
    cities = [
        callback_button(_mark(city == chosen) + city_name(t, city), data(Do.ZONE, city.code))
        for city in CITIES
    ]
    cities.append(callback_button(t("Other zone…"), data(Do.ASK_ZONE)))
    if panel.state is State.ON:
        switch = [callback_button(t("⏸ Pause"), data(Do.PAUSE))]
    else:
        resume = t("▶️ Resume") if panel.state is State.PAUSED else t("✅ Subscribe")
        switch = [callback_button(resume, data(Do.RESUME))]
    return keyboard([*_rows(times), *_rows(cities), language_row, [entry_button(t)], switch])


def panel_text(t: Translator, panel: Panel) -> str:
    """The panel's text: the digest's state, time, zone and next one."""
    lines = [t("⚙️ <b>Your daily digest</b>")]
    at = when(panel.at, panel.zone)
    if panel.state is State.ON:
        lines += [
            t(
                "What: the articles new since the last digest, the rates against USD and the "
                "festivals coming up (no message on a day without new articles)."
            ),
            t("When: every day at {when}.", when=at),
        ]
        if panel.next_local is not None:
            lines.append(t("Next: {instant}.", instant=local_instant(t, panel.next_local)))
        if panel.last_day is not None:
            lines.append(t("Last: {date}.", date=t.date(panel.last_day)))
        if panel.thread_id is not None:
            lines.append(
                t("Where: this topic of the group (subscribe in another topic to move it).")
            )
    elif panel.state is State.PAUSED:
        lines += [
            t("⏸ Paused. It was every day at {when}.", when=at),
            t("Resume it, or tap a time or a city to start it again with that change."),
        ]
    else:
        lines.append(
            t(
                "You have no daily digest. Tap a time or a city to get one every day at {when} "
                "or at the time you choose.",
                when=at,
            )
        )
    lines += ["", t("Tap to change it, or type <code>/subscribe 08:30 Bishkek</code>.")]
    return "\n".join(lines)


def resume_keyboard(t: Translator) -> InlineKeyboardMarkup | None:
    """One button that brings an unsubscribed digest back."""
    return keyboard([[callback_button(t("↩️ Subscribe again"), data(Do.RESUME))]])


def time_prompt(t: Translator) -> str:
    """Asks for a typed time (the reply is read as one: it starts with ``TIME_PROMPT``)."""
    return TIME_PROMPT + t(
        "Reply to this message with the time of your digest, as HH:MM (24-hour), e.g. "
        "<code>07:45</code>."
    )


def zone_prompt(t: Translator) -> str:
    """Asks for a typed zone (the reply is read as one: it starts with ``ZONE_PROMPT``)."""
    return ZONE_PROMPT + t(
        "Reply to this message with your city or time zone: a city (Bishkek, Ташкент), a zone "
        "name (Asia/Almaty) or an offset (UTC+5)."
    )


def changed(t: Translator, action: Action) -> str:
    """The short note a tap answers with."""
    if action.at is not None:
        return t("Digest time: {time}", time=f"{action.at:%H:%M}")
    if action.city is not None:
        return t("Time zone: {city}", city=city_name(t, action.city))
    if action.do is Do.PAUSE:
        return t("Digest paused")
    if action.do is Do.RESUME:
        return t("Digest on")
    if action.do is Do.STOP:
        return t("Unsubscribed")
    return ""


def refused(t: Translator) -> str:
    """The answer to a button the panel never offered (an old client, or forged)."""
    return t("That button is not one I know: send /settings for a fresh one.")


def admins_only(t: Translator) -> str:
    """A group member who is not an admin tapped the group's settings."""
    return t("Only the group's admins can change its digest.")


def _mark(chosen: bool) -> str:
    return "✓ " if chosen else ""


def _rows(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [buttons[start : start + _PER_ROW] for start in range(0, len(buttons), _PER_ROW)]
