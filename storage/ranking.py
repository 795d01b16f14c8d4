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


def whole_word(word: str) -> re.Pattern[str]:
    """A pattern of ``word`` as a whole word (not next to a letter or digit; "_" separates),
    the word first: the regex engine then looks for it as fast as ``str.find``, and checks
    what is around it after."""
    escaped = re.escape(word)
    return re.compile(rf"{escaped}(?![^\W_])(?<![^\W_]{escaped})")


def term_pattern(stem: str, prefix: bool) -> re.Pattern[str]:
    """A pattern of ``stem`` among space-separated terms: as a whole term, or as the start of
    one (``prefix``); the stem first, as in ``whole_word``."""
    escaped = re.escape(stem)
    after = "" if prefix else "(?![^ ])"
    return re.compile(rf"{escaped}{after}(?<![^ ]{escaped})")


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


@dataclass(frozen=True, slots=True)
class _Word:
    """What ranking needs of one query word, made once per search: its weight, its terms'
    patterns and the pattern of the word as typed (None for a prefix)."""

    weight: float
    terms: tuple[re.Pattern[str], ...]
    exact: re.Pattern[str] | None

    @classmethod
    def of(cls, term: QueryTerm, weight: float) -> _Word:
        """The word ``term`` weighing ``weight``."""
        patterns = tuple(term_pattern(stem, prefix) for stem, prefix in term.forms)
        return cls(weight, patterns, None if term.prefix else whole_word(term.word.lower()))

    def occurrences(self, terms: str) -> int:
        """How often the word's likeliest term is among the space-separated ``terms``."""
        return max(len(pattern.findall(terms)) for pattern in self.terms)


def rank(
    candidates: Sequence[Candidate], words: Sequence[QueryTerm], idfs: Sequence[float]
) -> list[tuple[float, int]]:
    """(score, id) of every candidate, best first (a lower score is better, as FTS5's)."""
    if not candidates:
        return []
    lengths = [c.title_terms.count(" ") + c.body_terms.count(" ") + 2 for c in candidates]
    average = sum(lengths) / len(lengths) or 1.0
    query = [_Word.of(term, weight) for weight, term in zip(idfs, words, strict=True)]
    scored = []
    for candidate, length in zip(candidates, lengths, strict=True):
        norm = K1 * (1 - B + B * length / average)
        title_text = body_text = ""  # lower-cased at the first word that needs them
        score = 0.0
        for word in query:
            title: float = word.occurrences(candidate.title_terms)
            body: float = word.occurrences(candidate.body_terms)
            if word.exact is not None:
                title_text = title_text or candidate.title.lower()
                body_text = body_text or candidate.body.lower()
                title += EXACT_BONUS * len(word.exact.findall(title_text))
                body += EXACT_BONUS * len(word.exact.findall(body_text))
            frequency = TITLE_WEIGHT * title + BODY_WEIGHT * body
            if frequency:
                score += word.weight * frequency * (K1 + 1) / (frequency + norm)
        scored.append((-round(score, SCORE_DIGITS), -candidate.dated.toordinal(), -candidate.id))
    scored.sort()
    return [(score, -negative_id) for score, _, negative_id in scored]
