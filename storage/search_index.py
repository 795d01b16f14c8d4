"""The search terms of articles: computed when one is written, and filled in for old ones.

The terms come from Python (storage/analysis.py), so whoever writes an article's title or body
writes its ``title_terms`` and ``body_terms`` in the same statement (``terms_of``); SQL triggers
copy them into the index. A database whose terms were made by another analysis version (or by
none: just migrated) is brought up to date at open by ``reindex``: the terms are filled in in
batches, each its own transaction, with a progress line for large databases, and the index is
then rebuilt whole. A backfill cut short resumes where it stopped.
"""

from __future__ import annotations

import logging
import time

import aiosqlite

from storage.analysis import ANALYSIS_VERSION, index_terms

logger = logging.getLogger(__name__)

BATCH = 2_000  # articles analysed per transaction
PROGRESS_EVERY = 10.0  # seconds between two progress lines


def terms_of(title: str, body: str) -> tuple[str, str]:
    """The ``title_terms`` and ``body_terms`` of an article."""
    return index_terms(title), index_terms(body)


async def reindex(connection: aiosqlite.Connection, *, batch: int | None = None) -> int:
    """Bring every article's terms and the index to ``ANALYSIS_VERSION`` (``batch`` articles a
    transaction); how many articles were analysed."""
    state = await _state(connection)
    if state == (ANALYSIS_VERSION, 0):
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
    await connection.execute("COMMIT")


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
            await connection.execute("UPDATE search_index SET done_to = ?", (updates[-1][2],))
    except BaseException:
        await connection.execute("ROLLBACK")
        raise
    await connection.execute("COMMIT")
    return len(updates)
