"""Admin command arguments → checked values; a ``Problem`` (a ``ValueError``) carries the friendly
reason, to be said in the admin's language (``bot.render.problems``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.i18n import mark
from bot.newsroom.problems import Problem
from storage.models import NewFestival
from storage.names import name_key, ordinal

TITLE_LIMIT = 256
NAME_LIMIT = 200
# What separates the two dates of a festival: `..`, an en or em dash, ` - ` or ` to `.
_DATE_RANGE = re.compile(r"\s*(?:\.\.|–|—|\s-\s|\bto\b)\s*", re.IGNORECASE)
_NONE = ("", "-", "—")


@dataclass(frozen=True, slots=True)
class PostForm:
    """An article typed by an admin."""

    title: str
    body: str


@dataclass(frozen=True, slots=True)
class FestivalForm:
    """A festival typed by an admin; None means "not given" (an update keeps what is stored)."""

    name: str
    city: str | None = None
    country: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    description: str | None = None
    edition: int | None = None
    aliases: tuple[str, ...] = ()


def parse_post(text: str) -> PostForm:
    """The first non-blank line is the title, the rest the body.

    One line alone may be ``Title | body`` (for clients, and the terminal, that send one line).
    """
    lines = text.strip().splitlines()
    if len(lines) == 1 and " | " in lines[0]:
        lines = [part.strip() for part in lines[0].split(" | ", 1)]
    if not lines:
        raise Problem(mark("An article needs a title on the first line and the body below it."))
    title = " ".join(lines[0].split())
    body = "\n".join(lines[1:]).strip()
    if len(title) > TITLE_LIMIT:
        raise Problem(
            mark(
                "The title (the first line) has {count} characters; "
                "keep it under {limit} and put the rest in the body."
            ),
            count=len(title),
            limit=TITLE_LIMIT,
        )
    if not body:
        raise Problem(
            mark(
                "The article has a title but no body: write the body below the title "
                "(or after ' | ' on the same line)."
            )
        )
    return PostForm(title, body)


def parse_article_id(text: str) -> int:
    """An article id such as ``12`` or ``#12``."""
    cleaned = text.strip().removeprefix("#")
    if not cleaned.isascii() or not cleaned.isdigit() or int(cleaned) < 1:
        if not text.strip():
            raise Problem(mark("No id was given: that is not an article id; ids are numbers."))
        raise Problem(mark("“{typed}” is not an article id; ids are numbers."), typed=text.strip())
    return int(cleaned)


def parse_decimal(text: str) -> Decimal:
    """A decimal number, with a dot or a comma; never a float."""
    cleaned = text.strip().replace(",", ".") if text.count(",") == 1 else text.strip()
    not_a_number = Problem(mark("“{typed}” is not a number like 0.01143."), typed=text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise not_a_number from None
    if not value.is_finite():
        raise not_a_number
    return value


def parse_date(text: str) -> date:
    """An ISO date, ``2026-06-11``."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Problem(
            mark("“{typed}” is not a date like 2026-06-11."), typed=text.strip()
        ) from None


def parse_dates(text: str) -> tuple[date | None, date | None]:
    """``2026-06-11..2026-06-15`` (or with a dash or `to`), or one day ``2026-06-11``."""
    if text.strip() in _NONE:
        return None, None
    parts = _DATE_RANGE.split(text.strip(), maxsplit=1)
    starts_on = parse_date(parts[0])
    ends_on = parse_date(parts[1]) if len(parts) == 2 else starts_on
    if ends_on < starts_on:
        raise Problem(
            mark("The festival ends ({ends}) before it starts ({starts})."),
            ends=ends_on.isoformat(),
            starts=starts_on.isoformat(),
        )
    return starts_on, ends_on


def parse_festival(text: str, known: frozenset[str] = frozenset()) -> FestivalForm:
    """``Name | City | Country | dates | description``, and anywhere after the name
    ``edition: 4`` and ``aliases: BIFF, Bishkek Film Festival``: only the name is required.

    Missing trailing fields, empty fields and ``-`` all mean "not given"; ``known`` are the
    name keys of the festivals' names and aliases (see ``check_name``).
    """
    fields = [" ".join(part.split()) for part in text.split("|")]
    tagged: dict[str, str] = {}
    plain = [fields[0]]
    for field in fields[1:]:
        tag = _TAG.match(field)
        if tag is None:
            plain.append(field)
        else:
            tagged[_TAGS[tag[1].casefold()]] = field[tag.end() :].strip()
    if len(plain) > 5:
        # A "|" inside the description belongs to it.
        plain = [*plain[:4], " | ".join(plain[4:])]
    plain += [""] * (5 - len(plain))
    name, city, country, dates, description = plain
    check_name(name, known)
    for place in (city, country):
        if len(place) > NAME_LIMIT:
            raise Problem(
                mark("“{place}” is too long for a city or a country; keep it under {limit}."),
                place=place,
                limit=NAME_LIMIT,
            )
    starts_on, ends_on = parse_dates(dates)
    return FestivalForm(
        name=name,
        city=_given(city),
        country=_given(country),
        starts_on=starts_on,
        ends_on=ends_on,
        description=_given(description),
        edition=parse_edition(tagged.get("edition", "")),
        aliases=parse_aliases(tagged.get("aliases", "")),
    )


# "edition: 4", "edition 4", "aliases: A, B", "aka A, B" after the name of /addfestival.
_TAGS = {"edition": "edition", "aliases": "aliases", "alias": "aliases", "aka": "aliases"}
_TAG = re.compile(r"(edition|aliases|alias|aka)\s*[:=]\s*", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
MAX_EDITION = 500
# Words every festival's name has: a name of these alone names none ("Film Festival").
_GENERIC_NAME_WORDS = frozenset(
    {"film", "films", "festival", "fest", "international", "award", "awards", "camp", "lab",
     "cinema", "movie", "the", "of", "кинофестиваль", "фестиваль", "кино", "премия"}
)  # fmt: skip


def check_name(name: str, known: frozenset[str] = frozenset()) -> None:
    """A festival's name: two words or more, not only generic ones, or a name or alias already
    known (``known``: their name keys); ``ValueError`` says what is wrong."""
    if name in _NONE:
        raise Problem(mark("A festival needs a name."))
    if len(name) > NAME_LIMIT:
        raise Problem(
            mark("The name has {count} characters; keep it under {limit}."),
            count=len(name),
            limit=NAME_LIMIT,
        )
    if name_key(name) in known:
        return
    words = [word for word in name.split() if _LETTER.search(word)]
    if len(words) < 2:
        raise Problem(
            mark(
                "“{name}” is too short to be a festival's name: give its full name "
                "(at least two words), or a short name already listed as an alias."
            ),
            name=name,
        )
    if all(word.casefold().strip('.,«»"') in _GENERIC_NAME_WORDS for word in words):
        raise Problem(
            mark("“{name}” names no festival in particular: give its full name."), name=name
        )
    if sum(len(_LETTER.findall(word)) for word in words) < 6:
        raise Problem(
            mark("“{name}” is too short to be a festival's name: give its full name."), name=name
        )


def parse_edition(text: str) -> int | None:
    """``4``, ``4th`` or ``fourth``; empty or ``-`` for none."""
    if text.strip() in _NONE:
        return None
    digits = text.strip().isdigit() and len(text.strip()) <= len(str(MAX_EDITION))
    value = ordinal(text.strip()) or (int(text) if digits else None)
    if value is None or not 0 < value <= MAX_EDITION:
        raise Problem(mark("“{typed}” is not an edition like 4 or 4th."), typed=text.strip())
    return value


def parse_aliases(text: str) -> tuple[str, ...]:
    """Other names, separated by commas or semicolons."""
    names = [" ".join(part.split()) for part in re.split(r"[,;]", text)]
    aliases = tuple(dict.fromkeys(name for name in names if name not in _NONE))
    for alias in aliases:
        if len(alias) > NAME_LIMIT:
            raise Problem(
                mark("The alias “{alias}…” is too long; keep it under {limit}."),
                alias=alias[:40],
                limit=NAME_LIMIT,
            )
    return aliases


def festival_from(form: FestivalForm) -> NewFestival:
    """The festival to store: the form's facts (those not given keep what is stored)."""
    return NewFestival(
        name=form.name,
        aliases=form.aliases,
        city=form.city,
        country=form.country,
        starts_on=form.starts_on,
        ends_on=form.ends_on,
        edition=form.edition,
        description=form.description or "",
    )


def _given(text: str) -> str | None:
    return None if text in _NONE else text
