"""The audience of a big newsroom for bench_commands: subscribers, a week of outbox, a month of
digest records and years of rates, added to a copy of an articles database; and the hourly
tidy measured as readers feel it (the longest wait of a reader's query while it runs).

    (imported by bench/bench_commands.py)
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path

from bot.delivery.service import KEEP_DIGESTS, KEEP_MESSAGES, tidy
from bot.newsroom.tagging import tag_pending
from storage import Store
from storage.models import Rate
from storage.rates import Standing

DIGEST_TEXT = "<b>Digest</b>\n" + "A line of news, teaser and link. " * 45  # ~1.5 KB, as ours
CURRENCIES = {"KGS": "0.01143", "KZT": "0.00202", "TJS": "0.10661", "UZS": "0.0000781"}
RATE_DAYS = 1_700  # 4 currencies: 6,800 rows, the "6.7k rows"
CHUNK = 50_000


@dataclass(frozen=True, slots=True)
class Audience:
    """How many subscribers and days of outbox a database holds, and its clock."""

    subscribers: int
    outbox_days: int
    now: datetime  # the instant the outbox's newest day leads up to


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _outbox_rows(day: date, subscribers: int) -> Iterator[tuple[object, ...]]:
    """A day of digests, each sent within the hour after 03:00 UTC."""
    start = datetime(day.year, day.month, day.day, 3, tzinfo=UTC)
    for chat in range(1, subscribers + 1):
        at = _stamp(start + timedelta(seconds=chat % 3600))
        yield ("digest", day.isoformat(), chat, DIGEST_TEXT, "sent", at, at, chat)


def _digest_rows(day: date, subscribers: int) -> Iterator[tuple[object, ...]]:
    for chat in range(1, subscribers + 1):
        yield (chat, day.isoformat(), 1000, 5)


def _insert(connection: sqlite3.Connection, sql: str, rows: Iterator[tuple[object, ...]]) -> None:
    while chunk := list(islice(rows, CHUNK)):
        connection.execute("BEGIN")
        connection.executemany(sql, chunk)
        connection.execute("COMMIT")


OUTBOX_SQL = (
    "INSERT INTO outbox (kind, ref, chat_id, text, state, not_before, sent_at, message_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
DIGESTS_SQL = (
    "INSERT OR IGNORE INTO digests (chat_id, day, last_article_id, articles) VALUES (?, ?, ?, ?)"
)


def add_day(path: Path, day: date, subscribers: int, *, outbox: bool, records: bool) -> None:
    """One more day of sent digests, of digest records, or both (what the tidy will forget)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        if outbox:
            _insert(connection, OUTBOX_SQL, _outbox_rows(day, subscribers))
        if records:
            _insert(connection, DIGESTS_SQL, _digest_rows(day, subscribers))
    finally:
        connection.close()


async def _migrate(path: Path) -> None:
    store = await Store.open(path)
    await store.close()


def copy_articles(connection: sqlite3.Connection, source: Path) -> None:
    """The articles of another database (of any schema version) into this up-to-date one."""
    connection.execute("ATTACH DATABASE ? AS source", (str(source),))
    ours = {row[1] for row in connection.execute("PRAGMA main.table_info(articles)")}
    theirs = [row[1] for row in connection.execute("PRAGMA source.table_info(articles)")]
    names = ", ".join(name for name in theirs if name in ours)
    [last] = connection.execute("SELECT max(id) FROM source.articles").fetchone()
    for low in range(0, last, CHUNK):
        connection.execute("BEGIN")
        connection.execute(
            f"INSERT INTO main.articles ({names}) SELECT {names} FROM source.articles "
            "WHERE id > ? AND id <= ?",
            (low, low + CHUNK),
        )
        connection.execute("COMMIT")
        print(f"\r  copying articles: {min(last, low + CHUNK):,}", end="", file=sys.stderr)
    print(file=sys.stderr)
    connection.execute("DETACH DATABASE source")


async def _tag_and_rate(path: Path, today: date) -> None:
    store = await Store.open(path)
    try:
        await tag_pending(store)  # as the bot's first start would, before the copies are made
        rates = [
            Rate(code, "USD", Decimal(value), None, today - timedelta(days=back), "nbk")
            for back in range(RATE_DAYS)
            for code, value in CURRENCIES.items()
        ]
        await store.rates.add_many(rates, Standing.BANK)
    finally:
        await store.close()


def grow(connection: sqlite3.Connection, count: int) -> None:
    """Repeat the database's articles (fingerprints made unique) until it holds ``count``."""
    columns = [
        row[1]
        for row in connection.execute("PRAGMA table_info(articles)")
        if row[1] not in ("id", "fingerprint")
    ]
    names = ", ".join(columns)
    base = connection.execute("SELECT max(id) FROM articles").fetchone()[0]
    have = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    copy = 0
    while have < count:
        copy += 1
        for low in range(0, base, CHUNK):
            take = min(CHUNK, count - have)
            if take <= 0:
                break
            connection.execute("BEGIN")
            connection.execute(
                f"INSERT INTO articles ({names}, fingerprint) SELECT {names}, "
                f"fingerprint || '~{copy}' FROM articles WHERE id > ? AND id <= ? "
                "ORDER BY id LIMIT ?",
                (low, low + CHUNK, take),
            )
            connection.execute("COMMIT")
            have = connection.execute(
                "SELECT value FROM counts WHERE name = 'articles'"
            ).fetchone()[0]
            print(f"\r  growing to {count:,} articles: {have:,}", end="", file=sys.stderr)
    print(file=sys.stderr)


def build(articles: Path, target: Path, count: int, subscribers: int, days: int) -> Audience:
    """A copy of ``articles`` (its articles repeated up to ``count`` if it holds fewer) with
    the audience added; cached: built once, with a marker."""
    marker = target.with_suffix(".done")
    if marker.exists():
        stamp = datetime.fromisoformat(marker.read_text().strip())
        return Audience(subscribers, days, stamp)
    for leftover in target.parent.glob(target.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    today = datetime.now(UTC).date()
    now = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    asyncio.run(_migrate(target))
    connection = sqlite3.connect(target, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -400000")
    try:
        copy_articles(connection, articles)
        asyncio.run(_tag_and_rate(target, today))
        grow(connection, count)
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT OR IGNORE INTO subscribers (chat_id, user_id, digest_time, timezone, "
            "active, last_article_id, next_due_at) VALUES (?, ?, '09:00', 'Asia/Almaty', ?, "
            "(SELECT max(id) - 20 FROM articles), ?)",
            [
                (chat, chat, int(chat % 10 != 0), _stamp(now + timedelta(hours=15)))
                for chat in range(1, subscribers + 1)
            ],
        )
        connection.execute("COMMIT")
        for back in range(days - 1):  # the kept week; the tidy's day is added at each run
            _insert(
                connection, OUTBOX_SQL, _outbox_rows(today - timedelta(days=back), subscribers)
            )
        for back in range(KEEP_DIGESTS.days):
            day = today - timedelta(days=back)
            _insert(connection, DIGESTS_SQL, _digest_rows(day, subscribers))
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    marker.write_text(now.isoformat())
    print(
        f"  added {subscribers:,} subscribers, {days - 1} days of outbox and "
        f"{KEEP_DIGESTS.days} days of digest records in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return Audience(subscribers, days, now)


@dataclass(frozen=True, slots=True)
class TidyFigures:
    """The tidy of one day's messages and digest records, as a reader's queries felt it."""

    forgotten: int
    seconds: float
    longest_wait_ms: float
    p99_wait_ms: float
    probes: int


async def measure_tidy(path: Path, audience: Audience) -> TidyFigures:
    """Add the day the tidy forgets, then run it with a reader querying all along."""
    old_message = (audience.now - KEEP_MESSAGES - timedelta(days=1)).date()
    old_record = (audience.now - KEEP_DIGESTS - timedelta(days=1)).date()
    subscribers = audience.subscribers
    await asyncio.to_thread(add_day, path, old_message, subscribers, outbox=True, records=False)
    await asyncio.to_thread(add_day, path, old_record, subscribers, outbox=False, records=True)
    store = await Store.open(path)
    waits: list[float] = []
    try:
        before = await store.outbox.report()
        done = asyncio.Event()

        async def reader() -> None:
            while not done.is_set():
                started = time.perf_counter()
                await store.articles.latest(1)
                waits.append((time.perf_counter() - started) * 1000)

        probe = asyncio.create_task(reader())
        started = time.perf_counter()
        await tidy(store, audience.now)
        seconds = time.perf_counter() - started
        done.set()
        await probe
        after = await store.outbox.report()
    finally:
        await store.close()
    return TidyFigures(
        forgotten=before.total - after.total,
        seconds=seconds,
        longest_wait_ms=max(waits),
        p99_wait_ms=statistics.quantiles(waits, n=100)[98] if len(waits) > 1 else max(waits),
        probes=len(waits),
    )
