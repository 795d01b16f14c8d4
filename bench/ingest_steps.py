"""Ingest, step by step: CPU µs per article of parsing, search terms, tags, festival discovery,
mention finding and the store's write, each measured alone in this process.

    python bench/ingest_steps.py [--articles 10000] [--rounds 3]

The pages are bench_storage's generated ones (cached under ``bench/out/``). Each analysis step
starts with the word cache empty, as a worker process does; the write is ``Articles.add_many``
of the analysed articles in batches of ``ARTICLES_PER_TRANSACTION`` into a fresh database,
each batch with its distinct terms listed beforehand (as ingest's workers list them), and the
part of it that adds them to the search vocabulary (``remember``). The best
of ``--rounds`` rounds is printed for each step.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from pages import BODY_WORDS, Corpus, write_pages  # noqa: E402

from bot.newsroom.discovery import discover  # noqa: E402
from bot.newsroom.ingest import collect, ingest  # noqa: E402
from bot.newsroom.mentions import MentionFinder  # noqa: E402
from bot.newsroom.page_writer import ARTICLES_PER_TRANSACTION  # noqa: E402
from bot.newsroom.reading import read_pages  # noqa: E402
from bot.newsroom.tags import tag_bits  # noqa: E402
from storage import Store, articles  # noqa: E402
from storage.analysis import clear_cache  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.models import Festival, NewArticle  # noqa: E402
from storage.search_index import remember, terms_of  # noqa: E402

OUT = ROOT / "bench" / "out"
FESTIVALS = ROOT / "seeds" / "festivals.toml"


def pages_for(count: int) -> Path:
    """The folder of generated pages of ``count`` articles (written once, then cached)."""
    pages = OUT / f"pages-{count}-{BODY_WORDS[0]}-{BODY_WORDS[1]}"
    if not (pages / "done").exists():
        shutil.rmtree(pages, ignore_errors=True)
        write_pages(pages, iter(Corpus(count)))
        (pages / "done").touch()
    return pages


def cpu(step: Callable[[], object]) -> float:
    """CPU seconds of this process that ``step()`` took."""
    started = time.process_time()
    step()
    return time.process_time() - started


async def known_festivals() -> list[Festival]:
    """The festivals of the seeds' festivals file, as stored."""
    database = OUT / f"steps-{os.getpid()}-festivals.db"
    try:
        store = await Store.open(database)
        try:
            await ingest(store, [FESTIVALS])
            return await store.festivals.all()
        finally:
            await store.close()
    finally:
        for leftover in OUT.glob(database.name + "*"):
            leftover.unlink()


async def write_cpu(news: list[NewArticle]) -> tuple[float, float]:
    """CPU seconds of ``add_many`` in batches into a fresh store, and of the part of it that
    adds the batches' distinct terms, listed beforehand, to the search vocabulary."""
    database = OUT / f"steps-{os.getpid()}.db"
    vocabulary = 0.0
    batches = [
        (
            batch := news[start : start + ARTICLES_PER_TRANSACTION],
            frozenset(term for new in batch for text in new.terms or () for term in text.split()),
        )
        for start in range(0, len(news), ARTICLES_PER_TRANSACTION)
    ]

    async def timed_remember(db: Database, terms: Iterable[str], listed: Iterable[str]) -> None:
        nonlocal vocabulary
        started = time.process_time()
        await remember(db, terms, listed)
        vocabulary += time.process_time() - started

    try:
        for leftover in OUT.glob(database.name + "*"):
            leftover.unlink()
        store = await Store.open(database)
        vars(articles)["remember"] = timed_remember  # Articles.add_many's, timed
        try:
            started = time.process_time()
            for batch, listed in batches:
                await store.articles.add_many(batch, listed)
            return time.process_time() - started, vocabulary
        finally:
            vars(articles)["remember"] = remember
            await store.close()
    finally:
        for leftover in OUT.glob(database.name + "*"):
            leftover.unlink()


async def ingest_cpu(pages: Path) -> float:
    """CPU seconds of a whole first ingest in this process (workers off)."""
    database = OUT / f"steps-{os.getpid()}-all.db"
    try:
        for leftover in OUT.glob(database.name + "*"):
            leftover.unlink()
        store = await Store.open(database)
        try:
            clear_cache()
            started = time.process_time()
            await ingest(store, [FESTIVALS, pages], processes=1)
            return time.process_time() - started
        finally:
            await store.close()
    finally:
        for leftover in OUT.glob(database.name + "*"):
            leftover.unlink()


def main() -> None:
    """Measure each step and print µs per article."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    pages = pages_for(args.articles)
    _, files = collect([pages])
    parsed = [(path, page) for path, page in read_pages(files) if not isinstance(page, str)]
    texts = [(item.title, item.body, page.date) for _, page in parsed for item in page.articles]
    count = len(texts)
    finder = MentionFinder(asyncio.run(known_festivals()))
    news = [
        NewArticle(title, body, "bench", False, seen_on=day, terms=terms_of(title, body))
        for title, body, day in texts
    ]

    def terms() -> None:
        clear_cache()
        for title, body, _ in texts:
            terms_of(title, body)

    steps: dict[str, Callable[[], object]] = {
        "parse": lambda: read_pages(files),
        "search terms": terms,
        "tags": lambda: [tag_bits(title, body) for title, body, _ in texts],
        "discovery": lambda: [discover(title, body, day) for title, body, day in texts],
        "mentions": lambda: [finder.find(title, body) for title, body, _ in texts],
    }
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, step in steps.items():
            best[name] = min(best.get(name, float("inf")), cpu(step))
        write, vocabulary = asyncio.run(write_cpu(news))
        best["write (add_many)"] = min(best.get("write (add_many)", float("inf")), write)
        best["  of which vocabulary"] = min(
            best.get("  of which vocabulary", float("inf")), vocabulary
        )
        best["whole ingest, 1 process"] = min(
            best.get("whole ingest, 1 process", float("inf")), asyncio.run(ingest_cpu(pages))
        )
    print(f"{count:,} articles, CPU µs per article (best of {args.rounds}):")
    for name, seconds in best.items():
        print(f"  {name:26} {seconds / count * 1e6:8.1f}")
    steps_sum = sum(v for k, v in best.items() if not k.startswith(("whole", " ")))
    print(f"  {'sum of the steps':26} {steps_sum / count * 1e6:8.1f}")


if __name__ == "__main__":
    main()
