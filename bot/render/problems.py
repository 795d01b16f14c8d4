"""A ``Problem`` (what was wrong with someone's input) → Telegram HTML in the reader's language."""

from __future__ import annotations

from decimal import Decimal

from bot.i18n import Translator
from bot.newsroom.problems import Problem
from bot.render.common import escape, quote


def _value(t: Translator, value: object) -> str:
    """A counted number in the reader's format; anything else (what was typed) quoted: escaped,
    cut to fit."""
    if isinstance(value, int) and not isinstance(value, bool):
        return t.number(value)
    if isinstance(value, Decimal):
        return quote(f"{value:f}")
    return quote(str(value))


def problem(t: Translator, error: Problem) -> str:
    """The problem's sentence, translated, its values escaped."""
    values = {name: _value(t, value) for name, value in error.values.items()}
    return t(error.message, **values)


def usage(t: Translator, error: Problem, example: str) -> str:
    """A friendly reply to bad arguments: what is wrong, then how to write it."""
    return "\n\n".join(
        [problem(t, error), t("For example: <code>{example}</code>", example=escape(example))]
    )


def problem_text(t: Translator, error: Problem) -> str:
    """The problem's sentence as plain text (an alert), translated."""
    values = {
        name: t.number(value) if isinstance(value, int) and not isinstance(value, bool) else value
        for name, value in error.values.items()
    }
    return t(error.message, **values)
