"""Festival reminders → Telegram HTML: /reminders and the reminders themselves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardMarkup

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
    festivals: Sequence[Festival], today: date
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/reminders: the festivals a chat asked to hear of, each with a button to drop it."""
    if not festivals:
        return (
            "You have no festival reminders. Open a festival (/festivals) and press "
            f"“{REMIND_LABEL}”: I will write {REMIND_DAYS} days before it opens and on the "
            "opening day.",
            None,
        )
    lines = [f"🔔 <b>Your festival reminders</b> ({len(festivals)})"]
    for festival in festivals:
        edition = next_edition(festival, today)
        when = when_text(edition, today) if edition is not None else "dates not announced yet"
        lines.append(f"• <b>{escape(festival.name)}</b> — {escape(when)}")
    lines.append(
        f"\nEach comes {REMIND_DAYS} days before the opening and on the opening day, at your "
        "digest time. Press a button to stop one."
    )
    rows = [
        [callback_button(f"🔕 {teaser(f.name, BUTTON_NAME_CHARS)}", f"{UNREMIND}:{f.id}")]
        for f in festivals
    ]
    return "\n".join(lines), keyboard(rows)


def reminded(festival: Festival, on: bool) -> str:
    """The answer to a 🔔 or 🔕 press."""
    if on:
        return f"🔔 I will remind you of {festival.name}."
    return f"🔕 No more reminders of {festival.name}."


def reminder_message(
    festival: Festival, days_left: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The reminder itself: the festival opens in ``days_left`` days (0: today)."""
    if days_left == 0:
        opens = "opens today"
    else:
        opens = "opens tomorrow" if days_left == 1 else f"opens in {days_left} days"
    facts = [date_range(festival.starts_on, festival.ends_on), place(festival)]
    details = " · ".join(escape(fact) for fact in facts if fact)
    text = f"🔔 <b>{escape(festival.name)}</b> {opens}."
    if details:
        text += f"\n📅 {details}"
    rows = [[festival_button(festival)]]
    if days_left:
        rows.append([callback_button("🔕 No more reminders", f"{UNREMIND}:{festival.id}")])
    return text, keyboard(rows)
