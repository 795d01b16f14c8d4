"""Festival reminders → Telegram HTML in the reader's language: /reminders and the reminders
themselves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.newsroom.calendar import next_edition
from bot.render.common import callback_button, escape, keyboard, teaser
from bot.render.festivals import (
    BUTTON_NAME_CHARS,
    REMIND_LABEL,
    UNREMIND,
    date_range,
    festival_button,
    place,
    when_text,
)
from storage.models import Festival

REMIND_DAYS = 7  # the first reminder, this many days before the opening


def reminder_list(
    t: Translator, festivals: Sequence[Festival], today: date
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/reminders: the festivals a chat asked to hear of, each with a button to drop it."""
    if not festivals:
        return (
            t(
                "You have no festival reminders. Open a festival (/festivals) and press "
                "“{button}”: I will write {days} days before it opens and on the opening day.",
                button=t(REMIND_LABEL),
                days=REMIND_DAYS,
            ),
            None,
        )
    lines = [t("🔔 <b>Your festival reminders</b> ({count})", count=t.number(len(festivals)))]
    for festival in festivals:
        edition = next_edition(festival, today)
        when = (
            when_text(t, edition, today) if edition is not None else t("dates not announced yet")
        )
        lines.append(f"• <b>{escape(festival.name)}</b> — {escape(when)}")
    lines.append("")
    lines.append(
        t(
            "Each comes {days} days before the opening and on the opening day, at your "
            "digest time. Press a button to stop one.",
            days=REMIND_DAYS,
        )
    )
    rows = [
        [callback_button(f"🔕 {teaser(f.name, BUTTON_NAME_CHARS)}", f"{UNREMIND}:{f.id}")]
        for f in festivals
    ]
    return "\n".join(lines), keyboard(rows)


def reminded(t: Translator, festival: Festival, on: bool) -> str:
    """The answer to a 🔔 or 🔕 press (plain text: an alert)."""
    if on:
        return t("🔔 I will remind you of {name}.", name=festival.name)
    return t("🔕 No more reminders of {name}.", name=festival.name)


def reminder_message(
    t: Translator, festival: Festival, days_left: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The reminder itself: the festival opens in ``days_left`` days (0: today)."""
    name = escape(festival.name)
    if days_left == 0:
        text = t("🔔 <b>{name}</b> opens today.", name=name)
    elif days_left == 1:
        text = t("🔔 <b>{name}</b> opens tomorrow.", name=name)
    else:
        text = t.plural(
            "🔔 <b>{name}</b> opens in {count} day.",
            "🔔 <b>{name}</b> opens in {count} days.",
            days_left,
            name=name,
        )
    facts = [date_range(t, festival.starts_on, festival.ends_on), place(festival)]
    details = " · ".join(escape(fact) for fact in facts if fact)
    if details:
        text += f"\n📅 {details}"
    rows = [[festival_button(festival)]]
    if days_left:
        rows.append([callback_button(t("🔕 No more reminders"), f"{UNREMIND}:{festival.id}")])
    return text, keyboard(rows)
