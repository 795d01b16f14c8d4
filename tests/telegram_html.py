"""Telegram's HTML parse mode, checked as strictly as sendMessage checks it (for the emulator)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

Params = dict[str, Any]

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_ALLOWED_TAGS = frozenset({*_SIMPLE_TAGS, "span", "a", "blockquote", "tg-emoji"})


class EntityParseError(ValueError):
    """Raised when text is not valid Telegram HTML."""


def utf16_len(text: str) -> int:
    """Length of text in UTF-16 code units, the unit of Telegram's offsets and limits."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class _TelegramHTML(HTMLParser):
    """Parses Telegram's HTML subset into plain text and entities, refusing what Telegram would."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.parts: list[str] = []
        self.length = 0  # UTF-16 length of parts so far
        self.entities: list[Params] = []
        self.stack: list[tuple[str, Params | None, int]] = []
        self.cursor = 0  # index in source up to which every character is accounted for
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def run(self) -> tuple[str, list[Params]]:
        """Parse the whole source; return the visible text and its entities."""
        self.feed(self.source)
        self.close()
        self._skip_to(len(self.source))
        if self.stack:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities

    def _index(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode())

    def _skip_to(self, index: int) -> None:
        # HTMLParser silently swallows a stray "&" in some spots: any gap must be free of it.
        gap = self.source[self.cursor : index]
        if "&" in gap or "<" in gap:
            bad = self.cursor + min(i for i in (gap.find("&"), gap.find("<")) if i >= 0)
            self._reserved(self.source[bad], bad)
        self.cursor = max(self.cursor, index)

    def _reserved(self, char: str, index: int) -> None:
        escape = "&lt;" if char == "<" else "&amp;"
        raise EntityParseError(
            f'Character "{char}" is reserved and must be escaped as "{escape}" '
            f"at byte offset {self._byte_offset(index)}"
        )

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def handle_data(self, data: str) -> None:
        """Plain text: must not hold a raw "<" or "&"."""
        index = self._index()
        self._skip_to(index)
        for char in "<&":
            if char in data:
                self._reserved(char, index + data.index(char))
        self._emit(data)
        self.cursor = index + len(data)

    def handle_entityref(self, name: str) -> None:
        """Only &lt; &gt; &amp; &quot; exist in Telegram HTML, each ending with ";"."""
        index = self._index()
        self._skip_to(index)
        end = index + 1 + len(name)
        if name not in _NAMED_ENTITIES or self.source[end : end + 1] != ";":
            raise EntityParseError(
                f'Unsupported HTML entity "&{name}" at byte offset {self._byte_offset(index)}; '
                'escape "&" as "&amp;"'
            )
        self._emit(_NAMED_ENTITIES[name])
        self.cursor = end + 1

    def handle_charref(self, name: str) -> None:
        """Numeric character references like &#65; or &#x41;."""
        index = self._index()
        self._skip_to(index)
        end = index + 2 + len(name)
        code = int(name[1:], 16) if name[:1] in "xX" else int(name)
        if (
            self.source[end : end + 1] != ";"
            or not 0 < code <= 0x10FFFF
            or 0xD800 <= code < 0xE000
        ):
            raise EntityParseError(
                f"Invalid character reference at byte offset {self._byte_offset(index)}"
            )
        self._emit(chr(code))
        self.cursor = end + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open one of Telegram's tags, checking its required attributes."""
        index = self._index()
        self._skip_to(index)
        offset = self._byte_offset(index)
        values = {key: value or "" for key, value in attrs}
        entity: Params | None
        if tag not in _ALLOWED_TAGS:
            raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {offset}')
        if tag == "span":
            if values.get("class") != "tg-spoiler":
                raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at {offset}')
            entity = {"type": "spoiler"}
        elif tag == "a":
            if "href" not in values:
                raise EntityParseError(f'Tag "a" must have attribute "href" at {offset}')
            entity = {"type": "text_link", "url": values["href"]}
        elif tag == "tg-emoji":
            if not values.get("emoji-id", "").isdigit():
                raise EntityParseError(
                    f'Tag "tg-emoji" must have a numeric "emoji-id" at {offset}'
                )
            entity = {"type": "custom_emoji", "custom_emoji_id": values["emoji-id"]}
        elif tag == "blockquote":
            kind = "expandable_blockquote" if "expandable" in values else "blockquote"
            entity = {"type": kind}
        elif tag == "code" and self.stack and self.stack[-1][0] == "pre":
            language = values.get("class", "").removeprefix("language-")
            if language:
                self.stack[-1][1]["language"] = language  # type: ignore[index]
            entity = None  # code inside pre is part of the pre entity
        else:
            entity = {"type": _SIMPLE_TAGS[tag]}
        self.stack.append((tag, entity, self.length))
        self.cursor = index + len(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Self-closing tags such as <br/> do not exist in Telegram HTML."""
        offset = self._byte_offset(self._index())
        raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {offset}')

    def handle_endtag(self, tag: str) -> None:
        """Close the innermost open tag, which must be this one."""
        index = self._index()
        self._skip_to(index)
        offset = self._byte_offset(index)
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {offset}")
        open_tag, entity, start = self.stack.pop()
        if open_tag != tag:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{open_tag}>", '
                f'found "</{tag}>"'
            )
        if entity is not None and self.length > start:
            self.entities.append({**entity, "offset": start, "length": self.length - start})
        self.cursor = self.source.index(">", index) + 1

    def handle_comment(self, data: str) -> None:
        """Comments are not part of Telegram HTML."""
        self._unsupported()

    def handle_decl(self, decl: str) -> None:
        """Declarations are not part of Telegram HTML."""
        self._unsupported()

    def handle_pi(self, data: str) -> None:
        """Processing instructions are not part of Telegram HTML."""
        self._unsupported()

    def unknown_decl(self, data: str) -> None:
        """CDATA and friends are not part of Telegram HTML."""
        self._unsupported()

    def _unsupported(self) -> None:
        offset = self._byte_offset(self._index())
        raise EntityParseError(f"Unsupported start tag at byte offset {offset}")


def parse_telegram_html(text: str) -> tuple[str, list[Params]]:
    """Parse Telegram HTML into (visible text, entities); raise EntityParseError where TG would.

    Stricter than Telegram in one way: a raw "&" that does not start one of Telegram's entities
    is refused (Telegram keeps it literally), because it means text was not escaped.
    """
    return _TelegramHTML(text).run()
