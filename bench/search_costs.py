"""Where a search's time goes: each SQL statement of ``Search.find`` (and of the suggestion, for
words with no match) timed alone, with its query plan, and the size of the index's lists the
words read.

    python bench/search_costs.py bench/out/articles-1000000.db "the и" "Бишкек" [--runs 20]

Per statement: the median wall and this process's CPU milliseconds over ``--runs`` searches (the
statements run on aiosqlite's thread, so CPU time covers them), the rows it returned and its
plan. Per word: its terms and how many articles each is in (the length of its FTS5 list).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench_storage import changer  # noqa: E402

from storage import Store  # noqa: E402
from storage.analysis import query_terms  # noqa: E402

Timings = dict[str, list[tuple[float, float, int]]]  # statement → (wall ms, CPU ms, rows)


def recording(store: Store, timings: Timings, plans: dict[str, tuple[str, Any]]) -> None:
    """Time every read the store's database makes, by statement."""
    db = store.db

    def wrap(name: str) -> None:
        original: Callable[..., Awaitable[Any]] = getattr(db, name)

        async def timed(sql: str, params: Any = ()) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            result = await original(sql, params)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            rows = len(list(result)) if name == "fetch_all" else int(result is not None)
            key = re.sub(r"\s+", " ", sql)
            timings[key].append((wall * 1000, cpu * 1000, rows))
            plans.setdefault(key, (sql, params))
            return result

        setattr(db, name, timed)

    for name in ("fetch_all", "fetch_one", "fetch_value"):
        wrap(name)


async def plan(store: Store, sql: str, params: Any) -> list[str]:
    """SQLite's query plan of a statement."""
    rows = await store.db.connection.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
    return [str(row[3]) for row in rows]


async def list_lengths(store: Store, words: str) -> Iterable[str]:
    """Each term of ``words`` and the number of articles its index list holds."""
    lines = []
    for term in query_terms(words):
        for stem in term.stems:
            row = await store.db.fetch_one(
                "SELECT doc FROM articles_vocab WHERE term = ?", (stem,)
            )
            lines.append(f"  {term.word!r} -> {stem!r}: in {row[0] if row else 0:,} articles")
    segments = await store.db.fetch_value("SELECT count(DISTINCT segid) FROM articles_fts_idx")
    lines.append(f"  index segments: {segments}")
    return lines


async def explain(path: Path, queries: list[str], runs: int) -> None:
    """Print the cost of each statement of each query."""
    store = await Store.open(path)
    change = await changer(store)
    try:
        print(f"{path.name}: {await store.articles.count():,} articles")
        for words in queries:
            print(f"\n{words!r}")
            for line in await list_lengths(store, words):
                print(line)
            timings: Timings = defaultdict(list)
            plans: dict[str, tuple[str, Any]] = {}
            recording(store, timings, plans)
            totals = []
            for _ in range(runs):
                await change()  # no result kept from the search before
                wall, cpu = time.perf_counter(), time.process_time()
                page = await store.search.find(words, limit=5)
                if not page.hits:
                    await store.search.suggest(words)
                totals.append(
                    ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
                )
            for name in ("fetch_all", "fetch_one", "fetch_value"):
                delattr(store.db, name)  # the recording wrappers go
            median = statistics.median
            print(
                f"  whole search: {median(t[0] for t in totals):.1f} ms wall, "
                f"{median(t[1] for t in totals):.1f} ms CPU (median of {runs})"
            )
            for key, samples in timings.items():
                if key.startswith("SELECT coalesce((SELECT max(id)"):
                    continue  # the result cache's generation: well under a millisecond
                calls = len(samples) / runs
                wall = median(s[0] for s in samples) * calls
                cpu = median(s[1] for s in samples) * calls
                rows = median(s[2] for s in samples)
                print(f"  {wall:7.2f} ms wall {cpu:7.2f} ms CPU {rows:6.0f} rows  {key[:110]}")
                for step in await plan(store, *plans[key]):
                    print(f"        {step}")
    finally:
        await store.close()


def main() -> None:
    """Explain the searches given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("queries", nargs="+")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(explain(args.database, args.queries, args.runs))


if __name__ == "__main__":
    main()
