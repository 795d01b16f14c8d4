"""Admin festival replies → Telegram HTML in the admin's language: /addfestival's questions and
outcome, /delfestival's confirmation and outcome."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.render.admin import PREVIEW_BODY, excerpt
from bot.render.common import callback_button, escape, quote
from bot.render.festivals import date_range, place
from storage.models import Festival

DELETE = "festdel"  # festdel:<id> confirms /delfestival
KEEP = "festkeep"  # festkeep:<id> keeps the festival


def festival_question(t: Translator, field: str, example: str) -> str:
    """One step of the guided /addfestival (``field`` and ``example``: marked messages)."""
    return "\n".join(
        [
            t(
                "{field}? For example: <i>{example}</i>",
                field=escape(t(field)),
                example=escape(t(example)),
            ),
            t("Send - to skip, /cancel to stop."),
        ]
    )


def festival_saved(t: Translator, festival: Festival, created: bool, linked: int) -> str:
    """/addfestival done."""
    name = escape(festival.name)
    facts = [
        t("Added festival #{id} <b>{name}</b>", id=festival.id, name=name)
        if created
        else t("Updated festival #{id} <b>{name}</b>", id=festival.id, name=name)
    ]
    if where := place(festival):
        facts.append(escape(where))
    if dates := date_range(t, festival.starts_on, festival.ends_on):
        facts.append(escape(dates))
    lines = [" · ".join(facts) + "."]
    if festival.description:
        lines.append(excerpt(festival.description, PREVIEW_BODY))
    lines.append(
        t.plural(
            "Linked {count} article that names it.",
            "Linked {count} articles that name it.",
            linked,
        )
    )
    return "\n".join(lines)


def cancelled(t: Translator) -> str:
    """/cancel during the guided /addfestival."""
    return t("Cancelled; no festival was saved.")


def not_a_festival_id(t: Translator, typed: str, example: str) -> str:
    """/delfestival without a usable id."""
    values = {"example": escape(example)}
    if typed:
        return t(
            "“{typed}” is not a festival id. Send <code>{example}</code>; the id is in the "
            "festival's /festivals button and in the /addfestival reply.",
            typed=quote(typed),
            **values,
        )
    return t(
        "That needs a festival id. Send <code>{example}</code>; the id is in the "
        "festival's /festivals button and in the /addfestival reply.",
        **values,
    )


def no_such_festival(t: Translator, festival_id: int) -> str:
    """No festival has that id (any more)."""
    return t("There is no festival #{id}. Send /festivals to see them.", id=festival_id)


def delete_confirm(
    t: Translator, festival: Festival, mentions: int
) -> tuple[str, InlineKeyboardMarkup]:
    """/delfestival: which festival, what goes with it, and the buttons."""
    facts = [place(festival), date_range(t, festival.starts_on, festival.ends_on)]
    shown = ", ".join(escape(fact) for fact in facts if fact)
    values = {"id": festival.id, "name": escape(festival.name)}
    question = (
        t("Delete festival #{id} <b>{name}</b> ({facts})?", facts=shown, **values)
        if shown
        else t("Delete festival #{id} <b>{name}</b>?", **values)
    )
    lines = [
        question,
        t.plural(
            "Its link to {count} article and its readers' reminders go with it; the articles "
            "stay. It will not be found again in the same articles, nor brought back by the "
            "festivals file.",
            "Its links to {count} articles and its readers' reminders go with it; the articles "
            "stay. It will not be found again in the same articles, nor brought back by the "
            "festivals file.",
            mentions,
        ),
    ]
    buttons = [
        callback_button(t("🗑 Delete"), f"{DELETE}:{festival.id}"),
        callback_button(t("Keep it"), f"{KEEP}:{festival.id}"),
    ]
    return "\n".join(lines), InlineKeyboardMarkup([buttons])


def deleted(t: Translator, festival: Festival) -> str:
    """/delfestival confirmed."""
    return t("🗑 Deleted festival #{id} <b>{name}</b>.", id=festival.id, name=escape(festival.name))


def deleted_alert(t: Translator) -> str:
    """The answer to the "delete" button (plain text)."""
    return t("Deleted")


def kept(t: Translator) -> str:
    """/delfestival not confirmed."""
    return t("Kept: nothing was deleted.")
