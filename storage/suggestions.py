"""Did you mean …? A close word from the index's own vocabulary for a word that finds nothing.

The index holds terms (``festiv``), not words, so a suggestion is found in two steps: the term
of the index's vocabulary (the ``search_terms`` table, migration 0019) closest to the typed
word's term, by rapidfuzz's ratio among the terms with the same first three letters (else two);
then the word of the newest articles holding that term closest to what was typed (so
``fesival`` → ``festival`` and ``фестевали`` → ``фестивали``, each in its own alphabet).

The vocabulary may still list a term that only a deleted or edited article held: a term is
taken only once the index finds articles holding it, else the next closest is tried.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from rapidfuzz import fuzz, process

from storage.analysis import QueryTerm, analysed, query_terms, words_of
from storage.database import Database, Dialect
from storage.search_index import FULL_TEXT

MIN_SCORE = 75.0  # rapidfuzz ratio (0-100) of a term close enough to suggest
MIN_LENGTH = 3  # shorter words are not corrected
SAMPLE_ARTICLES = 8  # newest articles holding the term, where its written forms are taken
VOCABULARY_PREFIXES = (3, 2)  # first letters a close term shares with the typed one, in turn
ANY_LENGTH = 1 << 30
MAX_LENGTH_CHANGE = 2  # letters a close term has more or fewer than the typed one
CLOSE_TERMS = 5  # the closest terms tried in turn (one may be held by no article any more)

# The vocabulary's terms in one row (SQLite's group_concat is PostgreSQL's string_agg).
_VOCABULARY = {
    dialect: f"SELECT {joined} FROM (SELECT term FROM search_terms "
    "WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ? ORDER BY term LIMIT ?) AS terms"
    for dialect, joined in (
        (Dialect.SQLITE, "group_concat(term, ' ')"),
        (Dialect.POSTGRES, "string_agg(term, ' ' ORDER BY term)"),
    )
}


async def vocabulary(
    db: Database, start: str, limit: int = -1, lengths: tuple[int, int] = (0, ANY_LENGTH)
) -> tuple[str, ...]:
    """The first ``limit`` terms of the index's vocabulary (all: -1) that begin with ``start``,
    in order, of ``lengths`` letters (from, to); some may be held by no article any more (see
    the module's note)."""
    # One row of the terms joined, rather than a row each: thousands of rows (``zha`` at 1M
    # generated articles) cost more to make in Python than to read.
    joined = await db.fetch_value(
        _VOCABULARY[db.dialect],
        (
            start,
            start[:-1] + chr(ord(start[-1]) + 1),
            *lengths,
            ANY_LENGTH if limit < 0 else limit,
        ),
    )
    return tuple(joined.split()) if joined else ()


async def suggest(db: Database, words: str) -> str | None:
    """``words`` with each word that finds nothing replaced by a close one from the index's
    vocabulary; None if none is."""
    changed = False
    out = []
    for term in query_terms(words):
        if term.prefix or await _found(db, term):
            out.append(term.word + ("*" if term.prefix else ""))
            continue
        replacement = await _closest_word(db, term)
        if replacement is None:
            return None
        out.append(replacement)
        changed = True
    return " ".join(out) if changed else None


async def _found(db: Database, term: QueryTerm) -> bool:
    """Whether any article holds the word."""
    full_text = FULL_TEXT[db.dialect]
    query = full_text.query([term])
    return query is not None and await full_text.exists(db, query)


async def _close_terms(db: Database, typed: str) -> AsyncIterator[str]:
    """The index's terms closest to ``typed``, best first, among those sharing its first three
    letters, then among those sharing its first two (the whole vocabulary would be too many to
    compare); read only as far as the caller goes."""
    tried: set[str] = set()
    for shared in VOCABULARY_PREFIXES:
        if len(typed) <= shared:
            continue
        # Only terms of about the typed length (in SQL: a range holds many more, ~14,000 for
        # ``zha`` at 1M generated articles, and each row made in Python costs).
        lengths = (len(typed) - MAX_LENGTH_CHANGE, len(typed) + MAX_LENGTH_CHANGE)
        terms = await vocabulary(db, typed[:shared], lengths=lengths)
        close = [known for known in terms if known not in tried]
        best = process.extract(
            typed, close, scorer=fuzz.ratio, score_cutoff=MIN_SCORE, limit=CLOSE_TERMS
        )
        for found in best:
            tried.add(found[0])
            yield str(found[0])


async def _closest_word(db: Database, term: QueryTerm) -> str | None:
    """The written word of the index closest to ``term``, or None."""
    typed = term.stems[0]
    if len(term.word) < MIN_LENGTH or not typed.isascii():
        return None
    async for stem in _close_terms(db, typed):
        found = await _written_word(db, term, stem)
        if found is not None:
            return found
    return None


async def _written_word(db: Database, term: QueryTerm, stem: str) -> str | None:
    """The word of the newest articles holding ``stem`` closest to ``term`` as typed; None if
    no article holds it (any more)."""
    full_text = FULL_TEXT[db.dialect]
    query = full_text.query([QueryTerm(stem, stem, (stem,), False)])
    if query is None:
        return None
    rows = await full_text.newest(db, query, SAMPLE_ARTICLES, "title, body")
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
