"""Ingest read in worker processes and written batch by batch (issue 16): the same store as one
process would write, festivals found in a batch linked in those read before it was stored, and a
repeated ingest that analyses nothing it will skip."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest

from bench import pages as generated
from bot.newsroom import page_writer, reading
from bot.newsroom.ingest import collect, ingest
from bot.newsroom.reading import Analysis
from storage import Store
from storage.articles import AddOutcome
from tests.test_ingest import page

T = TypeVar("T")

FESTIVAL = "Zhetisu Steppe International Film Festival"
ALIAS = "ZSIFF"


def write_pages(folder: Path, count: int) -> None:
    """Generated pages, then one that names a new festival with its acronym, then pages that
    name it by the acronym only (which only the festival's names find, not discovery)."""
    generated.write_pages(folder, iter(generated.Corpus(count, words=(40, 80))))
    (folder / "z1.txt").write_text(
        page(
            "01 March 2030",
            [
                (
                    "Steppe cinema returns",
                    f"The {FESTIVAL} ({ALIAS}) takes place in Almaty on June 3-8, 2030.",
                )
            ],
        ),
        encoding="utf-8",
    )
    for day in range(2, 6):
        (folder / f"z{day}.txt").write_text(
            page(f"0{day} March 2030", [(f"Programme news {day}", f"At {ALIAS} this year.")]),
            encoding="utf-8",
        )


async def contents(store: Store) -> tuple[list[tuple[object, ...]], ...]:
    """Every article with its terms, tags and date; every festival; every link by name; the
    ingest log; the search vocabulary."""
    articles = await store.db.fetch_all(
        "SELECT id, title, body, truncated, seen_on, title_terms, body_terms, tags "
        "FROM articles ORDER BY id"
    )
    festivals = await store.db.fetch_all(
        "SELECT id, name, city, starts_on, ends_on FROM festivals ORDER BY id"
    )
    links = await store.db.fetch_all(
        "SELECT article_id, festival_id FROM festival_mentions ORDER BY 1, 2"
    )
    runs = await store.db.fetch_all(
        "SELECT source, articles_added, articles_skipped, rates_added FROM ingest_runs "
        "ORDER BY source"
    )
    vocabulary = await store.db.fetch_all("SELECT term FROM search_terms ORDER BY term")
    return tuple(
        [tuple(row) for row in rows] for rows in (articles, festivals, links, runs, vocabulary)
    )


async def test_worker_processes_store_what_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "pages"
    write_pages(folder, 240)
    monkeypatch.setattr(page_writer, "ARTICLES_PER_TRANSACTION", 30)
    alone = await Store.open(tmp_path / "alone.db")
    try:
        await ingest(alone, [folder], processes=1)
        expected = await contents(alone)
    finally:
        await alone.close()

    monkeypatch.setattr(reading, "PROCESSES_FROM_PAGES", 1)
    workers = await Store.open(tmp_path / "workers.db")
    try:
        report = await ingest(workers, [folder], processes=2)
        assert report.errors == []
        assert report.count(AddOutcome.ADDED) == 245
        assert await contents(workers) == expected
    finally:
        await workers.close()
    articles, festivals, links, _, vocabulary = expected
    assert all(row[5] and row[6] and row[7] is not None for row in articles)  # terms and tags
    # The vocabulary the workers listed: every term of every article, and no other.
    assert {term for (term,) in vocabulary} == {
        term for row in articles for terms in row[5:7] for term in str(terms).split()
    }
    [(festival_id, *_)] = [row for row in festivals if row[1] == FESTIVAL]
    titles = {row[0]: row[1] for row in articles}
    linked = {titles[a] for a, f in links if f == festival_id}
    assert linked == {"Steppe cinema returns", *(f"Programme news {d}" for d in range(2, 6))}


async def test_a_festival_found_in_a_batch_is_linked_in_the_next_ones_read_before_it(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "pages"
    write_pages(folder, 0)
    monkeypatch.setattr(page_writer, "ARTICLES_PER_TRANSACTION", 1)  # a page a batch
    known_when_read: list[set[str]] = []

    def spying(articles: list[tuple[str, str, date | None]], festivals: list[object]) -> Analysis:
        known_when_read.append({getattr(festival, "name", "") for festival in festivals})
        return reading.analyse(articles, festivals)  # type: ignore[arg-type]

    monkeypatch.setattr(page_writer, "analyse", spying)
    report = await ingest(store, [folder])
    assert FESTIVAL not in known_when_read[1]  # the next page was read before it was found
    for day in range(2, 6):
        [result] = [a for f in report.files for a in f.articles if a.title.endswith(str(day))]
        assert result.festivals == (FESTIVAL,)
        assert [
            (await store.festivals.get(i)).name
            for i in await store.articles.festival_ids(result.article_id)
        ] == [FESTIVAL]


async def test_a_repeated_ingest_analyses_only_what_it_may_store(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "pages"
    write_pages(folder, 60)
    analysed: list[str] = []

    def counting(
        articles: list[tuple[str, str, date | None]], festivals: list[object]
    ) -> Analysis:
        analysed.extend(title for title, _, _ in articles)
        return reading.analyse(articles, festivals)  # type: ignore[arg-type]

    monkeypatch.setattr(page_writer, "analyse", counting)
    first = await ingest(store, [folder])
    assert len(analysed) == first.count(AddOutcome.ADDED) == 65
    analysed.clear()
    again = await ingest(store, [folder])
    assert again.count(AddOutcome.SKIPPED) == 65
    assert analysed == []
    # A page with the whole body of an article stored cut: it alone is analysed, and completed.
    cut = next(a for a in generated.Corpus(60, words=(40, 80)) if a.truncated)
    whole = cut.body.removesuffix("...") + " Qwertyuiop closes it."
    (folder / "zz.txt").write_text(page("09 March 2030", [(cut.title, whole)]), encoding="utf-8")
    completed = await ingest(store, [folder])
    assert analysed == [cut.title]
    assert completed.count(AddOutcome.UPDATED) == 1
    [article_id] = [
        a.article_id
        for f in completed.files
        for a in f.articles
        if a.outcome is AddOutcome.UPDATED
    ]
    stored = await store.articles.get(article_id)
    assert (stored.body, stored.truncated) == (whole, False)
    found = await store.search.find("qwertyuiop")
    assert [hit.article.id for hit in found.hits] == [article_id]  # its new terms are indexed


async def test_pages_are_parsed_by_the_workers_and_here_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page must be parsed before the first is written: a thread of this process and the
    worker processes share the parsing (chunks from both ends) and give back what this process
    alone would, in the order given, failures named."""
    folder = tmp_path / "pages"
    generated.write_pages(folder, iter(generated.Corpus(300, words=(20, 40))))
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("01 March 2030\n\nCafé\n".encode("latin-1"))
    _, paths = collect([folder])
    paths.append(folder / "gone.txt")
    expected = reading.read_pages(paths)
    monkeypatch.setattr(reading, "PARSE_CHUNK", 4)
    async with reading.Workers(reading.PROCESSES_FROM_PAGES, processes=2) as workers:
        assert workers.processes == 2
        parsed = await workers.read_pages(paths)
    assert [path for path, _ in parsed] == paths
    assert parsed == expected
    errors = {path.name: page for path, page in parsed if isinstance(page, str)}
    assert errors.keys() == {"empty.txt", "latin1.txt", "gone.txt"}
    assert errors["empty.txt"].startswith("empty.txt:1:")
    assert sum(len(page.articles) for _, page in parsed if not isinstance(page, str)) == 300


class _InProcess:
    """Workers as the writer sees them, two of them, running each call here and recording it."""

    processes = 2

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def run(self, function: Callable[..., Analysis], *args: object) -> asyncio.Future[T]:
        articles = args[0]
        assert isinstance(articles, list)
        self.calls.append([title for title, _, _ in articles])
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        future.set_result(function(*args))
        return future


async def test_each_batch_is_shared_by_the_workers_and_the_first_is_small(
    store: Store, tmp_path: Path
) -> None:
    """The writer waits for a batch's analysis: each is split between the worker processes,
    and the first batch, which nothing overlaps, holds FIRST_TRANSACTION articles only."""
    folder = tmp_path / "pages"
    generated.write_pages(folder, iter(generated.Corpus(1500, words=(20, 40))))
    _, paths = collect([folder])
    parsed = [
        (path, page) for path, page in reading.read_pages(paths) if not isinstance(page, str)
    ]
    workers = _InProcess()
    reports = await page_writer.PageWriter(store, workers).write(parsed)  # type: ignore[arg-type]
    assert sum(report.count(AddOutcome.ADDED) for report in reports) == 1500
    sizes = [len(call) for call in workers.calls]
    assert sum(sizes) == 1500
    # Pages hold 6 articles: the first batch takes pages up to 250 articles, then up to 1,000.
    assert sizes[:2] == [126, 126]
    assert sizes[2:4] == [501, 501]
    titles = [title for call in workers.calls for title in call]
    stored = await store.db.fetch_all("SELECT title FROM articles")
    assert sorted(titles) == sorted(row[0] for row in stored)
