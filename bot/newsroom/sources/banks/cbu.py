"""Central Bank of Uzbekistan: UZS per ``Nominal`` units, as a JSON array of string values."""

from __future__ import annotations

import json
from datetime import date

from .normalise import assemble
from .quotes import USD, BankPayload, BankPayloadError, Line, Provider
from .reading import parse_day, refuse_non_document, with_path

NAME = "cbu"
BANK = "Central Bank of Uzbekistan"
HOME = "UZS"
DEFAULT_URL = "https://cbu.uz/en/arkhiv-kursov-valyut/json/all/"
_DATE = "%d.%m.%Y"


def url(day: date, base_url: str | None = None) -> str:
    """The rates of ``day``: ``yyyy-mm-dd/`` under the base."""
    return with_path(base_url or DEFAULT_URL, f"{day.isoformat()}/")


def parse(payload: bytes, asked: date) -> BankPayload:
    """Entries with ``Ccy``, ``Nominal``, ``Rate`` and their own ``Date`` (USD's dates all)."""
    entries = _entries(payload)
    usd = next((entry for entry in entries if _text(entry, "Ccy") == USD), None)
    if usd is None:
        raise BankPayloadError(NAME, "no USD line", USD)
    as_of = parse_day(NAME, _text(usd, "Date"), _DATE, USD)
    lines: list[Line] = []
    skipped: list[str] = []
    for entry in entries:
        try:
            lines.append(_line(entry))
        except BankPayloadError as error:
            if entry is usd:
                raise
            skipped.append(str(error))
    return assemble(NAME, HOME, as_of, asked, lines, skipped=skipped)


def _entries(payload: bytes) -> list[object]:
    """The JSON array (json reads the bytes, detecting UTF-8/16/32 itself)."""
    refuse_non_document(NAME, payload)
    try:
        data: object = json.loads(payload)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError both
        raise BankPayloadError(NAME, f"invalid JSON: {error}") from error
    if not isinstance(data, list):
        raise BankPayloadError(NAME, f"expected a JSON array, got {type(data).__name__}")
    return data


def _text(entry: object, key: str) -> str:
    """A field of an entry as text ("" if absent or the entry is not an object)."""
    if not isinstance(entry, dict):
        return ""
    value = entry.get(key)
    return "" if value is None else str(value).strip()


def _line(entry: object) -> Line:
    """One entry; ``BankPayloadError`` if it is not an object or its date does not read."""
    if not isinstance(entry, dict):
        raise BankPayloadError(NAME, f"an entry that is not an object: {entry!r:.40}")
    code = _text(entry, "Ccy")
    return Line(
        code=code,
        nominal=_text(entry, "Nominal"),
        value=_text(entry, "Rate"),
        as_of=parse_day(NAME, _text(entry, "Date"), _DATE, code),
        name=_text(entry, "CcyNm_EN"),
    )


PROVIDER = Provider(NAME, BANK, HOME, DEFAULT_URL, url, parse)
