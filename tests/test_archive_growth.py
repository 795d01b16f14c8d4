"""Reads of a digest that must not grow with the archive, on real SQLite files."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from storage import Store
from storage.articles import fingerprint
from storage.search_index import terms_of
from tests.test_figures import vm_steps


async def archive(store: Store, count: int, first: date) -> None:
    """``count`` articles dated a day apart from ``first`` on, stored in one go."""
    rows = []
    for number in range(count):
        title = f"Archived story {first} {number}"
        day = (first + timedelta(days=number)).isoformat()
        rows.append((title, "Body.", "test", day, fingerprint(title), *terms_of(title, "Body.")))
    async with store.transaction():
        await store.db.execute_many(
            "INSERT INTO articles (title, body, source, seen_on, fingerprint, title_terms, "
            "body_terms) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


async def test_a_digest_of_new_articles_with_old_dates_reads_them_only(tmp_path: Path) -> None:
    work = []
    for size in (300, 3000):
        store = await Store.open(tmp_path / f"{size}.db")
        try:
            await archive(store, size, date(2020, 1, 1))
            watermark = await store.articles.last_id()
            await archive(store, 4, date(2001, 1, 1))  # an old archive ingested since

            async def digest(store: Store = store, watermark: int = watermark) -> None:
                newer = await store.articles.newer_than(watermark, 10)
                assert [a.title for a in newer] == [
                    f"Archived story 2001-01-01 {n}" for n in (3, 2, 1, 0)
                ]
                assert await store.articles.count_newer_than(watermark) == 4

            work.append(await vm_steps(store, digest))
        finally:
            await store.close()

    small, large = work
    assert large <= small + 5, work
