"""/language: the choice of interface language, as Telegram HTML and buttons."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.i18n import LANGUAGES, Translator
from bot.render.common import callback_button

PREFIX = "lang"  # callback data lang:<code>
PER_ROW = 2


def language_choice(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """The question, and one button per language, each named in itself."""
    buttons = [
        callback_button(("✓ " if code == t.code else "") + name, f"{PREFIX}:{code}")
        for code, name in LANGUAGES.items()
    ]
    rows = [buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]
    return t("Choose the language I speak in this chat:"), InlineKeyboardMarkup(rows)


def language_set(t: Translator) -> str:
    """The answer once a language was chosen, in that language."""
    # i18n: each language names itself here ("по-русски", "қазақша").
    return t("Done: from now on I speak English in this chat.")


def admins_only(t: Translator) -> str:
    """A group member who is not an admin tried to change the group's language."""
    return t("Only the group's admins can change its language.")


def unknown_language(t: Translator) -> str:
    """A forged or outdated button."""
    return t("I don't speak that language. Send /language to choose again.")
