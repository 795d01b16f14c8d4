"""Ingest: festivals files and scraped pages → the store; each file whole or not at all."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.newsroom.festivals import discover_and_link_many
from bot.newsroom.sources.festivals import FestivalFileError, read_festivals
from bot.newsroom.sources.pages import (
    Page,
    PageError,
    TickerRate,
    check_page_size,
    read_page,
)
from bot.newsroom.tags import tag_bits
from storage import Store
from storage.articles import AddOutcome
from storage.errors import StorageError
from storage.festivals import MergeOutcome
from storage.models import FactSource, NewArticle, Rate

logger = logging.getLogger(__name__)

FESTIVAL_SUFFIXES = (".toml",)
PAGE_SUFFIXES = (".txt",)
# Pages are written a few at a time, in one transaction of about this many articles: a crash
# loses at most that much, and a second ingest redoes it (ingest is idempotent).
ARTICLES_PER_TRANSACTION = 1000
# A pause between two transactions, so that another process (the serving bot) can take the write
# lock: SQLite's busy handler retries every 100 ms, and back-to-back transactions starve it past
# its 5 s timeout ("database is locked" for a reader's /subscribe during a big ingest).
BATCH_PAUSE = 0.15


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


@dataclass(slots=True)
class IngestReport:
    """The reports of every file of one ingest."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """The error of every file that could not be ingested."""
        return [report.error for report in self.files if report.error]

    def count(self, outcome: AddOutcome) -> int:
        """How many articles of the whole ingest had ``outcome``."""
        return sum(report.count(outcome) for report in self.files)

    @property
    def rates_added(self) -> int:
        """How many rates were stored."""
        return sum(len(report.rates_added) for report in self.files)

    @property
    def links(self) -> int:
        """How many festival links the new and completed articles made."""
        return sum(len(article.festivals) for report in self.files for article in report.articles)


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Split files and folders into festivals files and pages, each sorted; folders are scanned."""
    festival_files: set[Path] = set()
    pages: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.suffix in FESTIVAL_SUFFIXES:
                festival_files.add(candidate)
            elif candidate.suffix in PAGE_SUFFIXES or not path.is_dir():
                pages.add(candidate)
    return sorted(festival_files), sorted(pages)


async def ingest(store: Store, paths: Iterable[Path]) -> IngestReport:
    """Ingest festivals files first, then pages from the oldest date to the newest."""
    festival_files, page_files = collect(paths)
    report = IngestReport()
    for path in festival_files:
        report.files.append(await _ingest_festivals(store, path))

    parsed, failed = await asyncio.to_thread(_read_pages, page_files)
    report.files.extend(failed)
    # Oldest page first and each page bottom-up, so that newer articles get higher ids;
    # undated pages (single articles) last, so a dated copy of the same article wins.
    parsed.sort(key=lambda item: (item[1].date is None, item[1].date or date.min, item[0]))
    writer = _PageWriter(store)
    for number, batch in enumerate(_batches(parsed, ARTICLES_PER_TRANSACTION)):
        if number:
            await asyncio.sleep(BATCH_PAUSE)
        report.files.extend(await writer.write_batch(batch))
    return report


def _batches(parsed: list[tuple[Path, Page]], articles: int) -> Iterator[list[tuple[Path, Page]]]:
    """Consecutive pages, as many as hold about ``articles`` articles (at least one page)."""
    batch: list[tuple[Path, Page]] = []
    size = 0
    for item in parsed:
        batch.append(item)
        size += len(item[1].articles)
        if size >= articles:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _read_pages(paths: list[Path]) -> tuple[list[tuple[Path, Page]], list[FileReport]]:
    """Parse every page; those that cannot be read become error reports."""
    parsed, failed = [], []
    for path in paths:
        try:
            check_page_size(path)
            parsed.append((path, read_page(path)))
        except PageError as error:
            failed.append(FileReport(path, error=str(error)))
        except OSError as error:
            failed.append(FileReport(path, error=f"{path.name}: {error.strerror or error}"))
    return parsed, failed


async def _ingest_festivals(store: Store, path: Path) -> FileReport:
    report = FileReport(path)
    try:
        festivals = await asyncio.to_thread(read_festivals, path)
    except FestivalFileError as error:
        report.error = str(error)
        return report
    async with store.transaction():
        for new in festivals:
            # The file adds what is missing and never overwrites what an admin changed.
            merged = await store.festivals.merge(new, FactSource.SEED)
            if merged.festival is None:
                continue  # an admin deleted it
            added = merged.outcome is MergeOutcome.ADDED
            (report.festivals_added if added else report.festivals_updated).append(new.name)
    return report


class _PageWriter:
    """Writes parsed pages: several in one transaction, each page whole or not at all."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def write_batch(self, batch: list[tuple[Path, Page]]) -> list[FileReport]:
        """Write the pages in one transaction; if that fails, each page in its own one.

        A transaction per page would spend most of the ingest committing (FTS5 writes its
        index at each commit); a page that fails to write still writes nothing and its
        neighbours are kept, as the pages are then written again one by one.
        """
        try:
            async with self._store.transaction():
                return await self._write(batch)
        except StorageError as error:
            if len(batch) == 1:
                path, page = batch[0]
                logger.warning("%s not ingested: %s", path, error)
                return [FileReport(path, page_date=page.date, error=f"{path.name}: {error}")]
        reports = []
        for item in batch:
            reports += await self.write_batch([item])
        return reports

    async def _write(self, batch: list[tuple[Path, Page]]) -> list[FileReport]:
        """Articles, festival links, rates and the ingest log of the pages, in a few statements."""
        store = self._store
        reports = [FileReport(path, page_date=page.date) for path, page in batch]
        # Bottom-up: the top article of a page, the newest, gets the highest id.
        items = [
            (report, item)
            for report, (_, page) in zip(reports, batch, strict=True)
            for item in page.articles[::-1]
        ]
        news = [
            NewArticle(
                item.title,
                item.body,
                f"seed:{report.path.name}",
                item.truncated,
                seen_on=report.page_date,
            )
            for report, item in items
        ]
        added = await store.articles.add_many(news)
        # Tagged once stored, so that the articles a page repeats (most, at each start) are not.
        await store.tags.set_many(
            (article_id, tag_bits(item.title, item.body))
            for (_, item), (article_id, outcome) in zip(items, added, strict=True)
            if outcome is not AddOutcome.SKIPPED
        )
        # New and completed articles: the festivals they name, those found in them included.
        found = await discover_and_link_many(
            store,
            [
                (article_id, item.title, item.body, report.page_date)
                for (report, item), (article_id, outcome) in zip(items, added, strict=True)
                if outcome is not AddOutcome.SKIPPED
            ],
        )
        for (report, item), (article_id, outcome) in zip(items, added, strict=True):
            named = () if outcome is AddOutcome.SKIPPED else found.get(article_id, ())
            festivals = tuple(festival.name for festival in named)
            report.articles.append(ArticleResult(article_id, item.title, outcome, festivals))
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
            await store.ingest_runs.record(
                str(report.path),
                articles_added=report.count(AddOutcome.ADDED),
                articles_skipped=report.count(AddOutcome.SKIPPED),
                rates_added=len(report.rates_added),
            )
        return reports


def _rate(ticker: TickerRate, report: FileReport) -> Rate:
    assert report.page_date is not None, "the parser refuses rates without a page date"
    source = f"seed:{report.path.name}"
    return Rate(
        ticker.currency, ticker.base, ticker.value, ticker.change_pct, report.page_date, source
    )
