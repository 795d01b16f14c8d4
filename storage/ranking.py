"""BM25 over a capped set of search candidates, computed from their terms and text.

FTS5's ``bm25()`` first counts every row that holds each query word (to weigh rare words above
common ones); for a word in half of a million articles that count alone takes tens of
milliseconds, whatever LIMIT the query has. So the search asks FTS5 only for the newest matches,
estimates each word's document frequency from how far back its newest matches reach, and scores
the candidates here with FTS5's formula and constants.

What counts as an occurrence of a query word: any of its terms (storage/analysis.py: the word's
stems in either alphabet) in the article's terms, the title's weighing ``TITLE_WEIGHT`` times
the body's; the word in the very form typed (case and accents aside) counts ``EXACT_BONUS`` more.
Among equal scores the newer article (by its own date, then by id) comes first.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from storage.analysis import QueryTerm

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0
EXACT_BONUS = 1.0  # an exact form counts twice a stemmed one
MIN_IDF = 1e-6  # FTS5's floor for words in more than half of the rows
SCORE_DIGITS = 9  # scores equal to this many digits are ties: the newer article wins

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Case and accents folded, much as the ``unicode61 remove_diacritics 2`` tokenizer does."""
    folded = text.casefold()
    return (
        folded if folded.isascii() else _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    )


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
    """One candidate article: its text, its terms and its date."""

    id: int
    dated: date
    title: str
    body: str
    title_terms: str
    body_terms: str


def spaced(terms: str) -> str:
    """Terms with two spaces around each, so that ``str.count`` finds every whole term."""
    return "  " + terms.replace(" ", "  ") + "  "


def whole(terms: str, stem: str) -> int:
    """How often ``stem`` is one of the space-separated ``terms``, without copying them: a
    search for " stem " skips a repeat right after a match, so only then are they spaced."""
    if f"{stem} {stem}" in terms:
        return spaced(terms).count(f" {stem} ")
    return (
        terms.count(f" {stem} ")
        + terms.startswith(f"{stem} ")
        + terms.endswith(f" {stem}")
        + (terms == stem)
    )


def occurrences(terms: str, term: QueryTerm) -> int:
    """How often ``term`` is among the space-separated ``terms`` (the count of its likeliest
    stem)."""
    if term.prefix:
        return max(terms.count(" " + stem) + terms.startswith(stem) for stem in term.stems)
    return max(whole(terms, stem) for stem in term.stems)


def exact_occurrences(lower: str, term: QueryTerm) -> int:
    """How often the word as typed is in a lower-case text (case aside); 0 for a prefix."""
    return 0 if term.prefix else count(lower, term.word.lower())


def rank(
    candidates: Sequence[Candidate], words: Sequence[QueryTerm], idfs: Sequence[float]
) -> list[tuple[float, int]]:
    """(score, id) of every candidate, best first (a lower score is better, as FTS5's)."""
    if not candidates:
        return []
    texts = [(c.title_terms, c.body_terms, c.title.lower(), c.body.lower()) for c in candidates]
    lengths = [c.title_terms.count(" ") + c.body_terms.count(" ") + 2 for c in candidates]
    average = sum(lengths) / len(lengths) or 1.0
    scored = []
    for candidate, (title, body, title_text, body_text), length in zip(
        candidates, texts, lengths, strict=True
    ):
        norm = K1 * (1 - B + B * length / average)
        score = 0.0
        for weight, term in zip(idfs, words, strict=True):
            frequency = TITLE_WEIGHT * (
                occurrences(title, term) + EXACT_BONUS * exact_occurrences(title_text, term)
            ) + BODY_WEIGHT * (
                occurrences(body, term) + EXACT_BONUS * exact_occurrences(body_text, term)
            )
            score += weight * frequency * (K1 + 1) / (frequency + norm)
        scored.append((-round(score, SCORE_DIGITS), candidate))
    scored.sort(key=lambda pair: (pair[0], -pair[1].dated.toordinal(), -pair[1].id))
    return [(score, candidate.id) for score, candidate in scored]
