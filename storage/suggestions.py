"""Did you mean …? A close word from the index's own vocabulary for a word that finds nothing.

The index holds terms (``festiv``), not words, so a suggestion is found in two steps: the term
of FTS5's vocabulary (the ``articles_vocab`` table) closest to the typed word's term, by
rapidfuzz's ratio among the terms with the same first two letters; then the word of the newest
articles holding that term closest to what was typed (so ``fesival`` → ``festival`` and
``фестевали`` → ``фестивали``, each in its own alphabet).
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from storage.analysis import QueryTerm, fts_match, query_terms, word_terms, words_of
from storage.database import Database

MIN_SCORE = 75.0  # rapidfuzz ratio (0-100) of a term close enough to suggest
MIN_LENGTH = 3  # shorter words are not corrected
SAMPLE_ARTICLES = 20  # newest articles holding the term, where its written forms are taken
VOCABULARY_PREFIX = 2  # first letters a close term shares with the typed one (typos come later)


async def suggest(db: Database, words: str, columns: tuple[str, ...] | None) -> str | None:
    """``words`` with each word that finds nothing replaced by a close one; None if none is."""
    changed = False
    out = []
    for term in query_terms(words):
        if term.prefix or await _found(db, term, columns):
            out.append(term.word + ("*" if term.prefix else ""))
            continue
        replacement = await _closest_word(db, term, columns)
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


async def _closest_word(
    db: Database, term: QueryTerm, columns: tuple[str, ...] | None
) -> str | None:
    """The written word of the index closest to ``term``, or None."""
    typed = term.stems[0]
    if len(term.word) < MIN_LENGTH or not typed.isascii():
        return None
    # Terms starting with the same two letters: reading the whole vocabulary costs too much.
    start = typed[:VOCABULARY_PREFIX]
    rows = await db.fetch_all(
        "SELECT term FROM articles_vocab WHERE term >= ? AND term < ?",
        (start, start[:-1] + chr(ord(start[-1]) + 1)),
    )
    vocabulary = [row[0] for row in rows if abs(len(row[0]) - len(typed)) <= 2]
    best = process.extractOne(typed, vocabulary, scorer=fuzz.ratio, score_cutoff=MIN_SCORE)
    if best is None:
        return None
    stem = best[0]
    rows = await db.fetch_all(
        "SELECT title, body FROM articles WHERE id IN (SELECT rowid FROM articles_fts "
        "WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?)",
        (fts_match([QueryTerm(stem, stem, (stem,), False)], columns), SAMPLE_ARTICLES),
    )
    forms = {
        word.group().lower()
        for row in rows
        for text in (row["title"], row["body"])
        for word in words_of(text)
        if stem in word_terms(word.group())
    }
    written = process.extractOne(term.word.lower(), sorted(forms), scorer=fuzz.ratio)
    if written is None:
        return None
    return str(written[0]).capitalize() if term.word[:1].isupper() else str(written[0])
