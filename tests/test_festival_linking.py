"""Linking a festival to the articles that name it, on a real store: batches of candidates,
each read once, however many older ones there are."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.newsroom.mentions import link_festival
from storage import Store
from storage.articles import fingerprint
from storage.models import NewFestival
from storage.search_index import terms_of


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


async def fill(store: Store, count: int) -> None:
    """``count`` articles naming the Premiere Cinema Days, a few words apart."""
    rows = []
    for number in range(count):
        title = f"Report number {number}"
        body = f"Premiere of the year at the cinema: Premiere Cinema Days, day {number}."
        rows.append((title, body, "test", fingerprint(title), *terms_of(title, body)))
    async with store.transaction():
        await store.db.execute_many(
            "INSERT INTO articles (title, body, source, fingerprint, title_terms, body_terms) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )


async def candidate_work(store: Store, batch: int) -> tuple[list[int], int]:
    """The batch sizes of the candidates for the festival's name, and SQLite's steps (in
    hundreds) to list them all."""
    steps = 0

    def step() -> int:
        nonlocal steps
        steps += 1
        return 0

    await store.db.connection.set_progress_handler(step, 100)
    sizes = [
        len(found)
        async for found in store.articles.containing_any(["Premiere Cinema Days"], batch=batch)
    ]
    await store.db.connection.set_progress_handler(None, 100)
    return sizes, steps


async def test_candidates_come_newest_first_in_batches_each_read_once(tmp_path: Path) -> None:
    work = []
    for count in (300, 1200):
        store = await Store.open(tmp_path / f"{count}.db")
        try:
            await fill(store, count)
            sizes, steps = await candidate_work(store, batch=100)
            assert sizes == [100] * (count // 100)
            work.append(steps)
        finally:
            await store.close()

    small, large = work
    assert large <= small * 5, work  # 4 times the articles: 4 times the work, not 16


async def test_a_new_festival_is_linked_to_every_article_that_names_it(store: Store) -> None:
    await fill(store, 1100)
    festival, _ = await store.festivals.upsert(
        NewFestival(name="Premiere Cinema Days", city="Almaty", country="Kazakhstan")
    )

    assert await link_festival(store, festival) == 1100
    assert len(await store.articles.mentioning(festival.id, 5000)) == 1100
