"""The CPU-heavy part of ingest, away from the store: pages parsed and articles analysed (search
terms, tags, festivals), in worker processes for a large ingest so that the event loop stays free
for readers and the writes of one batch overlap the reading of the next."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from bot.newsroom.festivals import Reading, read_article
from bot.newsroom.mentions import MentionFinder
from bot.newsroom.sources.pages import Page, PageError, check_page_size, read_page
from bot.newsroom.tags import tag_bits
from storage.models import Festival, NewArticle
from storage.search_index import terms_of

T = TypeVar("T")

# From this many pages (about 6 articles each) the work goes to worker processes: below it,
# starting them (a fresh interpreter each) would cost more than it saves.
PROCESSES_FROM_PAGES = 300
# Pages a worker process parses per call (~300 articles, ~15 ms).
PARSE_CHUNK = 50


@dataclass(frozen=True, slots=True)
class Analysed:
    """One article made ready for the store: its search terms, tags and what it names."""

    terms: tuple[str, str]
    tags: int
    reading: Reading

    def applied_to(self, new: NewArticle) -> NewArticle:
        """The article with its terms and tags."""
        return replace(new, tags=self.tags, terms=self.terms)


@dataclass(frozen=True, slots=True)
class Analysis:
    """Articles analysed together, and the distinct search terms of them all: listed here, in a
    worker, for the store's vocabulary (``Articles.add_many``), where the writer took ~40 µs an
    article to list them (bench/ingest_steps.py)."""

    articles: list[Analysed]
    vocabulary: frozenset[str]

    @staticmethod
    def joined(parts: Sequence[Analysis]) -> Analysis:
        """The analyses of consecutive parts as one."""
        articles = [analysed for part in parts for analysed in part.articles]
        return Analysis(articles, frozenset().union(*(part.vocabulary for part in parts)))


def read_pages(paths: Sequence[Path]) -> list[tuple[Path, Page | str]]:
    """Each page parsed, or the error that it could not be (naming the file)."""
    parsed: list[tuple[Path, Page | str]] = []
    for path in paths:
        try:
            check_page_size(path)
            parsed.append((path, read_page(path)))
        except PageError as error:
            parsed.append((path, str(error)))
        except OSError as error:
            parsed.append((path, f"{path.name}: {error.strerror or error}"))
    return parsed


def analyse(
    articles: Sequence[tuple[str, str, date | None]], festivals: Sequence[Festival]
) -> Analysis:
    """Each ``(title, body, date)`` analysed; ``festivals`` are those its names are looked for."""
    finder = MentionFinder(festivals)
    analysed = [
        Analysed(
            terms_of(title, body), tag_bits(title, body), read_article(title, body, day, finder)
        )
        for title, body, day in articles
    ]
    vocabulary = frozenset(term for one in analysed for text in one.terms for term in text.split())
    return Analysis(analysed, vocabulary)


class Workers:
    """Where the reading runs: worker processes (one per CPU, at most ``processes``) or a thread
    of this one; ``async with`` starts and stops them."""

    def __init__(self, pages: int, processes: int | None = None) -> None:
        count = min(processes or 2, os.cpu_count() or 1)
        self._processes = count if pages >= PROCESSES_FROM_PAGES and count > 1 else 0
        self._executor: Executor | None = None

    @property
    def processes(self) -> int:
        """How many worker processes run (0: a thread of this process)."""
        return self._processes

    async def __aenter__(self) -> Workers:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._executor is not None:
            executor, self._executor = self._executor, None
            await asyncio.to_thread(executor.shutdown, cancel_futures=True)

    def run(self, function: Callable[..., T], *args: object) -> asyncio.Future[T]:
        """``function(*args)`` in a worker (or a thread): a future of its result. The workers
        start at the first call (a repeated ingest, with nothing to analyse, starts none)."""
        if self._processes and self._executor is None:
            # Not fork: this process has threads (aiosqlite's), which fork would copy unsafely.
            # A fork server (started once, with this module imported) forks the workers, so
            # each does not import the analysis anew as a spawned one would: that took ~0.25 s
            # of CPU per worker and ingest, 50-100 µs an article of a 5k-10k ingest on 2 cores.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            self._executor = ProcessPoolExecutor(self._processes, mp_context=context)
        return asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    async def read_pages(self, paths: Sequence[Path]) -> list[tuple[Path, Page | str]]:
        """``read_pages`` shared between the worker processes and a thread of this one (the
        thread alone when there are no workers), in order.

        Every page is parsed before the first is written (they are written by date): the thread
        parsing them all alone took ~44 µs of CPU an article while nothing else ran, 0.3-0.4 s
        of a 10k ingest. The thread takes chunks from the front meanwhile the workers start
        (a fork server's first start, importing the analysis, blocks this one 0.3-0.7 s), the
        workers from the back."""
        if not self._processes or not paths:
            return await asyncio.to_thread(read_pages, paths)
        chunks = deque(
            enumerate(paths[at : at + PARSE_CHUNK] for at in range(0, len(paths), PARSE_CHUNK))
        )
        parsed: dict[int, list[tuple[Path, Page | str]]] = {}

        def here() -> None:
            while True:
                try:
                    number, chunk = chunks.popleft()
                except IndexError:
                    return
                parsed[number] = read_pages(chunk)

        async def worker() -> None:
            while True:
                try:
                    number, chunk = chunks.pop()
                except IndexError:
                    return
                parsed[number] = await self.run(read_pages, chunk)

        thread = asyncio.create_task(asyncio.to_thread(here))
        await asyncio.sleep(0)  # the thread starts before a worker's start blocks this one
        await asyncio.gather(thread, *(worker() for _ in range(self._processes)))
        return [item for number in range(len(parsed)) for item in parsed[number]]
