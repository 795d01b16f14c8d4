"""The interface languages: gettext catalogs compiled once at start, and Babel's locale formats.

The catalogs are the ``.po`` files in ``locale/`` beside this module (shipped as package data):
they are compiled in memory when the bot starts, so a fresh ``pip install`` needs no build step
and no binary file is committed. English is the source language: its messages are the message
ids themselves.
Placeholders are ``str.format`` names (``{count}``); plurals follow each language's own rules.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from collections.abc import Iterator, Mapping
from decimal import Decimal
from importlib import resources

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

DEFAULT = "en"
# Each language named in itself, as the /language buttons show it; the order of the buttons.
LANGUAGES: Mapping[str, str] = {
    "en": "English",
    "ru": "Русский",
    "kk": "Қазақша",
    "ky": "Кыргызча",
    "uz": "Oʻzbekcha",
    "tg": "Тоҷикӣ",
    "tk": "Türkmençe",
}
# Babel's locale of each language (Uzbek in its Latin script, as Uzbekistan writes it).
BABEL_LOCALES: Mapping[str, str] = {"uz": "uz_Latn"}
DOMAIN = "messages"


def mark(message: str) -> str:
    """Mark a message for the catalogs where it is defined (a command's description, say); it is
    translated where it is shown, with ``t(message)``."""
    return message


class Translator:
    """One language: its messages, plural rules, and number and date formats."""

    def __init__(self, code: str, catalog: gettext.NullTranslations) -> None:
        self.code = code
        self.locale = Locale.parse(BABEL_LOCALES.get(code, code))
        self._catalog = catalog

    def __call__(self, message: str, /, **values: object) -> str:
        """``message`` in this language, its ``{placeholders}`` filled in."""
        text = self._catalog.gettext(message)
        return text.format(**values) if values else text

    def plural(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """The form for ``count`` (``{count}`` is filled in too): 1 статья, 2 статьи, 5 статей."""
        return self._catalog.ngettext(singular, plural, count).format(count=count, **values)

    def number(self, value: Decimal | int | float, *, places: int | None = None) -> str:
        """A number in this locale's format ("1 234,56" in ru), with ``places`` decimals."""
        pattern = None if places is None else f"#,##0{'.' + '0' * places if places else ''}"
        return format_decimal(
            value, format=pattern, locale=self.locale, decimal_quantization=False
        )

    def date(self, day: dt.date) -> str:
        """A date in full, day first, as this locale spells its months ("1 December 2026",
        "1 декабря 2026")."""
        return format_date(day, format="d MMMM y", locale=self.locale)

    def short_date(self, day: dt.date) -> str:
        """A date in lists, without the year ("1 December", "1 декабря")."""
        return format_date(day, format="d MMMM", locale=self.locale)

    def currency(self, code: str) -> str:
        """The currency's name in this language, where Babel has one; else its code."""
        return str(self.locale.currencies.get(code, code))


class Catalogs:
    """Every language's translator, loaded once."""

    def __init__(self, translators: Mapping[str, Translator]) -> None:
        self._translators = dict(translators)

    @classmethod
    def load(cls) -> Catalogs:
        """Compile the shipped ``.po`` files (English needs none)."""
        translators = {DEFAULT: Translator(DEFAULT, gettext.NullTranslations())}
        folder = resources.files("bot.i18n") / "locale"
        for code in LANGUAGES:
            if code == DEFAULT:
                continue
            source = folder / code / "LC_MESSAGES" / f"{DOMAIN}.po"
            translators[code] = Translator(code, _compile(source.read_bytes(), code))
        return cls(translators)

    def get(self, code: str) -> Translator:
        """The translator of ``code``; English for a language we don't speak."""
        return self._translators.get(code, self._translators[DEFAULT])

    def __iter__(self) -> Iterator[Translator]:
        return iter(self._translators.values())


def supported(language_code: str | None) -> str | None:
    """Our language for a Telegram app's ``language_code`` ("ru", "uz-UZ"), if we speak it."""
    if not language_code:
        return None
    code = language_code.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def _compile(po: bytes, code: str) -> gettext.GNUTranslations:
    """A ``.po`` file → gettext's translations, through an in-memory ``.mo``."""
    catalog = read_po(io.BytesIO(po), locale=BABEL_LOCALES.get(code, code), domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
