"""Rendering helpers shared by every area: escaping, teasers, buttons, splitting long messages."""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

# Telegram's limit for one message; counted here on the HTML source, which is never shorter
# than the text Telegram counts after parsing it.
MAX_MESSAGE = 4096
# Telegram's limit for a button's callback data, in bytes.
MAX_CALLBACK_DATA = 64
# Longer addresses are left without a button (Telegram documents no limit; browsers take ~2000).
MAX_URL = 2048
# Visible characters of someone's input that a reply quotes (``quote``).
QUOTED = 100

Action = TypeVar("Action", bound=StrEnum)

_SPACES = re.compile(r"\s+")
_TAG_OR_ENTITY = re.compile(r"<[^>]*>|&[^;\s<>&]*;")
_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&[^;\s<>&]*;")
_LONGEST_ENTITY = 12
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_TAG_NAME = re.compile(r"</?([a-zA-Z][\w-]*)")
# Sentence ends: punctuation, optional closing quotes or brackets, then the whitespace run.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\Z")


def escape(text: str) -> str:
    """Plain text (article, festival or user text) → safe Telegram HTML."""
    return html.escape(text)


def teaser(text: str, limit: int = 200) -> str:
    """The start of ``text`` on one line, cut at a word boundary with "…" (plain text)."""
    window = limit * 4 + 16  # enough to fill ``limit`` unless the text is mostly spaces
    flat = " ".join(text[:window].split())
    if len(flat) <= limit:
        return flat if len(text) <= window else flat + "…"
    cut = flat[: max(limit - 1, 0)]
    if " " in cut and not flat[len(cut)].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–—-") + "…"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 subscriber``, ``2 subscribers`` (``nouns`` for an irregular plural)."""
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits."""
    return len(text.encode("utf-16-le")) // 2


def visible_len(text: str) -> int:
    """Length of Telegram HTML as Telegram counts it: UTF-16 units of the text it shows."""
    return utf16_len(html.unescape(_TAG.sub("", text)))


def quote(text: str, limit: int = QUOTED) -> str:
    """Someone's input to quote in a reply: on one line, cut to ``limit`` visible UTF-16 units
    (the last one "…" when cut), escaped."""
    flat = " ".join(text.split())
    if utf16_len(flat) <= limit:
        return escape(flat)
    kept: list[str] = []
    width = 1  # the ellipsis takes one unit
    for char in flat:
        width += 2 if char > "\uffff" else 1
        if width > limit:
            break
        kept.append(char)
    return escape("".join(kept).rstrip()) + "…"


def callback_button(label: str, data: str) -> InlineKeyboardButton:
    """An inline button; refuses callback data that Telegram would refuse."""
    if not 0 < len(data.encode()) <= MAX_CALLBACK_DATA:
        raise ValueError(f"callback data must be 1-{MAX_CALLBACK_DATA} bytes: {data!r}")
    return InlineKeyboardButton(label, callback_data=data)


def link_button(label: str, url: str | None) -> InlineKeyboardButton | None:
    """A button that opens ``url``, or None when it is not an http(s) address Telegram takes."""
    if not url or len(url) > MAX_URL or any(char.isspace() or ord(char) < 32 for char in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return InlineKeyboardButton(label, url=url)


def keyboard(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard of the non-empty rows, or None when there is no button."""
    kept = [list(row) for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


def split_message(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split Telegram HTML into parts of at most ``limit`` UTF-16 units each.

    Parts end at a paragraph break if one is near the limit, else at a line break, a sentence
    end, a space, or — only for text with no space at all — between two characters. A cut never
    falls inside a tag or an entity; tags open at a cut are closed at the end of the part and
    opened again at the start of the next. The whitespace at a cut is dropped.
    """
    text = text.strip()
    if utf16_len(text) <= limit:
        return [text] if text else []
    return _Splitter(text, limit).parts()


class _Splitter:
    """The state of one ``split_message``: where cuts may go and which tags are open there."""

    def __init__(self, text: str, limit: int) -> None:
        self.text = text
        self.limit = limit
        # Characters outside the BMP count twice in UTF-16: where they are.
        self.wide = [match.start() for match in _ASTRAL.finditer(text)]
        # Every tag: where it starts and ends, and the tags open after it (outermost first).
        self.tag_starts: list[int] = []
        self.tag_ends: list[int] = []
        self.stacks: list[tuple[str, ...]] = []
        stack: tuple[str, ...] = ()
        for match in _TAG.finditer(text):
            stack = _apply_tag(stack, match.group())
            self.tag_starts.append(match.start())
            self.tag_ends.append(match.end())
            self.stacks.append(stack)

    def parts(self) -> list[str]:
        result: list[str] = []
        start = 0
        reopen: tuple[str, ...] = ()
        while start < len(self.text):
            budget = self.limit - sum(map(utf16_len, reopen))
            if self._width(start, len(self.text)) <= budget:
                result.append("".join(reopen) + self.text[start:])
                break
            cut = self._best_cut(start, budget)
            stack = self._stack_at(cut)
            body = self.text[start:cut].rstrip()
            result.append("".join(reopen) + body + _closers(stack))
            spaces = _SPACES.match(self.text, cut)
            start = spaces.end() if spaces else cut
            reopen = stack
        return [part for part in result if _TAG.sub("", part).strip()]

    def _width(self, start: int, end: int) -> int:
        if not self.wide:
            return end - start
        return end - start + bisect_left(self.wide, end) - bisect_left(self.wide, start)

    def _stack_at(self, index: int) -> tuple[str, ...]:
        """The tags open at ``index`` (which is outside any tag)."""
        position = bisect_right(self.tag_ends, index) - 1
        return self.stacks[position] if position >= 0 else ()

    def _cost(self, start: int, end: int) -> int:
        closers = sum(len(_tag_name(tag)) + 3 for tag in self._stack_at(end))
        return self._width(start, end) + closers

    def _inside_tag(self, index: int) -> bool:
        position = bisect_right(self.tag_starts, index) - 1
        return position >= 0 and index < self.tag_ends[position]

    def _best_cut(self, start: int, budget: int) -> int:
        """The end of the next part: the best kind of cut that keeps half of what fits."""
        hard = self._farthest(start, budget)
        # Every character is at least one unit wide: no cut past start + budget can fit.
        runs = list(_SPACES.finditer(self.text, start + 1, start + budget + 1))
        best: dict[int, int] = {}  # rank → the farthest fitting cut of that rank
        for run in reversed(runs):
            index = run.start()
            if (index - start) * 2 < hard - start:
                break  # this and every cut before it would keep less than half
            rank = self._rank(run.group(), index)
            fits = not self._inside_tag(index) and self._cost(start, index) <= budget
            if rank not in best and fits:
                best[rank] = index
                if rank == 4:
                    break
        if best:
            return best[max(best)]
        if hard > start:
            return hard
        # No room even for one character (a huge tag?): cut after the tag.
        return self.tag_ends[bisect_right(self.tag_starts, start)]

    def _rank(self, spaces: str, index: int) -> int:
        if "\n\n" in spaces:
            return 4
        if "\n" in spaces:
            return 3
        if _SENTENCE_END.search(_visible_tail(self.text, index)):
            return 2
        return 1

    def _farthest(self, start: int, budget: int) -> int:
        """The farthest cut between two characters, outside tags and entities, that fits."""
        if not self.wide:
            index = min(len(self.text), start + budget)
        else:
            low, high = start, min(len(self.text), start + budget)
            while low < high:  # the last index whose width from start fits
                middle = (low + high + 1) // 2
                if self._width(start, middle) <= budget:
                    low = middle
                else:
                    high = middle - 1
            index = low
        while index > start:
            token = self._token_around(index)
            if token is not None:
                index = token
                continue
            excess = self._cost(start, index) - budget
            if excess <= 0:
                return index
            index -= excess
        return start

    def _token_around(self, index: int) -> int | None:
        """The start of the tag or entity that ``index`` falls strictly inside, if any."""
        position = bisect_right(self.tag_starts, index) - 1
        if position >= 0 and self.tag_starts[position] < index < self.tag_ends[position]:
            return self.tag_starts[position]
        amp = self.text.rfind("&", max(0, index - _LONGEST_ENTITY), index)
        if amp >= 0:
            entity = _ENTITY.match(self.text, amp)
            if entity is not None and index < entity.end():
                return amp
        return None


def _apply_tag(stack: tuple[str, ...], tag: str) -> tuple[str, ...]:
    if tag.startswith("</"):
        name = _tag_name(tag)
        for depth in range(len(stack) - 1, -1, -1):
            if _tag_name(stack[depth]) == name:
                return stack[:depth]
        return stack
    return (*stack, tag)


def _tag_name(tag: str) -> str:
    match = _TAG_NAME.match(tag)
    return match.group(1).lower() if match else ""


def _closers(stack: tuple[str, ...]) -> str:
    return "".join(f"</{_tag_name(tag)}>" for tag in reversed(stack))


def _visible_tail(text: str, index: int) -> str:
    """The few characters before ``index`` with tags removed (``end.</b> `` ends a sentence)."""
    return _TAG_OR_ENTITY.sub("", text[max(0, index - 24) : index])


def action_data(prefix: str, do: str, value: str = "") -> str:
    """A panel button's callback data: ``prefix:do:value`` (``prefix:do`` without a value)."""
    return f"{prefix}:{do}:{value}" if value else f"{prefix}:{do}"


def split_action(raw: str | None, prefix: str, actions: type[Action]) -> tuple[Action, str] | None:
    """``prefix:do:value`` → (the ``actions`` member ``do``, value); None for another prefix or
    an action the panel never offers."""
    head, _, rest = (raw or "").partition(":")
    what, _, value = rest.partition(":")
    if head != prefix:
        return None
    try:
        return actions(what), value
    except ValueError:
        return None


def callback_ids(data: str | None, prefix: str, count: int = 1) -> tuple[int, ...] | None:
    """``prefix:1:2`` → (1, 2) when it has ``count`` positive ids; None for anything else."""
    head, _, rest = (data or "").partition(":")
    fields = rest.split(":")
    if head != prefix or len(fields) != count:
        return None
    if not all(field.isascii() and field.isdigit() and len(field) <= 19 for field in fields):
        return None
    ids = tuple(int(field) for field in fields)
    # Positive, and within SQLite's 64-bit integers: a larger one would overflow on the way in.
    return ids if all(0 < number < 2**63 for number in ids) else None


def with_keyboard(
    text: str, markup: InlineKeyboardMarkup | None, limit: int = MAX_MESSAGE
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """``text`` split into messages, the keyboard on the last one."""
    parts = split_message(text, limit)
    return [
        (part, markup if index == len(parts) - 1 else None) for index, part in enumerate(parts)
    ]
