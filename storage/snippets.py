"""Search snippets: the words of a text that match a query marked in their original forms.

FTS5's ``snippet()`` can only mark the tokens of the column it searched, which are terms here
(``festiv``, ``bishkek``), so the marking is done on the raw text with the same analysis: a word
is marked when one of its terms is one of a query word's terms (or starts with it, for a
prefix), whatever form or alphabet it is written in.

A search marks only the page's hits, with one ``Marker`` that decides each distinct word form
once. A long text is read word by word only around its best place: where its matching terms lie
thickest among its stored terms (found by patterns made once per query), scaled to the text;
when no word matches there, the whole text is read.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from storage.analysis import QueryTerm, analysed, words_of
from storage.models import MATCH_END, MATCH_START
from storage.ranking import term_pattern

SNIPPET_WORDS = 24
LEAD_WORDS = 4  # words of context kept before the first match of a snippet
ELLIPSIS = "…"
MARGIN = 200  # characters read on each side of the place the terms point to


def matches(word: str, terms: Sequence[QueryTerm]) -> bool:
    """Whether ``word`` is a form (or, for a prefix, a continuation) of a query word."""
    found = analysed(word)
    return any(
        stem in found or (prefix and any(one.startswith(stem) for one in found))
        for term in terms
        for stem, prefix in term.forms
    )


class Marker:
    """Marks the matches of one query's words in texts; each word form is decided once."""

    def __init__(self, terms: Sequence[QueryTerm]) -> None:
        self._terms = terms
        self._known: dict[str, bool] = {}
        self._patterns = [term_pattern(*form) for term in terms for form in term.forms]

    def matches(self, word: str) -> bool:
        """``matches`` of one word, remembered for this query."""
        found = self._known.get(word)
        if found is None:
            found = self._known[word] = matches(word, self._terms)
        return found

    def marked(self, text: str, size: int | None = None, terms: str = "") -> str | None:
        """``text``, or its ``size`` words around the most matches, with the matching words
        marked; None when no word matches. ``terms``: the text's terms (``index_terms``), to
        read only the part of a long text around its best place."""
        if size is not None and terms and len(text) > 2 * MARGIN + size * 12:
            place = self._place(text, terms, size)
            if place is not None:
                start, end = place
                found = self._marked(text[start:end], size, start > 0, end < len(text))
                if found is not None:
                    return found
        return self._marked(text, size, False, False)

    def _place(self, text: str, terms: str, size: int) -> tuple[int, int] | None:
        """The part of ``text`` (start, end) where its terms hold the most matches, or None."""
        spots = sorted(
            spot.start() for pattern in self._patterns for spot in pattern.finditer(terms)
        )
        if not spots:
            return None
        width = len(terms) * size / (terms.count(" ") + 1)  # about ``size`` terms
        first = max(range(len(spots)), key=lambda at: bisect_left(spots, spots[at] + width) - at)
        best = spots[first]
        scale = len(text) / len(terms)
        start = max(0, int(best * scale) - MARGIN)
        end = min(len(text), int((best + width) * scale) + MARGIN)
        start = text.find(" ", start) + 1 if start else 0  # whole words only
        end = max(start, text.rfind(" ", start, end)) if end < len(text) else end
        return start, end

    def _marked(
        self, text: str, size: int | None, cut_before: bool, cut_after: bool
    ) -> str | None:
        """``marked`` of ``text``, which may be a part cut out of a longer one."""
        words = words_of(text)
        hits = [index for index, word in enumerate(words) if self.matches(word.group())]
        if not hits:
            return None
        start, end = 0, len(words)
        if size is not None and len(words) > size:
            start = _best_start(hits, size, len(words))
            end = min(start + size, len(words))
        chosen = set(hits)
        parts = [ELLIPSIS] if start > 0 or cut_before else []
        cursor = words[start].start() if start > 0 or cut_before else 0
        for index in range(start, end):
            word = words[index]
            if index in chosen:
                parts += [text[cursor : word.start()], MATCH_START, word.group(), MATCH_END]
                cursor = word.end()
        if end < len(words) or cut_after:
            parts += [text[cursor : words[end - 1].end()], ELLIPSIS]
        else:
            parts.append(text[cursor:])
        return "".join(parts)


def marked(text: str, terms: Sequence[QueryTerm], size: int | None = None) -> str | None:
    """``Marker.marked`` for a single text."""
    return Marker(terms).marked(text, size)


def _best_start(hits: list[int], size: int, total: int) -> int:
    """The first word of the window of ``size`` words that holds the most hits."""
    best, most = 0, -1
    for first in hits:
        start = max(0, min(first - LEAD_WORDS, total - size))
        inside = sum(1 for hit in hits if start <= hit < start + size)
        if inside > most:
            best, most = start, inside
    return best
