"""The search terms of articles: computed when one is written, and filled in for old ones.

The terms come from Python (storage/analysis.py), so whoever writes an article's title or body
writes its ``title_terms`` and ``body_terms`` in the same statement (``terms_of``); SQL triggers
copy them into the index. A database whose terms were made by another analysis version (or by
none: just migrated) is brought up to date at open by ``reindex``: the terms are filled in in
batches, each its own transaction, with a progress line for large databases, and the index is
then rebuilt whole. A backfill cut short resumes where it stopped.

The index's vocabulary is kept in a plain table too (``search_terms``, migration 0019), where
suggestions and prefix expansions range-read it: FTS5's own (``articles_vocab``) walks every
posting of the terms it lists. Whoever writes terms adds a batch's distinct ones in one
statement (``remember``); terms an edit or a deletion leaves stay, and readers check by MATCH.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable

import aiosqlite

from storage.analysis import ANALYSIS_VERSION, index_terms
from storage.database import Database

logger = logging.getLogger(__name__)

BATCH = 2_000  # articles analysed per transaction
PROGRESS_EVERY = 10.0  # seconds between two progress lines
_VOCABULARY_MISSING = (
    "SELECT NOT EXISTS (SELECT 1 FROM search_terms) AND EXISTS (SELECT 1 FROM articles)"
)


def terms_of(title: str, body: str) -> tuple[str, str]:
    """The ``title_terms`` and ``body_terms`` of an article."""
    return index_terms(title), index_terms(body)


# WHERE true: SQLite reads an ON right after a FROM as a join's.
_REMEMBER = (
    "INSERT INTO search_terms (term) SELECT value FROM json_each(?) WHERE true "
    "ON CONFLICT DO NOTHING"
)


async def remember(db: Database, terms: Iterable[str]) -> None:
    """Add the distinct terms of these ``title_terms``/``body_terms`` values to the vocabulary,
    in one statement (sorted: the table's pages are then met in order)."""
    distinct = _distinct(terms)
    if distinct:
        await db.execute(_REMEMBER, (json.dumps(distinct),))


def _distinct(terms: Iterable[str]) -> list[str]:
    distinct: set[str] = set()
    for text in terms:
        distinct.update(text.split())
    return sorted(distinct)


async def reindex(connection: aiosqlite.Connection, *, batch: int | None = None) -> int:
    """Bring every article's terms and the index to ``ANALYSIS_VERSION`` (``batch`` articles a
    transaction); how many articles were analysed."""
    state = await _state(connection)
    if state == (ANALYSIS_VERSION, 0):
        await _fill_vocabulary(connection)
        return 0
    await _start(connection, resume=state == (ANALYSIS_VERSION, 1))
    total = await _value(connection, "SELECT count(*) FROM articles")
    done = 0
    started = last_line = time.monotonic()
    while True:
        changed = await _batch(connection, batch or BATCH)
        if not changed:
            break
        done += changed
        if time.monotonic() - last_line >= PROGRESS_EVERY:
            last_line = time.monotonic()
            logger.info("search index: %d of %d articles analysed", done, total)
    await connection.execute("BEGIN IMMEDIATE")
    try:
        await connection.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        await connection.execute("UPDATE search_index SET backfilling = 0")
    except BaseException:
        await connection.execute("ROLLBACK")
        raise
    await connection.execute("COMMIT")
    if total >= (batch or BATCH):
        logger.info(
            "search index: %d articles analysed and indexed in %.0f s",
            done,
            time.monotonic() - started,
        )
    return done


async def _state(connection: aiosqlite.Connection) -> tuple[str, int]:
    async with connection.execute("SELECT analysis, backfilling FROM search_index") as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise RuntimeError("search_index has no row: migration 0008 was not applied")
    return str(row[0]), int(row[1])


async def _value(connection: aiosqlite.Connection, sql: str) -> int:
    async with connection.execute(sql) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _start(connection: aiosqlite.Connection, *, resume: bool) -> None:
    """Stop the triggers and aim at this version: from the start, or where it stopped."""
    if resume:
        return
    await connection.execute("BEGIN IMMEDIATE")
    await connection.execute(
        "UPDATE search_index SET analysis = ?, backfilling = 1, done_to = 0", (ANALYSIS_VERSION,)
    )
    await connection.execute("DELETE FROM search_terms")  # the other analysis's terms
    await connection.execute("COMMIT")


async def _fill_vocabulary(connection: aiosqlite.Connection) -> None:
    """Fill an empty vocabulary of a database with articles from the index: one written around
    the repositories (the benchmarks' bulk build inserts rows as they are)."""
    if not await _value(connection, _VOCABULARY_MISSING):
        return
    articles = await _value(connection, "SELECT max(id) FROM articles")  # about as many
    if articles >= BATCH:
        logger.info("search index: listing the vocabulary of ~%d articles, once", articles)
    started = time.monotonic()
    await connection.execute("BEGIN IMMEDIATE")
    try:  # checked again under the lock: another process may have filled it meanwhile
        await connection.execute(
            "INSERT INTO search_terms (term) SELECT term FROM articles_vocab "
            f"WHERE ({_VOCABULARY_MISSING})"
        )
    except BaseException:
        await connection.execute("ROLLBACK")
        raise
    await connection.execute("COMMIT")
    if articles >= BATCH:
        logger.info("search index: vocabulary listed in %.0f s", time.monotonic() - started)


async def _batch(connection: aiosqlite.Connection, size: int) -> int:
    """Analyse the next ``size`` articles in one transaction; how many there were."""
    await connection.execute("BEGIN IMMEDIATE")
    try:
        rows = await connection.execute_fetchall(
            "SELECT id, title, body FROM articles "
            "WHERE id > (SELECT done_to FROM search_index) ORDER BY id LIMIT ?",
            (size,),
        )
        updates = [(*terms_of(title, body), article_id) for article_id, title, body in rows]
        if updates:
            await connection.executemany(
                "UPDATE articles SET title_terms = ?, body_terms = ? WHERE id = ?", updates
            )
            distinct = _distinct(terms for update in updates for terms in update[:2])
            await connection.execute(_REMEMBER, (json.dumps(distinct),))
            await connection.execute("UPDATE search_index SET done_to = ?", (updates[-1][2],))
    except BaseException:
        await connection.execute("ROLLBACK")
        raise
    await connection.execute("COMMIT")
    return len(updates)
