"""Ingest: festivals files and scraped pages → the store; each file whole or not at all."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.newsroom.page_writer import ArticleResult, FileReport, PageWriter
from bot.newsroom.reading import Workers
from bot.newsroom.sources.festivals import FestivalFileError, read_festivals
from storage import Store
from storage.articles import AddOutcome
from storage.festivals import MergeOutcome
from storage.models import FactSource

__all__ = ["ArticleResult", "FileReport", "IngestReport", "collect", "ingest"]

logger = logging.getLogger(__name__)

FESTIVAL_SUFFIXES = (".toml",)
PAGE_SUFFIXES = (".txt",)


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


async def ingest(
    store: Store, paths: Iterable[Path], *, processes: int | None = None
) -> IngestReport:
    """Ingest festivals files first, then pages from the oldest date to the newest; a large
    ingest is read in ``processes`` worker processes (by default one per CPU, at most 2)."""
    festival_files, page_files = collect(paths)
    report = IngestReport()
    for path in festival_files:
        report.files.append(await _ingest_festivals(store, path))

    async with Workers(len(page_files), processes) as workers:
        parsed = []
        for path, page in await workers.read_pages(page_files):
            if isinstance(page, str):
                report.files.append(FileReport(path, error=page))
            else:
                parsed.append((path, page))
        # Oldest page first and each page bottom-up, so that newer articles get higher ids;
        # undated pages (single articles) last, so a dated copy of the same article wins.
        parsed.sort(key=lambda item: (item[1].date is None, item[1].date or date.min, item[0]))
        report.files.extend(await PageWriter(store, workers).write(parsed))
    return report


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
