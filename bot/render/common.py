"""Rendering helpers shared by every area: escaping, teasers, dates, splitting long messages."""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from itertools import accumulate

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

# Telegram's limit for one message; counted here on the HTML source, which is never shorter
# than the text Telegram counts after parsing it.
MAX_MESSAGE = 4096
# Telegram's limit for a button's callback data, in bytes.
MAX_CALLBACK_DATA = 64

_SPACES = re.compile(r"\s+")
_TAG_OR_ENTITY = re.compile(r"<[^>]*>|&[^;\s<>&]*;")
_TAG = re.compile(r"<[^>]*>")
_TAG_NAME = re.compile(r"</?([a-zA-Z][\w-]*)")
# Sentence ends: punctuation, optional closing quotes or brackets, then the whitespace run.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\Z")


def escape(text: str) -> str:
    """Plain text (article, festival or user text) → safe Telegram HTML."""
    return html.escape(text)


def teaser(text: str, limit: int = 200) -> str:
    """The start of ``text`` on one line, cut at a word boundary with "…" (plain text)."""
    flat = _SPACES.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: max(limit - 1, 0)]
    if " " in cut and not flat[len(cut)].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–—-") + "…"


def format_date(day: date) -> str:
    """``7 February 2026``."""
    return f"{day.day} {day:%B %Y}"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits."""
    return len(text.encode("utf-16-le")) // 2


def callback_button(label: str, data: str) -> InlineKeyboardButton:
    """An inline button; refuses callback data that Telegram would refuse."""
    if not 0 < len(data.encode()) <= MAX_CALLBACK_DATA:
        raise ValueError(f"callback data must be 1-{MAX_CALLBACK_DATA} bytes: {data!r}")
    return InlineKeyboardButton(label, callback_data=data)


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
        self.width = [0, *accumulate(utf16_len(char) for char in text)]
        # For every index where a cut may go: the opening tags open there, outermost first.
        self.open_at: dict[int, tuple[str, ...]] = {}
        # Cut candidates: (index, rank); a higher rank is a better place to cut.
        self.candidates: list[tuple[int, int]] = []
        self._scan()

    def _scan(self) -> None:
        stack: tuple[str, ...] = ()
        position = 0
        for match in _TAG_OR_ENTITY.finditer(self.text):
            self._scan_text(position, match.start(), stack)
            token = match.group()
            closing = token.startswith("</")
            if match.start() > 0 and not closing:  # before an entity or an opening tag
                self.open_at[match.start()] = stack
                self.candidates.append((match.start(), 0))
            if token.startswith("<"):
                stack = _apply_tag(stack, token)
            position = match.end()
            if closing and position < len(self.text) and not self.text[position].isspace():
                self.open_at[position] = stack  # just after a closing tag
                self.candidates.append((position, 0))
        self._scan_text(position, len(self.text), stack)
        self.open_at[len(self.text)] = stack

    def _scan_text(self, start: int, end: int, stack: tuple[str, ...]) -> None:
        text = self.text
        for index in range(start, end):
            self.open_at[index] = stack
            if text[index].isspace() and (index == 0 or not text[index - 1].isspace()):
                run_end = index
                while run_end < len(text) and text[run_end].isspace():
                    run_end += 1
                run = text[index:run_end]
                if "\n\n" in run:
                    rank = 4
                elif "\n" in run:
                    rank = 3
                elif _SENTENCE_END.search(_visible_tail(text, index)):
                    rank = 2
                else:
                    rank = 1
                self.candidates.append((index, rank))
            elif index > start:
                self.candidates.append((index, 0))  # between two characters of a word

    def parts(self) -> list[str]:
        result: list[str] = []
        start = 0
        reopen: tuple[str, ...] = ()
        while start < len(self.text):
            budget = self.limit - sum(map(utf16_len, reopen))
            end_text = len(self.text)
            if self._cost(start, end_text) <= budget:
                result.append("".join(reopen) + self.text[start:end_text])
                break
            cut = self._best_cut(start, budget)
            stack = self.open_at[cut]
            body = self.text[start:cut].rstrip()
            result.append("".join(reopen) + body + _closers(stack))
            start = cut
            while start < len(self.text) and self.text[start].isspace():
                start += 1
            reopen = stack
        return [part for part in result if _TAG.sub("", part).strip()]

    def _cost(self, start: int, end: int) -> int:
        return (
            self.width[end]
            - self.width[start]
            + sum(len(name) + 3 for name in map(_tag_name, self.open_at[end]))
        )

    def _best_cut(self, start: int, budget: int) -> int:
        # Every character is at least one unit wide: no cut past start + budget can fit.
        first = bisect_right(self.candidates, (start, 5))
        last = bisect_right(self.candidates, (start + budget, 5))
        fitting = [
            (index, rank)
            for index, rank in self.candidates[first:last]
            if self._cost(start, index) <= budget
        ]
        if not fitting:
            # No room even for one character (a huge tag?): cut at the next possible place.
            return self.candidates[first][0]
        reach = max(index for index, _ in fitting)
        # Prefer the best kind of cut, as long as it keeps at least half of what would fit.
        for rank in (4, 3, 2, 1, 0):
            best = [index for index, r in fitting if r == rank]
            if best and (max(best) - start) * 2 >= reach - start:
                return max(best)
        return reach


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


def callback_ids(data: str | None, prefix: str, count: int = 1) -> tuple[int, ...] | None:
    """``prefix:1:2`` → (1, 2) when it has ``count`` positive ids; None for anything else."""
    head, _, rest = (data or "").partition(":")
    fields = rest.split(":")
    if head != prefix or len(fields) != count:
        return None
    if not all(field.isascii() and field.isdigit() and len(field) <= 18 for field in fields):
        return None
    ids = tuple(int(field) for field in fields)
    return ids if all(ids) else None


def with_keyboard(
    text: str, markup: InlineKeyboardMarkup | None, limit: int = MAX_MESSAGE
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """``text`` split into messages, the keyboard on the last one."""
    parts = split_message(text, limit)
    return [
        (part, markup if index == len(parts) - 1 else None) for index, part in enumerate(parts)
    ]
