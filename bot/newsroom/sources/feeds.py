"""Turn an RSS 2.0 or Atom payload into plain-text news items, through feedparser."""

from __future__ import annotations

import io
import re
import time
import xml.sax
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import defusedxml.sax

# feedparser ships no type information (no py.typed, no stubs package).
import feedparser  # type: ignore[import-untyped]
from bs4 import BeautifulSoup
from bs4.element import CData, NavigableString, PreformattedString, Tag
from defusedxml import DefusedXmlException

_DROPPED_TAGS = frozenset(
    {
        "script", "style", "figure", "figcaption", "img", "picture", "video", "audio",
        "iframe", "noscript", "svg", "template", "object", "embed", "source", "head",
    }
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "main", "aside", "nav",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "address", "hr",
        "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "td", "th",
        "caption", "form", "fieldset", "details", "summary", "body", "html",
    }
)  # fmt: skip

# WordPress shortcodes whose content is an image, an embed or a player: dropped with it.
_SHORTCODE_WITH_CONTENT = re.compile(
    r"\[(caption|wp_caption|embed|video|audio|playlist|gallery)\b[^\]]*\].{0,4000}?\[/\1\]",
    re.DOTALL | re.IGNORECASE,
)
_SHORTCODE_CLOSING = re.compile(r"\[/([a-z][\w-]*)\]", re.IGNORECASE)
# An opening shortcode with attributes ([gallery ids="1,2"]) or self-closed ([foo /]).
# A bare [word] is left alone unless it is closed later: "[sic]" is editorial, not a shortcode.
_SHORTCODE_WITH_ATTRIBUTES = re.compile(
    r"\[[a-z][\w-]*(?:\s+[^\]\[]*=[^\]\[]*|\s*/)\]", re.IGNORECASE
)
_WORDPRESS_FOOTER = re.compile(r"^The post .+ appeared first on .+\.?$", re.DOTALL)
# Only after a sentence's end, so "…you should read more books." is left alone.
_READ_MORE = re.compile(r"(?:^|(?<=[.!?…\]]))\s*(?:Continue reading|Read [Mm]ore)\b[^\n]{0,120}$")
_CUT_ENDINGS = ("…", "...", "[…]", "[...]")
_HTML_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]", re.IGNORECASE)


class FeedError(ValueError):
    """A payload that is not a usable RSS or Atom feed."""


@dataclass(frozen=True)
class FeedItem:
    """One news item of a feed, as plain text."""

    title: str
    url: str
    published: datetime | None
    text: str
    truncated: bool
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and its items in feed order."""

    title: str
    items: tuple[FeedItem, ...]


def parse_feed(payload: bytes, url: str) -> Feed:
    """Parse an RSS 2.0 or Atom payload fetched from ``url``; raise FeedError if it is not one."""
    if not payload.strip():
        raise FeedError("empty payload: nothing to parse")
    _refuse_entities(payload)
    parsed = _feedparser_parse(payload, url)
    _refuse_non_feed(payload, parsed)
    title = _plain_title(parsed["feed"].get("title_detail"))
    items = (_item(entry, url) for entry in parsed["entries"])
    return Feed(title=title, items=tuple(item for item in items if item is not None))


def html_to_text(html: str) -> str:
    """Plain paragraphs (separated by blank lines) from an HTML fragment."""
    soup = BeautifulSoup(html, "html.parser")
    paragraphs: list[list[str]] = [[]]
    _walk(soup, paragraphs)
    return _tidy("\n\n".join("".join(parts) for parts in paragraphs))


def _refuse_entities(payload: bytes) -> None:
    """Refuse DTD entity declarations (billion laughs, external entities) before feedparser."""
    try:
        defusedxml.sax.parseString(
            payload, xml.sax.handler.ContentHandler(), forbid_dtd=False, forbid_external=False
        )
    except DefusedXmlException as exc:
        raise FeedError(f"refused: the feed declares XML entities ({exc})") from exc
    except xml.sax.SAXException:
        pass  # malformed XML is for feedparser to judge: its loose parser may still read it


def _feedparser_parse(payload: bytes, url: str) -> Any:
    """Run feedparser on the bytes, never letting it open a file or a URL named by them."""
    # A bytes argument that names a local path is read from disk by feedparser: wrap it.
    # Its HTML sanitiser and URI rewriting are not needed (html_to_text keeps text only, and
    # links are resolved in _web_link) and cost a third of the parse.
    return feedparser.parse(
        io.BytesIO(payload),
        response_headers={"content-location": url, "content-type": "application/xml"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )


def _refuse_non_feed(payload: bytes, parsed: Any) -> None:
    """Raise FeedError for an HTML page, broken XML, or XML that is no RSS or Atom."""
    entries = parsed["entries"]
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.get("version") and not entries:
        if _HTML_SNIFF.search(payload[:4096]):
            raise FeedError("this is an HTML page, not a feed")
        if problem is not None:
            raise FeedError(f"not a feed: invalid XML ({problem})")
        raise FeedError("not a feed: no RSS or Atom root element")
    if problem is not None and not entries and isinstance(problem, xml.sax.SAXException):
        raise FeedError(f"invalid XML ({problem})")


def _item(entry: Any, feed_url: str) -> FeedItem | None:
    """A FeedItem from a feedparser entry, or None when it has no title or no web link."""
    title = _plain_title(entry.get("title_detail"))
    link = _web_link(entry.get("link"), feed_url)
    if not title or link is None:
        return None
    text, from_summary = _body(entry)
    text, cut = _strip_footers(text)
    return FeedItem(
        title=title,
        url=link,
        published=_timestamp(entry.get("published_parsed") or entry.get("updated_parsed")),
        text=text,
        truncated=from_summary and (cut or text.endswith(_CUT_ENDINGS)),
        categories=_categories(entry.get("tags") or ()),
    )


def _plain_title(detail: Any) -> str:
    """A title as one line of plain text, whether the feed typed it as HTML or text."""
    if not detail or not detail.get("value"):
        return ""
    value = str(detail["value"])
    if "html" in str(detail.get("type", "")):
        value = html_to_text(value)
    return " ".join(value.split())


def _web_link(link: Any, feed_url: str) -> str | None:
    """The item's link made absolute, if it is an http(s) URL."""
    if not isinstance(link, str) or not link.strip():
        return None
    absolute = urljoin(feed_url, link.strip())
    parts = urlsplit(absolute)
    return absolute if parts.scheme in ("http", "https") and parts.netloc else None


def _body(entry: Any) -> tuple[str, bool]:
    """The item's text from its full content when present, else its summary; and which it was."""
    for content in entry.get("content") or ():
        text = _detail_text(content)
        if text:
            return text, False
    return _detail_text(entry.get("summary_detail")), True


def _detail_text(detail: Any) -> str:
    """Plain paragraphs from a feedparser text construct (HTML or plain text)."""
    if not detail or not detail.get("value"):
        return ""
    value = str(detail["value"])
    if "html" in str(detail.get("type", "")):
        return html_to_text(value)
    return _tidy(value)


def _strip_footers(text: str) -> tuple[str, bool]:
    """Drop WordPress' "The post … appeared first on …" and "Continue reading" endings."""
    paragraphs = text.split("\n\n") if text else []
    cut = False
    if paragraphs and _WORDPRESS_FOOTER.match(paragraphs[-1]):
        paragraphs.pop()
        cut = True
    if paragraphs:
        shortened = _READ_MORE.sub("", paragraphs[-1])
        if shortened != paragraphs[-1]:
            cut = True
            paragraphs[-1] = shortened
            if not shortened:
                paragraphs.pop()
    return "\n\n".join(paragraphs), cut


def _timestamp(parsed: time.struct_time | None) -> datetime | None:
    """A UTC datetime from feedparser's UTC struct_time."""
    if parsed is None:
        return None
    return datetime(*parsed[:6], tzinfo=UTC)


def _categories(tags: Any) -> tuple[str, ...]:
    """The item's category terms, stripped and without repeats, in feed order."""
    terms = (" ".join(str(tag.get("term") or "").split()) for tag in tags)
    return tuple(dict.fromkeys(term for term in terms if term))


def _walk(root: Tag, paragraphs: list[list[str]]) -> None:
    """Append the text under ``root`` to ``paragraphs``, starting a new one at block edges."""
    # Iterative, so a deeply nested hostile fragment cannot hit the recursion limit.
    stack: list[Tag | NavigableString | None] = [root]
    while stack:
        node = stack.pop()
        if node is None or (isinstance(node, Tag) and node.name in _BLOCK_TAGS):
            paragraphs.append([])  # None marks the end of a block element
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString) or isinstance(node, CData):
                paragraphs[-1].append(re.sub(r"\s+", " ", str(node)))
        elif isinstance(node, Tag) and node.name not in _DROPPED_TAGS:
            if node.name == "br":
                paragraphs[-1].append("\n")
            if node.name in _BLOCK_TAGS:
                stack.append(None)
            stack.extend(
                child
                for child in reversed(node.contents)
                if isinstance(child, Tag | NavigableString)
            )


def _tidy(text: str) -> str:
    """Strip shortcodes, collapse whitespace in each line, and keep non-empty paragraphs."""
    text = _strip_shortcodes(text)
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = (" ".join(line.split()) for line in block.split("\n"))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _strip_shortcodes(text: str) -> str:
    """Remove WordPress shortcode leftovers such as ``[caption …]…[/caption]``."""
    text = _SHORTCODE_WITH_CONTENT.sub("", text)
    closed = {name.lower() for name in _SHORTCODE_CLOSING.findall(text)}
    if closed:
        names = "|".join(re.escape(name) for name in sorted(closed))
        text = re.sub(rf"\[(?:{names})(?:\s[^\]\[]*)?\]", "", text, flags=re.IGNORECASE)
    text = _SHORTCODE_CLOSING.sub("", text)
    return _SHORTCODE_WITH_ATTRIBUTES.sub("", text)
