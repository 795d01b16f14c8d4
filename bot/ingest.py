"""Ingest: festivals files and scraped pages → the store, one transaction per file."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.mentions import MentionFinder
from bot.sources.festivals import FestivalFileError, read_festivals
from bot.sources.pages import Page, PageError, read_page
from storage import Store
from storage.articles import AddOutcome
from storage.models import NewArticle, Rate

logger = logging.getLogger(__name__)

FESTIVAL_SUFFIXES = (".toml",)
PAGE_SUFFIXES = (".txt",)


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
    festivals = await store.festivals.all()
    finder = MentionFinder(festivals)
    names = {festival.id: festival.name for festival in festivals}
    for path, page in parsed:
        report.files.append(await _ingest_page(store, finder, names, path, page))
    return report


def _read_pages(paths: list[Path]) -> tuple[list[tuple[Path, Page]], list[FileReport]]:
    """Parse every page; those that cannot be read become error reports."""
    parsed, failed = [], []
    for path in paths:
        try:
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
            festival, created = await store.festivals.upsert(new)
            (report.festivals_added if created else report.festivals_updated).append(festival.name)
    return report


async def _ingest_page(
    store: Store, finder: MentionFinder, names: dict[int, str], path: Path, page: Page
) -> FileReport:
    report = FileReport(path, page_date=page.date)
    source = f"seed:{path.name}"
    items = page.articles[::-1]  # bottom-up: the top article, the newest, gets the highest id
    news = [
        NewArticle(item.title, item.body, source, item.truncated, seen_on=page.date)
        for item in items
    ]
    rates = []
    for ticker in page.rates:
        assert page.date is not None, "the parser refuses rates without a page date"
        rates.append(
            Rate(ticker.currency, ticker.base, ticker.value, ticker.change_pct, page.date, source)
        )
    async with store.transaction():
        added = await store.articles.add_many(news)
        links = [
            [] if outcome is AddOutcome.SKIPPED else finder.find(item.title, item.body)
            for item, (_, outcome) in zip(items, added, strict=True)
        ]
        await store.articles.link_many(
            (article_id, festival_id)
            for (article_id, _), festival_ids in zip(added, links, strict=True)
            for festival_id in festival_ids
        )
        for rate, stored in zip(rates, await store.rates.add_many(rates), strict=True):
            if stored:
                report.rates_added.append(rate)
            else:
                report.rates_skipped += 1
        report.articles = [
            ArticleResult(article_id, item.title, outcome, tuple(names[i] for i in festival_ids))
            for item, (article_id, outcome), festival_ids in zip(items, added, links, strict=True)
        ][::-1]
        await store.ingest_runs.record(
            str(path),
            articles_added=report.count(AddOutcome.ADDED),
            articles_skipped=report.count(AddOutcome.SKIPPED),
            rates_added=len(report.rates_added),
        )
    return report
