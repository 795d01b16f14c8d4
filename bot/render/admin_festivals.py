"""Admin festival replies → Telegram HTML: /delfestival's confirmation and outcome."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.render.common import callback_button, escape, plural
from bot.render.festivals import date_range, place
from storage.models import Festival

DELETE = "festdel"  # festdel:<id> confirms /delfestival
KEEP = "festkeep"  # festkeep:<id> keeps the festival


def not_a_festival_id(typed: str, example: str) -> str:
    """/delfestival without a usable id."""
    shown = f"“{escape(typed)}” is not" if typed else "That needs"
    return (
        f"{shown} a festival id. Send <code>{escape(example)}</code>; the id is in the "
        "festival's /festivals button and in the /addfestival reply."
    )


def no_such_festival(festival_id: int) -> str:
    """No festival has that id (any more)."""
    return f"There is no festival #{festival_id}. Send /festivals to see them."


def delete_confirm(festival: Festival, mentions: int) -> tuple[str, InlineKeyboardMarkup]:
    """/delfestival: which festival, what goes with it, and the buttons."""
    facts = [place(festival), date_range(festival.starts_on, festival.ends_on)]
    shown = ", ".join(escape(fact) for fact in facts if fact)
    lines = [
        f"Delete festival #{festival.id} <b>{escape(festival.name)}</b>"
        + (f" ({shown})" if shown else "")
        + "?",
        f"Its links to {plural(mentions, 'article')} and its readers' reminders go with it; "
        "the articles stay. It will not be found again in the same articles, nor brought back "
        "by the festivals file.",
    ]
    buttons = [
        callback_button("🗑 Delete", f"{DELETE}:{festival.id}"),
        callback_button("Keep it", f"{KEEP}:{festival.id}"),
    ]
    return "\n".join(lines), InlineKeyboardMarkup([buttons])


def deleted(festival: Festival) -> str:
    """/delfestival confirmed."""
    return f"🗑 Deleted festival #{festival.id} <b>{escape(festival.name)}</b>."


def kept() -> str:
    """/delfestival not confirmed."""
    return "Kept: nothing was deleted."
