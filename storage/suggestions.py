"""Did you mean …? A close word from the index's own vocabulary for a word that finds nothing.

The index holds terms (``festiv``), not words, so a suggestion is found in two steps: the term
of FTS5's vocabulary (the ``articles_vocab`` table) closest to the typed word's term, by
rapidfuzz's ratio among the terms with the same first three letters (else two); then the word
of the newest articles holding that term closest to what was typed (so ``fesival`` →
``festival`` and ``фестевали`` → ``фестивали``, each in its own alphabet).

Reading the terms of two first letters costs as much as their postings (fts5vocab counts them:
24 ms for ``ka`` at 100k generated articles), so the caller hands in ``Vocabulary``, which keeps
what it read while no article changes (storage/search.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rapidfuzz import fuzz, process

from storage.analysis import QueryTerm, analysed, fts_match, query_terms, words_of
from storage.database import Database

MIN_SCORE = 75.0  # rapidfuzz ratio (0-100) of a term close enough to suggest
MIN_LENGTH = 3  # shorter words are not corrected
SAMPLE_ARTICLES = 20  # newest articles holding the term, where its written forms are taken
VOCABULARY_PREFIXES = (3, 2)  # first letters a close term shares with the typed one, in turn

Vocabulary = Callable[[str], Awaitable[tuple[str, ...]]]  # the index's terms with a given start


async def vocabulary(db: Database, start: str, limit: int = -1) -> tuple[str, ...]:
    """The first ``limit`` terms of the index (all: -1) that begin with ``start``, in order."""
    rows = await db.fetch_all(
        "SELECT term FROM articles_vocab WHERE term >= ? AND term < ? LIMIT ?",
        (start, start[:-1] + chr(ord(start[-1]) + 1), limit),
    )
    return tuple(row[0] for row in rows)


async def suggest(
    db: Database, words: str, columns: tuple[str, ...] | None, terms_from: Vocabulary
) -> str | None:
    """``words`` with each word that finds nothing replaced by a close one (from the terms
    ``terms_from`` gives); None if none is."""
    changed = False
    out = []
    for term in query_terms(words):
        if term.prefix or await _found(db, term, columns):
            out.append(term.word + ("*" if term.prefix else ""))
            continue
        replacement = await _closest_word(db, term, columns, terms_from)
        if replacement is None:
            return None
        out.append(replacement)
        changed = True
    return " ".join(out) if changed else None


async def _found(db: Database, term: QueryTerm, columns: tuple[str, ...] | None) -> bool:
    """Whether any article holds the word."""
    row = await db.fetch_one(
        "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1",
        (fts_match([term], columns),),
    )
    return row is not None


async def _closest_term(typed: str, terms_from: Vocabulary) -> str | None:
    """The index's term closest to ``typed`` among those sharing its first three letters, else
    its first two (reading the whole vocabulary costs too much; the terms of two letters can
    cost ten times those of three: ``ka`` 24 ms, ``kar`` 4 ms at 100k generated articles)."""
    for shared in VOCABULARY_PREFIXES:
        if len(typed) <= shared:
            continue
        terms = await terms_from(typed[:shared])
        close = [known for known in terms if abs(len(known) - len(typed)) <= 2]
        best = process.extractOne(typed, close, scorer=fuzz.ratio, score_cutoff=MIN_SCORE)
        if best is not None:
            return str(best[0])
    return None


async def _closest_word(
    db: Database, term: QueryTerm, columns: tuple[str, ...] | None, terms_from: Vocabulary
) -> str | None:
    """The written word of the index closest to ``term``, or None."""
    typed = term.stems[0]
    if len(term.word) < MIN_LENGTH or not typed.isascii():
        return None
    stem = await _closest_term(typed, terms_from)
    if stem is None:
        return None
    rows = await db.fetch_all(
        "SELECT title, body FROM articles WHERE id IN (SELECT rowid FROM articles_fts "
        "WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?)",
        (fts_match([QueryTerm(stem, stem, (stem,), False)], columns), SAMPLE_ARTICLES),
    )
    seen = sorted(
        {word.group().lower() for row in rows for word in words_of(f"{row[0]}\n{row[1]}")}
    )
    # The closest written word that holds the term: words by closeness (rapidfuzz, in C), then
    # analysed in that order until one holds it, rather than analysing every word first.
    typed_word = term.word.lower()
    by_closeness = process.extract(typed_word, seen, scorer=fuzz.ratio, limit=None)
    for word, _, _ in sorted(by_closeness, key=lambda found: (-found[1], found[2])):
        if stem in analysed(word):
            return word.capitalize() if term.word[:1].isupper() else word
    return None
