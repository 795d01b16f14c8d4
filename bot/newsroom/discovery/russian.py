"""Russian names: a keyword with an adjective, a genre or a quoted name ("XVII Ташкентский
международный кинофестиваль «Жемчужина Шёлкового пути»", "премии «Ника»"), and the quick test
that passes over a paragraph holding none."""

from __future__ import annotations

import re
from collections.abc import Iterator

from storage.names import ordinal as _ordinal

from .mentions import Mention
from .words import occurrences, word_list

# A Russian name: "XVII Ташкентский международный кинофестиваль «Жемчужина Шёлкового пути»",
# "кинофестивале «Евразия»", "премии «Ника»", "фестиваль тюркоязычного кино".
_RU_NAME = re.compile(
    r"""
    (?P<adjective> [А-ЯЁ][а-яё-]+ск(?:ий|ого|ому|им|ом) \s+ )?       # Ташкентский
    (?P<international> [Мм]еждународн(?:ый|ого|ому|ым|ом) \s+ )?
    (?P<keyword>
        (?P<festival> (?:[Кк]ино)?[Фф]естивал(?:ь|я|ю|ем|е|и) )
      | (?P<award> (?:[Кк]ино)?[Пп]реми(?:я|и|ю|ей) )
    )(?![а-яё])
    (?: \s+ (?P<genre> (?:[а-яё-]+(?:ого|его)\s+){1,3}кино )(?![а-яё]) )?  # тюркоязычного кино
    (?: \s+ (?P<quoted> «[^«»]{1,80}» | "[^"]{1,80}" | “[^“”]{1,80}” ) )?
    """,
    re.VERBOSE,
)
# Every Russian keyword holds one of these ("Кинофестиваль", "премии").
_RU_HINTS = ("естивал", "реми")
# The first letter of a match of ``_RU_NAME``: an adjective's capital, or м, к, ф, п.
_RU_NAME_START = re.compile("[А-ЯЁмкфп]")


def has_russian_keyword(text: str) -> bool:
    """Whether ``_RU_NAME`` may match in ``text``."""
    return any(hint in text for hint in _RU_HINTS)


_RU_GENERIC_GENRE = frozenset(
    word_list(
        """
        документального короткометражного анимационного авторского нового современного молодого
        детского мирового хорошего независимого этого такого другого своего международного
        национального игрового
        """
    )
)


def may_name_russian(text: str) -> bool:
    """Whether a paragraph (its spaces as in its sentences) may hold a Russian name: never no
    where ``russian_mentions`` would find one."""
    return any(_may_be_russian_name(text, at) for _, at in occurrences(text, _RU_HINTS))


def _may_be_russian_name(text: str, at: int) -> bool:
    """Whether the Russian keyword whose letters are at ``at`` may be part of a name: each
    match of ``_RU_NAME`` from three words before it (an adjective and "международный" come
    first) up to it is tried."""
    start = at
    for _ in range(3):
        start = text.rfind(" ", 0, max(start - 1, 0)) + 1
        if not start:
            break
    # Every place a match may start at is tried (more than ``finditer`` would: looser).
    for place in _RU_NAME_START.finditer(text, start, at + 1):
        match = _RU_NAME.match(text, place.start())
        if match and _russian_name(match) is not None:
            return True
    return False


def russian_mentions(text: str, sentence: int) -> Iterator[Mention]:
    """The Russian names in one sentence."""
    for match in _RU_NAME.finditer(text):
        genre = _russian_name(match)
        if genre is None:
            continue
        adjective, quoted = match["adjective"], match["quoted"]
        parts = [
            _nominative(adjective) if adjective else "",
            "международный" if match["international"] else "",
            _nominative_keyword(match["keyword"].casefold()),
            genre or "",
            "«" + quoted.strip('«»"“”').strip() + "»" if quoted else "",
        ]
        name = " ".join(part for part in parts if part)
        name = name[0].upper() + name[1:]
        tokens = text[: match.start()].split()
        edition = _ordinal(tokens[-1], roman_one=True) if tokens else None
        kind = "award" if match["award"] else "festival"
        yield Mention(name, kind, sentence, match.start(), match.end(), edition)


def _russian_name(match: re.Match[str]) -> str | None:
    """None when a match of ``_RU_NAME`` names nothing (no adjective, quotes nor genre); else
    its genre ('' when there is none or it is a generic one)."""
    adjective, quoted, genre = match["adjective"], match["quoted"], match["genre"]
    if genre and not quoted and not set(genre.split()[:-1]) - _RU_GENERIC_GENRE:
        genre = None
    return (genre or "") if adjective or quoted or genre else None


def _nominative(adjective: str) -> str:
    """The nominative of a masculine adjective: "Ташкентского" -> "Ташкентский"."""
    stem = re.sub(r"(?:ий|ого|ому|им|ом)$", "", adjective.strip())
    return stem + "ий"


def _nominative_keyword(keyword: str) -> str:
    """The nominative of a keyword: "кинофестивале" -> "кинофестиваль", "премии" -> "премия"."""
    if "фестивал" in keyword:
        return keyword[: keyword.index("фестивал") + len("фестивал")] + "ь"
    return keyword[: keyword.index("преми") + len("преми")] + "я"
