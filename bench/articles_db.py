"""The cached article databases of the benchmarks: generated articles inserted in bulk through
the real schema (every migration, or those before issue 13 for the size baseline), and what they
are made of.

    bench/out/articles-N.db           the current schema (bench_storage.py, bench_commands.py)
    bench/out/articles-old0007-N.db   the schema of migration 0007: plain unicode61 FTS, no terms

Each has a ``.done`` marker recording the corpus, schema (last migration) and analysis versions
it was built with; a database built with others is built again.
"""

from __future__ import annotations

import asyncio
import functools
import json
import multiprocessing
import os
import resource
import sqlite3
import sys
import time
from collections import deque
from contextlib import closing
from datetime import timedelta
from multiprocessing.pool import AsyncResult
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from pages import CHUNK, CORPUS_VERSION, FIRST_DAY, PER_PAGE, Corpus  # noqa: E402

from bot.newsroom.tags import tag_bits  # noqa: E402
from storage import Store  # noqa: E402
from storage.analysis import ANALYSIS_VERSION  # noqa: E402
from storage.articles import fingerprint  # noqa: E402
from storage.database import bundled_migrations, connect, migrate  # noqa: E402
from storage.search_index import terms_of  # noqa: E402

OUT = ROOT / "bench" / "out"
BUILD_CHUNK = 20_000  # articles a transaction of the bulk build
PROGRESS_EVERY = 5.0  # seconds between two progress lines of a build
CURRENT, OLD = "current", "old"  # every migration, or the schema before issue 13
OLD_SCHEMA = 7  # the last migration before the search terms (0008)


Row = tuple[object, ...]


@functools.cache
def _corpus(size: int) -> Corpus:
    """The corpus of ``size`` articles, made once per process."""
    return Corpus(size)


def _start_worker(size: int) -> None:
    """A builder's worker: its corpus made before the first chunk is asked for."""
    _corpus(size)


def chunk_rows(size: int, number: int, schema: str) -> list[Row]:
    """The rows of chunk ``number`` of the corpus as the schema stores them: for the current
    one with the search terms and tags that ingest computes (``analyse`` in
    bot/newsroom/reading.py), for the old one (migration 0007) without."""
    rows: list[Row] = []
    for offset, article in enumerate(_corpus(size).chunk(number)):
        day = FIRST_DAY + timedelta(days=(number * CHUNK + offset) // PER_PAGE)
        row: Row = (article.title, article.body, article.truncated, "bench", day.isoformat())
        row += (fingerprint(article.title),)
        if schema == CURRENT:
            row += (*terms_of(article.title, article.body), tag_bits(article.title, article.body))
        rows.append(row)
    return rows


def build(size: int, path: Path, schema: str) -> dict[str, object]:
    """A database of ``size`` generated articles inserted in bulk through the real schema and
    triggers (every migration, or those up to 0007 for the old schema); what it was built as.

    The articles are made and analysed in worker processes, one per CPU, and written by this
    one in transactions of ``BUILD_CHUNK``; ``synchronous = OFF`` for the build only. The FTS5
    index keeps the settings the migrations gave it (automerge 8) and gets no 'optimize': the
    real database never runs one, so its segments are as incremental writes leave them.
    """
    building = path.with_name(path.name + ".building")
    for leftover in path.parent.glob(building.name + "*"):
        leftover.unlink()
    version = asyncio.run(_migrate(building, schema))
    connection = sqlite3.connect(building, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -400000")
    columns = "title, body, truncated, source, seen_on, fingerprint"
    if schema == CURRENT:
        columns += ", title_terms, body_terms, tags"
    marks = ", ".join("?" * len(columns.split(", ")))
    insert = f"INSERT OR IGNORE INTO articles ({columns}) VALUES ({marks})"
    workers = os.cpu_count() or 1
    wall, cpu, last_line = time.perf_counter(), time.process_time(), 0.0
    workers_cpu = _children_cpu()
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_start_worker, initargs=(size,)) as pool:
        numbers = iter(range(-(-size // CHUNK)))
        pending: deque[AsyncResult[list[Row]]] = deque()
        written = in_transaction = 0
        connection.execute("BEGIN")
        while True:
            # A few chunks ahead per worker: enough to keep them busy, not the whole corpus.
            while len(pending) < 8 * workers and (number := next(numbers, None)) is not None:
                pending.append(pool.apply_async(chunk_rows, (size, number, schema)))
            if not pending:
                break
            rows = pending.popleft().get()
            connection.executemany(insert, rows)
            written += len(rows)
            in_transaction += len(rows)
            if in_transaction >= BUILD_CHUNK:
                connection.execute("COMMIT")
                connection.execute("BEGIN")
                in_transaction = 0
            elapsed = time.perf_counter() - wall
            if elapsed - last_line >= PROGRESS_EVERY or written == size:
                last_line = elapsed
                left = (size - written) / (written / elapsed)
                print(
                    f"\r  building {path.name}: {written:,} of {size:,} articles, "
                    f"{written / elapsed:,.0f}/s, {left:.0f} s left   ",
                    end="",
                    file=sys.stderr,
                )
        connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    connection.close()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    workers_cpu = _children_cpu() - workers_cpu
    print(
        f"\n  built in {wall:.0f} s: {cpu:.0f} s CPU of the writer, {workers_cpu:.0f} s of the "
        f"{workers} workers",
        file=sys.stderr,
    )
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    building.rename(path)
    return _identity(schema, version) | {
        "stored": stored,
        "wall s": round(wall),
        "writer cpu s": round(cpu),
        "workers cpu s": round(workers_cpu),
    }


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _identity(schema: str, version: int) -> dict[str, object]:
    """What a cached database must match to be used: the corpus, schema and analysis versions."""
    analysis = ANALYSIS_VERSION if schema == CURRENT else None
    return {"corpus": CORPUS_VERSION, "schema": version, "analysis": analysis}


def _latest_schema(schema: str) -> int:
    return OLD_SCHEMA if schema == OLD else bundled_migrations()[-1].version


async def _migrate(path: Path, schema: str) -> int:
    """Bring a new database at ``path`` to the schema (the real migrations); its version."""
    if schema == CURRENT:
        store = await Store.open(path)  # as the bot opens it: every migration, the reindex
        await store.close()
    else:
        connection = await connect(path)
        try:
            await migrate(connection, bundled_migrations()[:OLD_SCHEMA])
        finally:
            await connection.close()
    return _latest_schema(schema)


def database_for(
    size: int, rebuild: bool, schema: str = CURRENT
) -> tuple[Path, dict[str, object]]:
    """The cached database of ``size`` articles in the schema, built if need be (or if built
    for another corpus, schema or analysis version); what its marker records."""
    name = f"articles-{size}" if schema == CURRENT else f"articles-old{OLD_SCHEMA:04d}-{size}"
    path = OUT / f"{name}.db"
    marker = path.with_suffix(".done")
    wanted = _identity(schema, _latest_schema(schema))
    try:
        recorded = json.loads(marker.read_text())
    except (OSError, ValueError):
        recorded = {}
    if (
        rebuild
        or not isinstance(recorded, dict)
        or any(recorded.get(key) != value for key, value in wanted.items())
    ):
        marker.unlink(missing_ok=True)
        recorded = build(size, path, schema)
        marker.write_text(json.dumps(recorded))
    return path, recorded


def size_of(path: Path) -> int:
    """Bytes of the database and its WAL."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def composition(path: Path) -> dict[str, float]:
    """The articles, and the bytes of their table, of the search index and of the rest (SQLite's
    dbstat)."""
    parts = {"table": 0.0, "search index": 0.0, "other": 0.0}
    with closing(sqlite3.connect(path)) as connection:
        parts["articles"] = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        for name, size in connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            part = "table" if name == "articles" else "other"
            parts["search index" if name.startswith("articles_fts") else part] += size
    return parts


def vocabulary(path: Path) -> float:
    """Distinct terms of the search index."""
    with closing(sqlite3.connect(path)) as connection:
        return float(connection.execute("SELECT count(*) FROM articles_vocab").fetchone()[0])
