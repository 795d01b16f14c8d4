"""Storage benchmark: ingest rate, latency of "latest 5" and of searches, bytes per article.

    python bench/bench_storage.py [--sizes 10000 100000 1000000] [--ingest 10000] [--runs 200]

The ingest rate comes from the real ``bot.newsroom.ingest.ingest`` over generated seed-format
pages. The databases for the latency figures are built in bulk by bench/articles_db.py (the real
migrations, triggers and FTS index; the search terms and tags computed as ingest does) and
cached under ``bench/out/``, with the same corpus in the schema before issue 13 (migration 0007)
for the size baseline; ``--rebuild`` builds them again. With ``--database-url postgresql://…``
(or ``FILMNEWS_DATABASE_URL``) the latencies are PostgreSQL's: each size's articles are copied
from its SQLite database into a database of their own on that server (``filmnews_bench_N``,
migrated, filled once; dropped and filled again with ``--rebuild``). The searches are those of
``/search``: the first page with its count, and for a word with no match the "Did you mean"
suggestion, each as the first search after a change of the articles (no result kept from the
call before). Each SQLite database is read once before its latencies (``--cold``: not), see
``warmed``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from articles_db import OLD, composition, database_for, size_of, vocabulary  # noqa: E402
from pages import (  # noqa: E402
    BODY_WORDS,
    CORPUS_VERSION,
    HALF,
    PER_PAGE,
    RUSSIAN_HALF,
    Corpus,
    names_of,
    write_pages,
)

from bot.newsroom.ingest import ingest  # noqa: E402
from storage import Store, postgres  # noqa: E402
from storage.analysis import ANALYSIS_VERSION  # noqa: E402
from storage.database import Dialect  # noqa: E402
from storage.search import SEARCH_CANDIDATES  # noqa: E402

OUT = ROOT / "bench" / "out"
FESTIVALS = ROOT / "seeds" / "festivals.toml"


async def ingest_rate(
    count: int, words: tuple[int, int], processes: int | None = None
) -> dict[str, float]:
    """Articles per second (wall clock and CPU) of a first ingest and of a repeated one, read in
    ``processes`` worker processes (1: in this one)."""
    pages = OUT / f"pages-v{CORPUS_VERSION}-{count}-{words[0]}-{words[1]}"
    if not (pages / "done").exists():
        shutil.rmtree(pages, ignore_errors=True)
        write_pages(pages, iter(Corpus(count, words=words)))
        (pages / "done").touch()
    database = OUT / f"ingest-{os.getpid()}.db"  # one per run: others may bench meanwhile
    for leftover in OUT.glob(database.name + "*"):
        leftover.unlink()
    store = await Store.open(database)
    rates = {}
    try:
        for run in ("first run", "repeated run"):
            wall, cpu = time.perf_counter(), time.process_time()
            report = await ingest(store, [FESTIVALS, pages], processes=processes)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            assert not report.errors, report.errors[:3]
            total = sum(len(file.articles) for file in report.files)
            rates[f"{run}, wall"] = total / wall
            rates[f"{run}, CPU"] = total / cpu
        rates["stored"] = await store.articles.count()
    finally:
        await store.close()
        for leftover in OUT.glob(database.name + "*"):
            leftover.unlink()
    return rates


def search_kinds(size: int) -> dict[str, Callable[[random.Random], str]]:
    """Query makers by kind; rare words are the generated people's names."""

    def rare(rng: random.Random) -> str:
        return names_of(rng.randrange(size), size)[0]

    return {
        "search rare word": rare,
        "search common word": lambda rng: rng.choice(HALF),
        "search Cyrillic word": lambda _: RUSSIAN_HALF,
        "search 2 rare words": lambda rng: " ".join(names_of(rng.randrange(size), size)),
        "search rare + common": lambda rng: f"{rare(rng)} {rng.choice(HALF)}",
        "search 2 common words": lambda rng: " ".join(HALF),
        "search 'the film'": lambda _: "the film",
        # English and Russian stopwords: each very common, together in 0.6% of the articles,
        # so FTS5 walks both long lists to find the newest 500 articles holding both.
        "search 'the и'": lambda _: "the и",
        # What issue 13 added: word forms, the other alphabet, prefixes, a typo.
        "search word form 'фестивалей'": lambda _: "фестивалей",
        "search Cyrillic for Latin 'Бишкек'": lambda _: "Бишкек",
        "search rare word in Cyrillic": lambda rng: anyascii_free(rare(rng)),
        "search prefix 'prem*'": lambda _: "prem*",
        "search prefix 'ka*'": lambda _: "ka*",
        "search rare prefix": lambda rng: rare(rng)[:6] + "*",
        "search typo (no match, suggestion)": lambda rng: rare(rng)[:-3] + "qx",
    }


_CYRILLIC = str.maketrans("abdefgiklmnoprstuvyz", "абдефгиклмнопрстувыз")


def anyascii_free(word: str) -> str:
    """A generated Latin name written in Cyrillic letters (its transliteration meets it)."""
    word = word.lower().replace("zh", "ж").replace("sh", "ш").replace("kh", "х")
    return word.translate(_CYRILLIC)


Samples = dict[str, list[float]]  # "wall" and "cpu" milliseconds of each call


async def timed(
    call: Callable[[], Awaitable[object]], runs: int, before: Callable[[], Awaitable[object]]
) -> Samples:
    """Milliseconds (wall clock and this process's CPU) of ``runs`` calls, after a warm-up;
    ``before`` is run, untimed, before each."""
    for _ in range(3):
        await before()
        await call()
    samples: Samples = {"wall": [], "cpu": []}
    for _ in range(runs):
        await before()
        wall, cpu = time.perf_counter(), time.process_time()
        await call()
        samples["wall"].append((time.perf_counter() - wall) * 1000)
        samples["cpu"].append((time.process_time() - cpu) * 1000)
    return samples


async def changer(store: Store) -> Callable[[], Awaitable[object]]:
    """What makes the next read come after a change of the articles, as a reader's search does
    when articles arrive: results kept in memory for a repeated search (storage/search_cache.py,
    from migration 0018 on) are then not used. A no-op before that migration."""
    found = store.db.dialect is Dialect.POSTGRES or await store.db.fetch_value(
        "SELECT count(*) FROM sqlite_master WHERE name = 'article_changes'"
    )

    async def change() -> object:
        if found:
            await store.db.execute("UPDATE article_changes SET value = value + 1 WHERE id = 1")
        return None

    return change


_COPIED = (  # the columns a bench database's articles are copied with
    "id, title, body, truncated, url, source, seen_on, fingerprint, created_at, title_terms, "
    "body_terms, tags"
)


def _with_database(url: str, name: str) -> str:
    """``url`` naming the database ``name`` instead of its own."""
    return urlsplit(url)._replace(path=f"/{name}").geturl()


async def postgres_copy(path: Path, url: str, size: int, rebuild: bool) -> str:
    """The URL of a PostgreSQL database holding the articles of the SQLite database at
    ``path`` (made, migrated and filled by COPY, once per size; again with ``rebuild``)."""
    import asyncpg

    name = f"filmnews_bench_{size}"
    server = await asyncpg.connect(url)
    try:
        exists = await server.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists and not rebuild:
            return _with_database(url, name)
        await server.execute(f"DROP DATABASE IF EXISTS {name}")
        await server.execute(f"CREATE DATABASE {name}")
    finally:
        await server.close()
    target = _with_database(url, name)
    pool = await postgres.connect(target, size=1)
    try:
        await postgres.migrate(pool)
        with sqlite3.connect(path) as source:
            rows = source.execute(f"SELECT {_COPIED} FROM articles ORDER BY id").fetchall()
            terms = source.execute("SELECT term FROM search_terms").fetchall()
        async with pool.acquire() as connection:
            await connection.copy_records_to_table(
                "articles", records=rows, columns=_COPIED.split(", ")
            )
            await connection.copy_records_to_table("search_terms", records=terms)
            await connection.execute(
                "SELECT setval(pg_get_serial_sequence('articles', 'id'), max(id)) FROM articles"
            )
            await connection.execute(
                "UPDATE search_index SET analysis = $1, backfilling = 0, done_to = 0",
                ANALYSIS_VERSION,
            )
            await connection.execute("VACUUM ANALYZE articles")
    finally:
        await pool.close()
    return target


async def latencies(path: Path | str, size: int, runs: int) -> dict[str, Samples]:
    """Latency samples of each kind of read on the database at ``path`` (a SQLite file or a
    PostgreSQL URL)."""
    store = await Store.open(path)
    results: dict[str, Samples] = {}
    try:
        rng = random.Random(7)
        change = await changer(store)
        results["latest 5"] = await timed(lambda: store.articles.latest(5), runs, change)
        last = await store.articles.last_id()
        deep = iter(
            [(await store.articles.get(rng.randint(1, last))).position for _ in range(runs + 3)]
        )
        results["latest 5, deep page"] = await timed(
            lambda: store.articles.latest(5, older_than=next(deep)), runs, change
        )
        for kind, make in search_kinds(size).items():

            async def search(make: Callable[[random.Random], str] = make) -> object:
                words = make(rng)
                page = await store.search.find(words, limit=5)
                return page if page.hits else await store.search.suggest(words)

            results[kind] = await timed(search, runs, change)
    finally:
        await store.close()
    return results


def warmed(path: Path) -> float:
    """Read the database file once, so that its pages are in the OS's cache; the seconds taken.

    The latencies then measure the search, not the machine's cache: these VMs page cold file
    cache out (DAMON reclaim), and the searches whose candidates lie across the archive (a rare
    prefix's newest 200 matches span the newest ~18% of 1M articles) read them from disk again:
    their p99 then moved between 29 and 88 ms from one run to the next, with the same code.
    """
    started = time.perf_counter()
    with path.open("rb", buffering=0) as file:
        while file.read(1 << 22):
            pass
    return time.perf_counter() - started


def percentile(samples: list[float], share: float) -> float:
    """The ``share`` quantile of the samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def table(rows: list[list[str]]) -> Iterator[str]:
    """Rows as an aligned text table, the first row a header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for number, row in enumerate(rows):
        yield "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        if number == 0:
            yield "  ".join("-" * width for width in widths)


def main() -> None:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--ingest", type=int, default=10_000, help="articles for the ingest rate")
    parser.add_argument(
        "--words",
        type=int,
        nargs=2,
        default=BODY_WORDS,
        metavar=("MIN", "MAX"),
        help="body length of the ingested articles, in words",
    )
    parser.add_argument(
        "--runs", type=int, default=200, help="calls per latency figure (0: sizes only)"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached databases")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("FILMNEWS_DATABASE_URL"),
        help="a postgresql:// URL: the latencies on PostgreSQL (default: SQLite's)",
    )
    parser.add_argument(
        "--no-baseline",
        dest="baseline",
        action="store_false",
        help="skip the databases in the schema before issue 13 (migration 0007), for sizes",
    )
    parser.add_argument(
        "--cold",
        dest="warm",
        action="store_false",
        help="do not read each SQLite database once before its latencies",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    python = sys.version.split()[0]
    print(f"SQLite {sqlite3.sqlite_version}, Python {python}, {os.cpu_count()} CPUs")
    if args.database_url:
        print("Latencies on PostgreSQL (the articles copied from the SQLite databases, whose")
        print("sizes the last table gives)")

    if args.ingest:
        alone = asyncio.run(ingest_rate(args.ingest, tuple(args.words), processes=1))
        rates = asyncio.run(ingest_rate(args.ingest, tuple(args.words)))
        print(
            f"\nIngest through bot.newsroom.ingest ({rates.pop('stored'):,.0f} articles stored, "
            f"{PER_PAGE} per page, bodies of {args.words[0]}-{args.words[1]} words), "
            "articles/s (target >= 5,000):"
        )
        alone.pop("stored")
        print(f"  {'':20} {'workers':>8} {'1 process':>10} {'ratio':>6}")
        for label, rate in rates.items():
            print(f"  {label:20} {rate:8,.0f} {alone[label]:10,.0f} {rate / alone[label]:6.2f}")
        print(
            "  (workers: read in worker processes, one per CPU, at most 2, from 300 pages;\n"
            "   CPU: per second of this process's CPU time, without the workers', whatever else\n"
            "   the machine runs)"
        )

    if not args.sizes:
        return
    figures: dict[int, dict[str, Samples]] = {}
    sizes: dict[int, dict[str, float]] = {}
    for size in args.sizes:
        path, built = database_for(size, args.rebuild)
        print(f"\n{path.name}: {built}", file=sys.stderr)
        if args.runs:
            where: Path | str = path
            if args.database_url:
                where = asyncio.run(postgres_copy(path, args.database_url, size, args.rebuild))
                print(f"PostgreSQL database {where.rsplit('/', 1)[-1]}", file=sys.stderr)
            elif args.warm:
                print(f"  read {path.name} once, in {warmed(path):.1f} s", file=sys.stderr)
            figures[size] = asyncio.run(latencies(where, size, args.runs))
        sizes[size] = {"bytes": size_of(path), **composition(path)}
        sizes[size]["vocabulary"] = vocabulary(path)
        if args.baseline:
            old, built = database_for(size, args.rebuild, OLD)
            print(f"{old.name}: {built}", file=sys.stderr)
            sizes[size]["old bytes"] = size_of(old)
    report(args.sizes, args.runs, figures, sizes)


def worst_search(figures: dict[str, Samples], clock: str) -> str:
    """The search kind with the highest p99 on ``clock``."""
    searches = {kind: percentile(samples[clock], 0.99) for kind, samples in figures.items()}
    return max((kind for kind in searches if kind.startswith("search")), key=searches.__getitem__)


def growth(values: list[float]) -> list[str]:
    """Each value against the one before: ``×3.2``."""
    return [f"x{after / before:.1f}" if before else "" for before, after in pairwise(values)]


def report(
    sizes: list[int],
    runs: int,
    figures: dict[int, dict[str, Samples]],
    db: dict[int, dict[str, float]],
) -> None:
    """Print the latency and size tables, with the targets at 1M and growth between sizes."""
    header = [f"{size:,} articles" for size in sizes]
    steps = [f"{a // 1000:,}k->{b // 1000:,}k" for a, b in pairwise(sizes)]
    if figures:
        latency_tables(sizes, runs, figures, header, steps)
    size_table(sizes, db, header, steps)


def latency_tables(
    sizes: list[int],
    runs: int,
    figures: dict[int, dict[str, Samples]],
    header: list[str],
    steps: list[str],
) -> None:
    """Print p50 / p99 of each read per size, wall clock and CPU, and how p99 grows."""
    print(
        f"\nLatency in ms, p50 / p99 of {runs} calls (growth: of p99); search ranks the newest "
        f"{SEARCH_CANDIDATES} matches.\nTargets at 1M: latest 5 p99 <= 5, worst search p99 <= 50."
        " (!) marks each size's worst search."
    )
    for clock, title in (("wall", "wall clock"), ("cpu", "CPU time of this process")):
        worst = {size: worst_search(figures[size], clock) for size in sizes}
        rows = [[title, *header, *steps]]
        for kind in figures[sizes[0]]:
            cells, p99s = [], []
            for size in sizes:
                samples = figures[size][kind][clock]
                p99s.append(percentile(samples, 0.99))
                mark = " (!)" if worst[size] == kind else ""
                cells.append(f"{percentile(samples, 0.5):.2f} / {p99s[-1]:.2f}{mark}")
            rows.append([kind, *cells, *growth(p99s)])
        print("\n" + "\n".join(table(rows)))
        largest = figures[sizes[-1]]
        latest = percentile(largest["latest 5"][clock], 0.99)
        search = percentile(largest[worst[sizes[-1]]][clock], 0.99)
        print(
            f"At {sizes[-1]:,}: latest 5 p99 {latest:.2f} ms ({verdict(latest <= 5)}), worst "
            f"search p99 {search:.2f} ms, {worst[sizes[-1]]} ({verdict(search <= 50)})"
        )


def verdict(met: bool) -> str:
    """How a figure stands against its target."""
    return "target met" if met else "TARGET MISSED"


def size_table(
    sizes: list[int], db: dict[int, dict[str, float]], header: list[str], steps: list[str]
) -> None:
    """Print what the databases hold and weigh per size, against the schema before issue 13."""
    rows = [["database", *header, *steps]]
    lines: dict[str, Callable[[dict[str, float]], tuple[float, str]]] = {
        "articles stored": lambda d: (d["articles"], f"{d['articles']:,.0f}"),
        "bytes per article": lambda d: (
            d["bytes"] / d["articles"],
            f"{d['bytes'] / d['articles']:,.0f}",
        ),
        "  articles table": lambda d: (
            d["table"] / d["articles"],
            f"{d['table'] / d['articles']:,.0f}",
        ),
        "  search index": lambda d: (
            d["search index"] / d["articles"],
            f"{d['search index'] / d['articles']:,.0f}",
        ),
        "  the rest": lambda d: (d["other"] / d["articles"], f"{d['other'] / d['articles']:,.0f}"),
        "size": lambda d: (d["bytes"], f"{d['bytes'] / 2**20:,.0f} MiB"),
        "index vocabulary (terms)": lambda d: (d["vocabulary"], f"{d['vocabulary']:,.0f}"),
    }
    if all("old bytes" in db[size] for size in sizes):
        lines["size, schema 0007 (before issue 13)"] = lambda d: (
            d["old bytes"],
            f"{d['old bytes'] / 2**20:,.0f} MiB",
        )
        lines["growth against 0007 (target <= +40%)"] = lambda d: (
            d["bytes"] / d["old bytes"],
            f"{(d['bytes'] / d['old bytes'] - 1) * 100:+.0f}%",
        )
    for label, cell in lines.items():
        values = [cell(db[size]) for size in sizes]
        rows.append([label, *(text for _, text in values), *growth([v for v, _ in values])])
    print("\n" + "\n".join(table(rows)))


if __name__ == "__main__":
    main()
