"""SQLite and PostgreSQL side by side: ingest rate, latest 5, search, due pick and outbox claims.

    python bench/bench_backends.py [--articles 10000 100000] [--subscribers 10000 100000]
        [--messages 5000] [--runs 200]

Everything goes through the real repositories of one ``Store`` per backend: a SQLite file under
``bench/out/`` and a database on a throwaway PostgreSQL server (tests/postgres_server.py: initdb
into a temporary folder, as the ``postgres`` user when run as root; durability off, as in the
tests), stopped at the end.

- Ingest: the articles of bench/pages.py's corpus, their search terms and tags worked out
  beforehand in worker processes as ingest does (bench/articles_db.py's ``chunk_rows``), stored
  through ``store.articles.add_many`` in batches of 500; articles per second of wall clock.
  PostgreSQL is then analysed, as its autovacuum soon would be.
- Latest 5 (``/latest``: ``store.articles.latest(5)``) and search (``store.search.find``, the
  first page: a common word, two common words that rarely meet, a rare word, a Cyrillic word
  and a prefix), each call after a change of the articles, so no result comes from the cache.
- Due pick: ``store.subscribers.due`` inside a transaction, as ``compose_due`` takes a batch,
  with about 1/60 of the subscribers due.
- Outbox claims: messages claimed and marked sent per second by tasks that do what
  bot/delivery/sender.py does (``ready`` 100 at a time, then each message claimed in the
  transaction that records the previous one as sent), no Telegram: 1 task, then 8 at once.

p50 / p99 in ms of ``--runs`` calls; growth is the p99's (or the rate's) from a size to the
next. The defaults took 5 min 40 s on a 2-CPU machine (busy with other work meanwhile), most
of it making the corpora and filling each backend with 110,000 articles. With 8 claimers every
task reads the same oldest 100 and tries each: most of their claims are refused (counted).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from articles_db import CURRENT, Row, chunk_rows  # noqa: E402
from pages import CHUNK, HALF, RUSSIAN_HALF, names_of  # noqa: E402

from bot.delivery.digests import COMPOSE_BATCH  # noqa: E402
from bot.delivery.sender import FETCH  # noqa: E402
from storage import Store  # noqa: E402
from storage.convert import from_datetime  # noqa: E402
from storage.database import Dialect  # noqa: E402
from storage.models import NewArticle  # noqa: E402
from storage.outbox import Outgoing  # noqa: E402
from tests.postgres_server import PostgresServer, find_bindir  # noqa: E402

OUT = ROOT / "bench" / "out"
BATCH = 500  # articles per add_many
DUE_SHARE = 60  # one subscriber in this many is due
SUBSCRIBER_BATCH = 5_000
BACKENDS = ("SQLite", "PostgreSQL")

Query = Callable[[random.Random], str]
Samples = list[float]  # milliseconds of each call


def search_kinds(size: int) -> dict[str, Query]:
    """Query makers by kind, for a corpus of ``size`` articles (bench/pages.py's words)."""
    return {
        f"search common word '{HALF[0]}'": lambda _: HALF[0],
        # English and Russian stopwords: each very common, together in 0.6% of the articles.
        "search 2 common words 'the и'": lambda _: "the и",
        "search rare word": lambda rng: names_of(rng.randrange(size), size)[0],
        f"search Cyrillic '{RUSSIAN_HALF}'": lambda _: RUSSIAN_HALF,
        "search prefix 'pand*'": lambda _: "pand*",
    }


@dataclass
class Figures:
    """One backend's figures: latency samples and rates by row label and size."""

    samples: dict[str, dict[int, Samples | None]] = field(default_factory=dict)
    rates: dict[str, dict[int, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def sampled(self, label: str, size: int, samples: Samples | None) -> None:
        self.samples.setdefault(label, {})[size] = samples

    def rated(self, label: str, size: int, rate: float) -> None:
        self.rates.setdefault(label, {})[size] = rate


async def timed(
    call: Callable[[], Awaitable[object]],
    runs: int,
    before: Callable[[], Awaitable[object]] | None = None,
) -> Samples:
    """Milliseconds of ``runs`` calls after a warm-up; ``before`` runs, untimed, before each."""
    samples: Samples = []
    for number in range(runs + 3):
        if before is not None:
            await before()
        start = time.perf_counter()
        await call()
        if number >= 3:
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def percentile(samples: Samples, share: float) -> float:
    """The ``share`` quantile of the samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def corpus_rows(size: int) -> list[Row]:
    """The rows of a corpus of ``size`` articles with their terms and tags, made in worker
    processes (one per CPU)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(os.cpu_count() or 1) as pool:
        chunks = pool.map(partial(chunk_rows, size, schema=CURRENT), range(-(-size // CHUNK)))
    return [row for chunk in chunks for row in chunk]


def new_article(row: Row) -> NewArticle:
    """A corpus row (bench/articles_db.py's ``chunk_rows``) as ingest hands it to storage."""
    title, body, truncated, source, seen_on, _, title_terms, body_terms, tags = row
    return NewArticle(
        str(title),
        str(body),
        str(source),
        truncated=bool(truncated),
        seen_on=date.fromisoformat(str(seen_on)),
        tags=cast(int, tags),
        terms=(str(title_terms), str(body_terms)),
    )


async def fill(store: Store, articles: Sequence[NewArticle]) -> float:
    """Store the articles through ``add_many``, ``BATCH`` at a time; articles per second."""
    start = time.perf_counter()
    for first in range(0, len(articles), BATCH):
        await store.articles.add_many(articles[first : first + BATCH])
    rate = len(articles) / (time.perf_counter() - start)
    if store.db.dialect is Dialect.POSTGRES:
        await store.db.execute("ANALYZE")
    return rate


async def article_reads(
    store: Store, size: int, runs: int, figures: Figures, rng: random.Random
) -> None:
    """Latest 5 and the searches on a store holding ``size`` articles."""

    async def change() -> None:  # the next search cannot be answered from the cache
        await store.db.execute("UPDATE article_changes SET value = value + 1 WHERE id = 1")

    figures.sampled("latest 5", size, await timed(lambda: store.articles.latest(5), runs))
    for kind, make in search_kinds(size).items():

        async def search(make: Query = make, kind: str = kind) -> None:
            page = await store.search.find(make(rng), limit=5)
            assert page.hits, f"{kind}: nothing found"

        try:
            samples: Samples | None = await timed(search, runs, change)
        except Exception as error:  # not ported to this backend yet: a syntax error (MATCH)
            if "syntax" not in str(error).lower():
                raise
            samples = None
            figures.notes.append(f"{kind} at {size:,}: {type(error).__name__}: {error}")
        figures.sampled(kind, size, samples)


async def add_subscribers(store: Store, first: int, last: int, now: datetime) -> None:
    """Subscribers ``first`` to ``last - 1`` (chat ids), one in ``DUE_SHARE`` due (up to a day
    overdue), the others due within the next day; written in bulk."""
    rng = random.Random(first)
    rows = []
    for chat_id in range(first, last):
        later = timedelta(minutes=rng.uniform(1, 1440))
        due = now - later if chat_id % DUE_SHARE == 0 else now + later
        rows.append((chat_id, "09:00", "Asia/Bishkek", from_datetime(due)))
    for start in range(0, len(rows), SUBSCRIBER_BATCH):
        async with store.transaction():
            await store.db.execute_many(
                "INSERT INTO subscribers (chat_id, digest_time, timezone, next_due_at) "
                "VALUES (?, ?, ?, ?)",
                rows[start : start + SUBSCRIBER_BATCH],
            )
    if store.db.dialect is Dialect.POSTGRES:
        await store.db.execute("ANALYZE subscribers")


async def due_picks(store: Store, sizes: list[int], runs: int, figures: Figures) -> None:
    """The due pick's latency as the subscribers grow to each size."""
    now = datetime.now(UTC)
    added = 0
    for size in sizes:
        await add_subscribers(store, added + 1, size + 1, now)
        added = size

        async def pick(size: int = size) -> None:
            async with store.transaction():  # as compose_due: locked for the batch's commit
                due = await store.subscribers.due(now, COMPOSE_BATCH)
            assert len(due) == min(COMPOSE_BATCH, size // DUE_SHARE), len(due)

        figures.sampled("due pick", size, await timed(pick, runs))


@dataclass
class Claims:
    claimed: int = 0
    refused: int = 0


async def claimer(store: Store, claims: Claims) -> None:
    """Claim and mark sent what the outbox holds, as the sender's dispatcher does (minus
    Telegram): a message is claimed in the commit that records the previous one as sent."""
    sent: int | None = None
    while buffer := await store.outbox.ready(datetime.now(UTC), FETCH):
        for message in buffer:
            async with store.transaction():
                if sent is not None:
                    await store.outbox.mark_sent(sent, 1, datetime.now(UTC))
                    sent = None
                if await store.outbox.claim(message.id):
                    sent = message.id
                    claims.claimed += 1
                else:
                    claims.refused += 1
    if sent is not None:
        async with store.transaction():
            await store.outbox.mark_sent(sent, 1, datetime.now(UTC))


async def claim_rates(store: Store, messages: int, tasks: Sequence[int], figures: Figures) -> None:
    """Messages claimed per second by 1 and by 8 claimers at once, ``messages`` queued."""
    for count in tasks:
        queued = (Outgoing(chat_id, f"digest {chat_id}") for chat_id in range(1, messages + 1))
        before = datetime.now(UTC) - timedelta(minutes=1)
        async with store.transaction():
            await store.outbox.add("digest", f"bench-{count}", queued, before)
        claims = Claims()
        start = time.perf_counter()
        await asyncio.gather(*(claimer(store, claims) for _ in range(count)))
        rate = claims.claimed / (time.perf_counter() - start)
        assert claims.claimed == messages, claims
        report = await store.outbox.report("digest", f"bench-{count}")
        assert report.sent == messages, report
        figures.rated(f"outbox claims/s, {count} claimer{'s' * (count > 1)}", messages, rate)
        if claims.refused:
            figures.notes.append(
                f"{count} claimers: {claims.refused:,} claims refused (taken by another)"
            )


async def run_backend(
    name: str,
    locations: dict[str, str],
    corpora: dict[int, list[NewArticle]],
    args: argparse.Namespace,
) -> Figures:
    """Every figure of one backend; ``locations``: its article databases by size, "queue"."""
    figures = Figures()
    store = await Store.open(locations["queue"])
    try:
        if store.db.dialect is Dialect.POSTGRES:
            version = await store.db.fetch_value("SHOW server_version")
            figures.notes.insert(0, f"PostgreSQL {version}")
        await claim_rates(store, args.messages, (1, 8), figures)
        await due_picks(store, args.subscribers, args.runs, figures)
    finally:
        await store.close()
    rng = random.Random(7)
    for size, articles in corpora.items():
        store = await Store.open(locations[str(size)])
        try:
            figures.rated("ingest, articles/s", size, await fill(store, articles))
            await article_reads(store, size, args.runs, figures, rng)
        finally:
            await store.close()
        print(f"  {name}: {size:,} articles done", file=sys.stderr)
    return figures


def sqlite_locations(sizes: list[int]) -> dict[str, str]:
    """Fresh SQLite files under bench/out/ by size, and "queue"."""
    OUT.mkdir(parents=True, exist_ok=True)
    locations = {}
    for key in [*map(str, sizes), "queue"]:
        path = OUT / f"backends-{key}-{os.getpid()}.db"
        remove(path)
        locations[key] = str(path)
    return locations


def remove(path: Path) -> None:
    """A SQLite database and its WAL files."""
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()


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


def growth(values: list[float | None]) -> list[str]:
    """Each value against the one before: ``x3.2``."""
    return [
        f"x{after / before:.1f}" if before and after is not None else "-"
        for before, after in pairwise(values)
    ]


def short(size: int) -> str:
    return f"{size // 1000:,}k" if size % 1000 == 0 else f"{size:,}"


def report(results: dict[str, Figures], articles: list[int], subscribers: list[int]) -> None:
    """Print the figures of both backends side by side."""
    columns = max(len(articles), len(subscribers))
    header = ["ms p50 / p99; rates per s"]
    for name in BACKENDS:
        header += [name, *[""] * (2 * columns - 2)]
    rows = [header]

    def section(title: str, sizes: list[int]) -> None:
        cells = [short(size) for size in sizes] + [""] * (columns - len(sizes))
        steps = [f"{short(a)}->{short(b)}" for a, b in pairwise(sizes)]
        steps += [""] * (columns - 1 - len(steps))
        rows.append([title, *(cells + steps) * len(BACKENDS)])

    def line(
        label: str, sizes: list[int], cells: Callable[[Figures, int], tuple[str, float]]
    ) -> None:
        row = [label]
        for name in BACKENDS:
            texts, values = [], []
            for size in sizes:
                text, value = cells(results[name], size)
                texts.append(text)
                values.append(value)
            steps = growth([v if v == v else None for v in values])  # NaN: not measured
            row += texts + [""] * (columns - len(sizes)) + steps
            row += [""] * (columns - 1 - len(steps))
        rows.append(row)

    def latency(label: str) -> Callable[[Figures, int], tuple[str, float]]:
        def cell(figures: Figures, size: int) -> tuple[str, float]:
            samples = figures.samples[label].get(size)
            if samples is None:
                return "not ported", float("nan")
            p99 = percentile(samples, 0.99)
            return f"{percentile(samples, 0.5):.2f} / {p99:.2f}", p99

        return cell

    def rate(label: str) -> Callable[[Figures, int], tuple[str, float]]:
        def cell(figures: Figures, size: int) -> tuple[str, float]:
            value = figures.rates[label][size]
            return f"{value:,.0f}", value

        return cell

    section("articles", articles)
    line("ingest (add_many), articles/s", articles, rate("ingest, articles/s"))
    for label in results[BACKENDS[0]].samples:
        if label == "due pick":
            continue
        line(label, articles, latency(label))
    section("subscribers", subscribers)
    line(f"due pick ({COMPOSE_BATCH} max, 1/{DUE_SHARE} due)", subscribers, latency("due pick"))
    print("\n" + "\n".join(table(rows)))

    claims = [["outbox (ready, claim, mark_sent)", *BACKENDS, "PostgreSQL/SQLite"]]
    for label in results[BACKENDS[0]].rates:
        if label.startswith("outbox"):
            values = [next(iter(results[name].rates[label].values())) for name in BACKENDS]
            claims.append([label, *(f"{v:,.0f}" for v in values), f"{values[1] / values[0]:.2f}"])
    print("\n" + "\n".join(table(claims)))
    for name in BACKENDS:
        for note in results[name].notes:
            print(f"{name}: {note}")


def main() -> None:
    """Run the benchmark on both backends and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--messages", type=int, default=5_000, help="queued for the claims")
    parser.add_argument("--runs", type=int, default=200, help="calls per latency figure")
    args = parser.parse_args()
    args.subscribers.sort()
    bindir = find_bindir()
    if bindir is None:
        sys.exit("PostgreSQL's server programs are not installed (pg_config --bindir)")
    started, load = time.perf_counter(), os.getloadavg()[0]
    corpora = {}
    for size in args.articles:
        corpora[size] = [new_article(row) for row in corpus_rows(size)]
    made = time.perf_counter() - started
    print(f"corpora made in {made:.0f} s", file=sys.stderr)

    server = PostgresServer.start(bindir)
    sqlite = sqlite_locations(args.articles)
    try:
        postgres = {key: server.database() for key in sqlite}
        results = {
            "SQLite": asyncio.run(run_backend("SQLite", sqlite, corpora, args)),
            "PostgreSQL": asyncio.run(run_backend("PostgreSQL", postgres, corpora, args)),
        }
    finally:
        server.stop()
        for path in sqlite.values():
            remove(Path(path))
    print(
        f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs; {args.runs} calls per latency, {args.messages:,} messages "
        f"queued per claim run; {time.perf_counter() - started:.0f} s in all; load average "
        f"{load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (other work slows it)"
    )
    report(results, args.articles, args.subscribers)


if __name__ == "__main__":
    main()
