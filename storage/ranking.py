"""BM25 over a capped set of search candidates, computed from their text.

FTS5's ``bm25()`` first counts every row that holds each query word (to weigh rare words above
common ones); for a word in half of a million articles that count alone takes tens of
milliseconds, whatever LIMIT the query has. So the search asks FTS5 only for the newest matches,
estimates each word's document frequency from how far back its newest matches reach, and scores
the candidates here with FTS5's formula, constants and column weights.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0
MIN_IDF = 1e-6  # FTS5's floor for words in more than half of the rows

# Letters and digits, as the unicode61 tokenizer splits them ("_" separates words).
WORD = re.compile(r"[^\W_]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Case and accents folded, much as the ``unicode61 remove_diacritics 2`` tokenizer does."""
    folded = text.casefold()
    return (
        folded if folded.isascii() else _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    )


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a query: as typed, in the spellings looked for first, and folded."""

    word: str
    spellings: tuple[str, ...]  # lower-case, Capitalised, UPPER: no need to case-fold texts
    folded: str


def terms(words: str) -> list[Term]:
    """The distinct words of a query, in order."""
    found: dict[str, str] = {}
    for word in WORD.findall(words):
        found.setdefault(fold(word), word)
    return [
        Term(word, tuple(dict.fromkeys((word.lower(), word.capitalize(), word.upper()))), folded)
        for folded, word in found.items()
    ]


def count(text: str, word: str) -> int:
    """Whole-word occurrences of ``word`` in ``text``, case as given."""
    found = 0
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if (start == 0 or not text[start - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        ):
            found += 1
        start = text.find(word, end)
    return found


def idf(matches: float, rows: int) -> float:
    """FTS5's inverse document frequency of a word found in ``matches`` of ``rows`` rows."""
    return max(math.log((rows - matches + 0.5) / (matches + 0.5)), MIN_IDF)


def estimated_matches(newest: int, oldest_id: int | None, last_id: int, cap: int) -> float:
    """How many rows hold a word whose ``newest`` most recent matches (at most ``cap``) reach
    back to ``oldest_id``: exact below the cap, else extrapolated from the ids they span."""
    if newest < cap or oldest_id is None:
        return float(newest)
    return newest * last_id / max(last_id - oldest_id + 1, 1)


@dataclass(frozen=True, slots=True)
class Candidate:
    """The text of one candidate article."""

    id: int
    title: str
    body: str


def rank(
    candidates: Sequence[Candidate], words: Sequence[Term], idfs: Sequence[float]
) -> list[tuple[float, int]]:
    """(score, id) of every candidate, best first (a lower score is better, as FTS5's)."""
    if not candidates:
        return []
    lengths = [len(candidate.title) + len(candidate.body) for candidate in candidates]
    average = sum(lengths) / len(lengths) or 1.0
    scored = []
    for candidate, length in zip(candidates, lengths, strict=True):
        frequencies = [
            sum(
                _frequency(candidate.title, candidate.body, spelling)
                for spelling in term.spellings
            )
            for term in words
        ]
        if not all(frequencies):  # in a mixed case, or only with its accents folded away
            title, body = fold(candidate.title), fold(candidate.body)
            frequencies = [_frequency(title, body, term.folded) for term in words]
        norm = K1 * (1 - B + B * length / average)
        score = sum(
            weight * frequency * (K1 + 1) / (frequency + norm)
            for weight, frequency in zip(idfs, frequencies, strict=True)
        )
        scored.append((-score, candidate.id))
    scored.sort(key=lambda pair: (pair[0], -pair[1]))
    return scored


def _frequency(title: str, body: str, word: str) -> float:
    return TITLE_WEIGHT * count(title, word) + BODY_WEIGHT * count(body, word)
