"""Writing parsed pages to the store, a batch of pages a transaction, while worker processes
analyse the next batches (``bot.newsroom.reading``)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.newsroom.festivals import link_readings
from bot.newsroom.reading import Analysed, Analysis, Workers, analyse
from bot.newsroom.sources.pages import Page, TickerRate
from storage import Store
from storage.articles import AddOutcome
from storage.errors import StorageError
from storage.models import Festival, NewArticle, Rate

logger = logging.getLogger(__name__)

# Pages are written a few at a time, in one transaction of about this many articles: a crash
# loses at most that much, and a second ingest redoes it (ingest is idempotent).
ARTICLES_PER_TRANSACTION = 1000
# The first transaction is smaller: the writer waits for its analysis before anything else can
# overlap, so a quarter of the articles start the pipeline four times sooner.
FIRST_TRANSACTION = 250
# A pause between two transactions, so that another process (the serving bot) can take the write
# lock: SQLite's busy handler retries every 100 ms, and back-to-back transactions starve it past
# its 5 s timeout ("database is locked" for a reader's /subscribe during a big ingest). It comes
# once the lock was held HOLD_LIMIT seconds without such a gap (waiting for the workers counts),
# so another writer waits at most about that long.
BATCH_PAUSE = 0.15
HOLD_LIMIT = 1.0


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """What became of one article of a page."""

    article_id: int
    title: str
    outcome: AddOutcome
    festivals: tuple[str, ...]


@dataclass(slots=True)
class FileReport:
    """What one file added and skipped."""

    path: Path
    page_date: date | None = None
    articles: list[ArticleResult] = field(default_factory=list)
    rates_added: list[Rate] = field(default_factory=list)
    rates_skipped: int = 0
    festivals_added: list[str] = field(default_factory=list)
    festivals_updated: list[str] = field(default_factory=list)
    error: str | None = None

    def count(self, outcome: AddOutcome) -> int:
        """How many articles of this file had ``outcome``."""
        return sum(1 for article in self.articles if article.outcome is outcome)


class PageWriter:
    """Writes parsed pages: several in one transaction, each page whole or not at all, while the
    workers analyse the next ones."""

    def __init__(self, store: Store, workers: Workers) -> None:
        self._store = store
        self._workers = workers
        self._since_pause = self._written = time.monotonic()
        # Batches analysed beyond the one written: one per worker process (one for a thread).
        self._read_ahead = max(workers.processes, 1)

    async def write(self, parsed: list[tuple[Path, Page]]) -> list[FileReport]:
        """Write every page, in order, while the next batches are analysed."""
        batches = list(
            _batches(
                parsed, ARTICLES_PER_TRANSACTION, min(FIRST_TRANSACTION, ARTICLES_PER_TRANSACTION)
            )
        )
        ahead: deque[_Analysis] = deque()
        reports: list[FileReport] = []
        for number, batch in enumerate(batches):
            while len(ahead) <= self._read_ahead and number + len(ahead) < len(batches):
                ahead.append(await self._analyse(batches[number + len(ahead)]))
            analysis = ahead.popleft()
            done = await analysis.task
            found = iter(done.articles)
            analysed = [None if settled else next(found) for settled in analysis.settled]
            await self._pause()
            reports += await self._write_batch(
                batch, _per_page(batch, analysed), analysis.known, done.vocabulary
            )
            self._written = time.monotonic()
        return reports

    async def _analyse(self, batch: list[tuple[Path, Page]]) -> _Analysis:
        """Start analysing a batch's articles with the festivals known now, but those that
        ``add_many`` will skip whatever comes before (most of a repeated ingest)."""
        news = [new for path, page in batch for new in _news(path, page)]
        settled = await self._store.articles.settled(news)
        texts = [(n.title, n.body, n.seen_on) for n, done in zip(news, settled, strict=True)]
        known = await self._store.festivals.all()
        todo = [text for text, done in zip(texts, settled, strict=True) if not done]
        if not todo:  # a repeated ingest: nothing to send to the workers
            task: asyncio.Future[Analysis] = asyncio.get_running_loop().create_future()
            task.set_result(Analysis([], frozenset()))
            return _Analysis(task, settled, known)
        # Split between the worker processes, so that a batch is ready in a share of the time.
        parts = max(self._workers.processes, 1)
        size = -(-len(todo) // parts)
        runs = [
            self._workers.run(analyse, todo[at : at + size], known)
            for at in range(0, len(todo), size)
        ]
        return _Analysis(asyncio.ensure_future(_joined(runs)), settled, known)

    async def _pause(self) -> None:
        """Let another process take the write lock (see ``BATCH_PAUSE``) when it was held long."""
        now = time.monotonic()
        if now - self._written >= BATCH_PAUSE:  # free long enough already
            self._since_pause = now
        elif now - self._since_pause >= HOLD_LIMIT:
            await asyncio.sleep(BATCH_PAUSE - (now - self._written))
            self._since_pause = time.monotonic()

    async def _write_batch(
        self,
        batch: list[tuple[Path, Page]],
        analysed: list[list[Analysed | None]],
        known: list[Festival],
        vocabulary: frozenset[str],
    ) -> list[FileReport]:
        """Write the pages in one transaction; if that fails, each page in its own one.

        A transaction per page would spend most of the ingest committing (FTS5 writes its
        index at each commit); a page that fails to write still writes nothing and its
        neighbours are kept, as the pages are then written again one by one.
        """
        try:
            async with self._store.transaction():
                return await self._write(batch, analysed, known, vocabulary)
        except StorageError as error:
            if len(batch) == 1:
                path, page = batch[0]
                logger.warning("%s not ingested: %s", path, error)
                return [FileReport(path, page_date=page.date, error=f"{path.name}: {error}")]
        reports = []
        for item, page_analysed in zip(batch, analysed, strict=True):
            reports += await self._write_batch([item], [page_analysed], known, vocabulary)
        return reports

    async def _write(
        self,
        batch: list[tuple[Path, Page]],
        analysed: list[list[Analysed | None]],
        known: list[Festival],
        vocabulary: frozenset[str],
    ) -> list[FileReport]:
        """Articles, festival links, rates and the ingest log of the pages, in a few statements;
        ``vocabulary``: the distinct search terms of the analysed articles."""
        store = self._store
        reports = [FileReport(path, page_date=page.date) for path, page in batch]
        # Bottom-up: the top article of a page, the newest, gets the highest id.
        items = [
            (report, new, ready)
            for report, (path, page), page_analysed in zip(reports, batch, analysed, strict=True)
            for new, ready in zip(_news(path, page)[::-1], page_analysed[::-1], strict=True)
        ]
        added = await store.articles.add_many(
            [ready.applied_to(new) if ready else new for _, new, ready in items], vocabulary
        )
        # New and completed articles: the festivals they name, those found in them included.
        changed = [
            (
                article_id,
                new,
                ready or analyse([(new.title, new.body, new.seen_on)], known).articles[0],
            )
            for (_, new, ready), (article_id, outcome) in zip(items, added, strict=True)
            if outcome is not AddOutcome.SKIPPED
        ]
        found = await link_readings(
            store,
            [(article_id, new.title, new.body) for article_id, new, _ in changed],
            [ready.reading for *_, ready in changed],
            known,
        )
        for (report, new, _), (article_id, outcome) in zip(items, added, strict=True):
            named = () if outcome is AddOutcome.SKIPPED else found.get(article_id, ())
            festivals = tuple(festival.name for festival in named)
            report.articles.append(ArticleResult(article_id, new.title, outcome, festivals))
        rates = [
            (report, _rate(ticker, report))
            for report, (_, page) in zip(reports, batch, strict=True)
            for ticker in page.rates
        ]
        stored = await store.rates.add_many([rate for _, rate in rates])
        for (report, rate), was_stored in zip(rates, stored, strict=True):
            if was_stored:
                report.rates_added.append(rate)
            else:
                report.rates_skipped += 1
        for report in reports:
            report.articles.reverse()  # as on the page, top first
        await store.ingest_runs.record_many(
            [
                (
                    str(report.path),
                    report.count(AddOutcome.ADDED),
                    report.count(AddOutcome.SKIPPED),
                    len(report.rates_added),
                )
                for report in reports
            ]
        )
        return reports


@dataclass(frozen=True, slots=True)
class _Analysis:
    """A batch being analysed: its results to come (for the articles not settled), which
    articles were settled, and the festivals its names were looked for among."""

    task: asyncio.Future[Analysis]
    settled: list[bool]
    known: list[Festival]


async def _joined(runs: list[asyncio.Future[Analysis]]) -> Analysis:
    """The analyses of a batch's parts, as one."""
    return Analysis.joined(await asyncio.gather(*runs))


def _news(path: Path, page: Page) -> list[NewArticle]:
    """The articles of a page as the store takes them (before analysis), top first."""
    return [
        NewArticle(item.title, item.body, f"seed:{path.name}", item.truncated, seen_on=page.date)
        for item in page.articles
    ]


def _per_page(
    batch: list[tuple[Path, Page]], analysed: list[Analysed | None]
) -> list[list[Analysed | None]]:
    """A batch's analyses split by page."""
    pages, start = [], 0
    for _, page in batch:
        pages.append(analysed[start : start + len(page.articles)])
        start += len(page.articles)
    return pages


def _rate(ticker: TickerRate, report: FileReport) -> Rate:
    assert report.page_date is not None, "the parser refuses rates without a page date"
    source = f"seed:{report.path.name}"
    return Rate(
        ticker.currency, ticker.base, ticker.value, ticker.change_pct, report.page_date, source
    )


def _batches(
    parsed: list[tuple[Path, Page]], articles: int, first: int
) -> Iterator[list[tuple[Path, Page]]]:
    """Consecutive pages, as many as hold about ``articles`` articles (``first`` for the first
    batch; at least one page)."""
    batch: list[tuple[Path, Page]] = []
    size = 0
    for item in parsed:
        batch.append(item)
        size += len(item[1].articles)
        if size >= first:
            yield batch
            batch, size, first = [], 0, articles
    if batch:
        yield batch
