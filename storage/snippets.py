"""Search snippets: the words of a text that match a query marked in their original forms.

FTS5's ``snippet()`` can only mark the tokens of the column it searched, which are terms here
(``festiv``, ``bishkek``), so the marking is done on the raw text with the same analysis: a word
is marked when one of its terms is one of a query word's terms (or starts with it, for a
prefix), whatever form or alphabet it is written in.
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.analysis import QueryTerm, analysed, words_of
from storage.models import MATCH_END, MATCH_START

SNIPPET_WORDS = 24
LEAD_WORDS = 4  # words of context kept before the first match of a snippet
ELLIPSIS = "…"


def matches(word: str, terms: Sequence[QueryTerm]) -> bool:
    """Whether ``word`` is a form (or, for a prefix, a continuation) of a query word."""
    found = analysed(word)
    return any(
        stem in found or (term.prefix and any(one.startswith(stem) for one in found))
        for term in terms
        for stem in term.stems
    )


def marked(text: str, terms: Sequence[QueryTerm], size: int | None = None) -> str | None:
    """``text``, or its ``size`` words around the most matches, with the matching words marked;
    None when no word matches."""
    words = words_of(text)
    hits = [index for index, word in enumerate(words) if matches(word.group(), terms)]
    if not hits:
        return None
    start, end = 0, len(words)
    if size is not None and len(words) > size:
        start = _best_start(hits, size, len(words))
        end = min(start + size, len(words))
    chosen = set(hits)
    parts = [ELLIPSIS] if start > 0 else []
    cursor = words[start].start() if start > 0 else 0
    for index in range(start, end):
        word = words[index]
        if index in chosen:
            parts += [text[cursor : word.start()], MATCH_START, word.group(), MATCH_END]
            cursor = word.end()
    if end < len(words):
        parts += [text[cursor : words[end - 1].end()], ELLIPSIS]
    else:
        parts.append(text[cursor:])
    return "".join(parts)


def _best_start(hits: list[int], size: int, total: int) -> int:
    """The first word of the window of ``size`` words that holds the most hits."""
    best, most = 0, -1
    for first in hits:
        start = max(0, min(first - LEAD_WORDS, total - size))
        inside = sum(1 for hit in hits if start <= hit < start + size)
        if inside > most:
            best, most = start, inside
    return best
