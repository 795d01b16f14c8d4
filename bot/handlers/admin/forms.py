"""Admin command arguments → checked values; ``ValueError`` carries the friendly reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from storage.models import Festival, NewFestival

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


def parse_post(text: str) -> PostForm:
    """The first non-blank line is the title, the rest the body.

    One line alone may be ``Title | body`` (for clients, and the terminal, that send one line).
    """
    lines = text.strip().splitlines()
    if len(lines) == 1 and " | " in lines[0]:
        lines = [part.strip() for part in lines[0].split(" | ", 1)]
    if not lines:
        raise ValueError("an article needs a title on the first line and the body below it")
    title = " ".join(lines[0].split())
    body = "\n".join(lines[1:]).strip()
    if len(title) > TITLE_LIMIT:
        raise ValueError(
            f"the title (the first line) has {len(title)} characters; "
            f"keep it under {TITLE_LIMIT} and put the rest in the body"
        )
    if not body:
        raise ValueError(
            "the article has a title but no body: write the body below the title "
            "(or after ' | ' on the same line)"
        )
    return PostForm(title, body)


def parse_article_id(text: str) -> int:
    """An article id such as ``12`` or ``#12``."""
    cleaned = text.strip().removeprefix("#")
    if not cleaned.isascii() or not cleaned.isdigit() or int(cleaned) < 1:
        raise ValueError(f"{text.strip() or 'nothing'!r} is not an article id; ids are numbers")
    return int(cleaned)


def parse_decimal(text: str) -> Decimal:
    """A decimal number, with a dot or a comma; never a float."""
    cleaned = text.strip().replace(",", ".") if text.count(",") == 1 else text.strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number like 0.01143") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number like 0.01143")
    return value


def parse_date(text: str) -> date:
    """An ISO date, ``2026-06-11``."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a date like 2026-06-11") from None


def parse_dates(text: str) -> tuple[date | None, date | None]:
    """``2026-06-11..2026-06-15`` (or with a dash or `to`), or one day ``2026-06-11``."""
    if text.strip() in _NONE:
        return None, None
    parts = _DATE_RANGE.split(text.strip(), maxsplit=1)
    starts_on = parse_date(parts[0])
    ends_on = parse_date(parts[1]) if len(parts) == 2 else starts_on
    if ends_on < starts_on:
        raise ValueError(f"the festival ends ({ends_on}) before it starts ({starts_on})")
    return starts_on, ends_on


def parse_festival(text: str) -> FestivalForm:
    """``Name | City | Country | dates | description``: only the name is required.

    Missing trailing fields, empty fields and ``-`` all mean "not given".
    """
    fields = [" ".join(part.split()) for part in text.split("|")]
    if len(fields) > 5:
        # A "|" inside the description belongs to it.
        fields = [*fields[:4], " | ".join(fields[4:])]
    fields += [""] * (5 - len(fields))
    name, city, country, dates, description = fields
    if name in _NONE:
        raise ValueError("a festival needs a name")
    if len(name) > NAME_LIMIT:
        raise ValueError(f"the name has {len(name)} characters; keep it under {NAME_LIMIT}")
    starts_on, ends_on = parse_dates(dates)
    return FestivalForm(
        name=name,
        city=_given(city),
        country=_given(country),
        starts_on=starts_on,
        ends_on=ends_on,
        description=_given(description),
    )


def festival_from(form: FestivalForm, existing: Festival | None) -> NewFestival:
    """The festival to store: the form's facts over what is stored (aliases, kind… are kept)."""
    if existing is None:
        return NewFestival(
            name=form.name,
            city=form.city,
            country=form.country,
            starts_on=form.starts_on,
            ends_on=form.ends_on,
            description=form.description or "",
        )
    dated = form.starts_on is not None
    return NewFestival(
        name=form.name,
        kind=existing.kind,
        aliases=existing.aliases,
        city=form.city or existing.city,
        country=form.country or existing.country,
        starts_on=form.starts_on if dated else existing.starts_on,
        ends_on=form.ends_on if dated else existing.ends_on,
        edition=existing.edition,
        description=form.description or existing.description,
        url=existing.url,
    )


def _given(text: str) -> str | None:
    return None if text in _NONE else text
