"""Reading a bank's payload safely: endpoints, XML without DTDs or entities, dates and numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .quotes import BankPayloadError, Line, Quote

_CODE = re.compile(r"[A-Z]{3}")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?", re.ASCII)
_NOMINAL = re.compile(r"\d+", re.ASCII)
_BOM = rb"(?:\xef\xbb\xbf)?"
_DECLARED = re.compile(_BOM + rb"""\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_HTML = re.compile(_BOM + rb"\s*<(?:!doctype\s+html|html)\b", re.IGNORECASE)
_CP1251 = frozenset({"windows-1251", "cp1251", "win-1251", "x-cp1251"})


# --- endpoints ---------------------------------------------------------------------------------


def with_query(base: str, params: Mapping[str, str]) -> str:
    """``base`` with ``params`` set in its query string (replacing parameters of the same name)."""
    parts = urlsplit(base)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*kept, *params.items()])))


def with_path(base: str, tail: str) -> str:
    """``base``, a folder, with ``tail`` appended to its path (one slash between)."""
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{tail.lstrip('/')}"))


# --- reading -----------------------------------------------------------------------------------


def refuse_non_document(provider: str, payload: bytes) -> None:
    """``BankPayloadError`` for an empty payload or an HTML page (an error or block page)."""
    if not payload.strip():
        raise BankPayloadError(provider, "empty payload")
    if _HTML.match(payload):
        raise BankPayloadError(provider, "got an HTML page instead of the rates")


def xml_encoding(payload: bytes) -> str | None:
    """The encoding to read ``payload`` with instead of its declared one; None: trust it.

    NBT has sent UTF-8 bytes under a windows-1251 declaration. Non-ASCII bytes that decode as
    UTF-8 are practically never real windows-1251 Cyrillic, so such a payload is read as UTF-8.
    """
    declared = _DECLARED.match(payload)
    if declared is None or declared.group(1).decode("ascii").lower() not in _CP1251:
        return None
    if payload.isascii():
        return None
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


def read_xml(provider: str, payload: bytes, root: str) -> Element:
    """Parse ``payload`` bytes safely (no DTD, no entities) and check its root element's tag."""
    refuse_non_document(provider, payload)
    parser = DefusedXMLParser(encoding=xml_encoding(payload), forbid_dtd=True)
    try:
        parser.feed(payload)
        element: Element = parser.close()
    except DefusedXmlException as error:
        raise BankPayloadError(
            provider, f"refused XML with a DTD or entities (a possible XML bomb): {error!r}"
        ) from error
    except ParseError as error:
        raise BankPayloadError(provider, f"invalid XML: {error}") from error
    if element.tag != root:
        raise BankPayloadError(provider, f"unexpected root <{element.tag}>, not <{root}>")
    return element


def child_text(element: Element, tag: str) -> str:
    """The stripped text of ``element``'s first ``tag`` child; empty if there is none."""
    return (element.findtext(tag) or "").strip()


def parse_day(provider: str, text: str, fmt: str, currency: str | None = None) -> date:
    """A payload's date in ``fmt``; ``BankPayloadError`` if it does not read."""
    try:
        return datetime.strptime(text.strip(), fmt).date()
    except ValueError as error:
        raise BankPayloadError(provider, f"unreadable date {text!r}", currency) from error


def parse_value(provider: str, code: str, text: str) -> Decimal:
    """``87,4500`` or ``12194.21`` → an exact positive Decimal; ``BankPayloadError`` else."""
    cleaned = text.strip()
    if not _NUMBER.fullmatch(cleaned):
        raise BankPayloadError(provider, f"unparsable value {text!r}", code)
    value = Decimal(cleaned.replace(",", "."))
    if value <= 0:
        raise BankPayloadError(provider, f"value {text!r} is not positive", code)
    return value


def parse_nominal(provider: str, code: str, text: str) -> int:
    """The units a value is quoted per: a positive integer."""
    cleaned = text.strip()
    if not _NOMINAL.fullmatch(cleaned) or int(cleaned) == 0:
        raise BankPayloadError(provider, f"unusable nominal {text!r}", code)
    return int(cleaned)


def to_quote(provider: str, line: Line) -> Quote:
    """Check one line's code and numbers."""
    code = line.code.strip().upper()
    if not _CODE.fullmatch(code):
        raise BankPayloadError(provider, f"unusable currency code {line.code!r}")
    nominal = parse_nominal(provider, code, line.nominal)
    value = parse_value(provider, code, line.value)
    return Quote(provider, code, nominal, value, line.as_of, line.name.strip())
