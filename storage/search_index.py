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
import math
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

import aiosqlite

from storage.analysis import (
    ANALYSIS_VERSION,
    QueryTerm,
    any_phrase_match,
    any_phrase_tsquery,
    fts_match,
    index_terms,
    ts_query,
)
from storage.database import Database, Dialect, Row

logger = logging.getLogger(__name__)

BATCH = 2_000  # articles analysed per transaction
PROGRESS_EVERY = 10.0  # seconds between two progress lines
_VOCABULARY_MISSING = (
    "SELECT NOT EXISTS (SELECT 1 FROM search_terms) AND EXISTS (SELECT 1 FROM articles)"
)


TOP = 2**63 - 1  # above every article id
# PostgreSQL's steering (``PostgresFullText.newest``): the first walk reads this many ids per
# match wanted (at least ``FIRST_WALK``); a match read from a bitmap costs about as much as
# ``BITMAP_COST`` ids walked (1M generated articles: ~1 µs an id walked, ~2 µs a match).
WALK_PER_WANTED = 4
FIRST_WALK = 500
BITMAP_COST = 2.0
# Counting (no order): an id walked costs ``WALK_ROW_COST`` matches read from a bitmap, which
# costs ``POSTING_COST`` of one for each of the words' postings it reads first (articles of the
# benchmark's corpus: ~4 µs an id walked, its terms read; ~0.1 µs a posting).
WALK_ROW_COST = 4.0
POSTING_COST = 0.1


class FullText(ABC):
    """One backend's full-text index: a query's text, its newest matches, whether any, how
    many. A query's words are every one required, each in any of its stems (``fts_match``)."""

    @abstractmethod
    def query(self, terms: list[QueryTerm]) -> str | None:
        """The query finding the articles holding every one of ``terms``; None without any."""

    @abstractmethod
    def any_phrase(self, phrases: list[str]) -> str | None:
        """The query finding the articles holding every term of any of ``phrases``."""

    @abstractmethod
    async def newest(
        self, db: Database, query: str, wanted: int, columns: str, below: int = TOP
    ) -> list[Row]:
        """``columns`` of the ``wanted`` newest articles matching (by id, below ``below``),
        newest first."""

    @abstractmethod
    async def count(self, db: Database, query: str, cap: int, newest: Sequence[int] = ()) -> int:
        """How many articles match, counted up to ``cap``; ``newest``: the ids of the newest
        matches, when read already."""

    async def exists(self, db: Database, query: str) -> bool:
        """Whether any article matches."""
        return await self.count(db, query, 1) > 0

    async def spans(
        self, db: Database, queries: Sequence[str], cap: int
    ) -> tuple[int, list[tuple[int, int | None]]]:
        """The newest article's id, and for each query its newest matches (at most ``cap``):
        how many, and the oldest one's id."""
        spans: list[tuple[int, int | None]] = []
        for query in queries:
            ids = [row[0] for row in await self.newest(db, query, cap, "id")]
            spans.append((len(ids), min(ids, default=None)))
        last = await db.fetch_value("SELECT coalesce(max(id), 0) FROM articles")
        return int(last), spans


class SqliteFullText(FullText):
    """FTS5 (``articles_fts``, ``detail = none``): the newest matches walk its lists back."""

    def query(self, terms: list[QueryTerm]) -> str | None:
        return fts_match(terms, None)  # every column: the index keeps no column details

    def any_phrase(self, phrases: list[str]) -> str | None:
        return any_phrase_match(phrases)

    async def newest(
        self, db: Database, query: str, wanted: int, columns: str, below: int = TOP
    ) -> list[Row]:
        # The LIMIT inside: FTS5 then walks back from ``below`` and stops at ``wanted``, where
        # a LIMIT outside had it list every older match.
        return list(
            await db.fetch_all(
                f"SELECT {columns} FROM articles WHERE id IN (SELECT rowid FROM articles_fts "
                "WHERE articles_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?) "
                "ORDER BY id DESC",
                (query, below, wanted),
            )
        )

    async def count(self, db: Database, query: str, cap: int, newest: Sequence[int] = ()) -> int:
        return int(
            await db.fetch_value(
                "SELECT count(*) FROM (SELECT rowid FROM articles_fts "
                "WHERE articles_fts MATCH ? LIMIT ?)",
                (query, cap),
            )
        )

    async def spans(
        self, db: Database, queries: Sequence[str], cap: int
    ) -> tuple[int, list[tuple[int, int | None]]]:
        # One statement: FTS5 stops at each query's newest ``cap`` matches.
        per_query = " UNION ALL ".join(
            f"SELECT {number}, count(*), min(rowid) FROM (SELECT rowid FROM articles_fts "
            f"WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT {int(cap)})"
            for number in range(len(queries))
        )
        rows = await db.fetch_all(
            f"SELECT -1, 0, max(id) FROM articles UNION ALL {per_query}", list(queries)
        )
        stats = {row[0]: (int(row[1]), row[2]) for row in rows}
        return int(stats[-1][1] or 0), [stats[number] for number in range(len(queries))]


class PostgresFullText(FullText):
    """A GIN index over the ``terms`` tsvector (the same terms, 'simple' configuration). The
    newest matches are read from the newest ids down, a walk whose cost is its length, while
    the matches come often enough; else from the index's bitmap, whose cost is the number of
    matches (the functions of migration 0001, each with its plan forced)."""

    def query(self, terms: list[QueryTerm]) -> str | None:
        return ts_query(terms)

    def any_phrase(self, phrases: list[str]) -> str | None:
        return any_phrase_tsquery(phrases)

    async def newest(
        self, db: Database, query: str, wanted: int, columns: str, below: int = TOP
    ) -> list[Row]:
        found: list[Row] = []
        top = await db.fetch_value("SELECT max(id) FROM articles WHERE id < ?", (below,))
        walk, walked = max(FIRST_WALK, WALK_PER_WANTED * wanted), 0
        while top is not None and top > 0 and len(found) < wanted:
            found += await db.fetch_all(
                f"SELECT {columns} FROM articles WHERE id IN "
                "(SELECT search_walk(?::tsquery, ?, ?, ?)) ORDER BY id DESC",
                (query, top, walk, wanted - len(found)),
            )
            top, walked = top - walk, walked + walk
            missing = wanted - len(found)
            if missing <= 0 or top <= 0:
                break
            next_walk = _next_walk(len(found), walked, missing, top)
            if next_walk is None:
                found += await db.fetch_all(
                    f"SELECT {columns} FROM articles WHERE id IN "
                    "(SELECT search_bitmap(?::tsquery, ?, ?)) ORDER BY id DESC",
                    (query, top, missing),
                )
                break
            walk = next_walk
        return found

    async def count(self, db: Database, query: str, cap: int, newest: Sequence[int] = ()) -> int:
        top = await db.fetch_value("SELECT max(id) FROM articles")
        if top is None:
            return 0
        if newest and len(newest) < cap:
            # The newest matches tell how dense they are: walk on below them while that costs
            # less than the bitmap of them all (the bitmap needs no walk: a count, no order).
            oldest, density = min(newest), len(newest) / max(top - min(newest) + 1, 1)
            missing = cap - len(newest)
            walk = missing / density * WALK_ROW_COST
            bitmap = density * oldest * POSTING_COST + missing
            sql = (
                "SELECT count(*) FROM search_walk(?::tsquery, ?, ?, ?)"
                if walk < bitmap
                else "SELECT search_bitmap_count(?::tsquery, ?, ?)"
            )
            params = (
                (query, oldest - 1, oldest, missing)
                if walk < bitmap
                else (query, oldest - 1, missing)
            )
            return len(newest) + int(await db.fetch_value(sql, params))
        walk = max(FIRST_WALK, WALK_PER_WANTED * cap)
        found = int(
            await db.fetch_value(
                "SELECT count(*) FROM search_walk(?::tsquery, ?, ?, ?)", (query, top, walk, cap)
            )
        )
        if found >= cap or top - walk <= 0:
            return found
        return found + int(
            await db.fetch_value(
                "SELECT search_bitmap_count(?::tsquery, ?, ?)", (query, top - walk, cap - found)
            )
        )


def _next_walk(found: int, walked: int, missing: int, left: int) -> int | None:
    """How many more ids to walk for ``missing`` matches, when ``found`` came in the ``walked``
    newest; None when reading the bitmap of every match of the ``left`` older ids costs less
    (the walk: an id each; the bitmap: ``BITMAP_COST`` a match, as dense as they were)."""
    if not found:
        return None
    density = found / walked
    if missing / density > BITMAP_COST * density * left:
        return None
    return min(left, math.ceil(2 * missing / density))


FULL_TEXT: dict[Dialect, FullText] = {
    Dialect.SQLITE: SqliteFullText(),
    Dialect.POSTGRES: PostgresFullText(),
}


def terms_of(title: str, body: str) -> tuple[str, str]:
    """The ``title_terms`` and ``body_terms`` of an article."""
    return index_terms(title), index_terms(body)


# WHERE true: SQLite reads an ON right after a FROM as a join's.
_REMEMBER = (
    "INSERT INTO search_terms (term) SELECT value FROM json_each(?) WHERE true "
    "ON CONFLICT DO NOTHING"
)


async def remember(db: Database, terms: Iterable[str], listed: Iterable[str] = ()) -> None:
    """Add the distinct terms of these ``title_terms``/``body_terms`` values, and the terms
    ``listed`` one by one, to the vocabulary in one statement (sorted: the table's pages are
    then met in order)."""
    distinct = _distinct(terms, listed)
    if distinct:
        await db.execute(_REMEMBER, (json.dumps(distinct),))


def _distinct(terms: Iterable[str], listed: Iterable[str] = ()) -> list[str]:
    distinct = set(listed)
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


_REINDEXING = 0x73726368  # "srch": replicas opening at once take turns at each batch


async def reindex_postgres(db: Database, *, batch: int | None = None) -> int:
    """``reindex`` on PostgreSQL: the tsvector is a column generated from the terms, so writing
    an article's terms indexes it, and there is no index to rebuild. Each batch is a
    transaction holding an advisory lock: replicas opening together share the batches."""
    async with db.transaction():
        await db.serialise(_REINDEXING)
        state = await db.fetch_one("SELECT analysis, backfilling FROM search_index")
        if state is None:
            raise RuntimeError("search_index has no row: migration 0001 was not applied")
        if (state[0], state[1]) == (ANALYSIS_VERSION, 0):
            await db.execute(
                "INSERT INTO search_terms (term) SELECT DISTINCT term FROM articles, "
                "unnest(tsvector_to_array(terms)) AS term "
                f"WHERE ({_VOCABULARY_MISSING}) ON CONFLICT DO NOTHING"
            )
            return 0
        if state[0] != ANALYSIS_VERSION:
            await db.execute(
                "UPDATE search_index SET analysis = ?, backfilling = 1, done_to = 0",
                (ANALYSIS_VERSION,),
            )
            await db.execute("DELETE FROM search_terms")  # the other analysis's terms
    done = 0
    while True:
        async with db.transaction():
            await db.serialise(_REINDEXING)
            rows = await db.fetch_all(
                "SELECT id, title, body FROM articles "
                "WHERE id > (SELECT done_to FROM search_index) ORDER BY id LIMIT ?",
                (batch or BATCH,),
            )
            updates = [(*terms_of(row[1], row[2]), row[0]) for row in rows]
            if not updates:
                await db.execute("UPDATE search_index SET backfilling = 0")
                return done
            await db.execute_many(
                "UPDATE articles SET title_terms = ?, body_terms = ? WHERE id = ?", updates
            )
            await remember(db, (terms for update in updates for terms in update[:2]))
            await db.execute("UPDATE search_index SET done_to = ?", (updates[-1][2],))
        done += len(updates)
        logger.info("search index: %d articles analysed", done)
