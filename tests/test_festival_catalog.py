"""The festival list kept in memory (``Festivals.catalog``): read once for a run of lookups, read
anew after every write through the store (seeds, discovery, admins) and within seconds of another
process's; never a rolled-back festival; the names' keys worked out once per reading."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from bot.newsroom import festival_lookup
from bot.newsroom.festival_lookup import find_festivals
from bot.newsroom.festivals import discover_and_link
from bot.newsroom.ingest import ingest
from storage import Store
from storage import festivals as festivals_module
from storage.database import Dialect, Params, Row
from storage.models import FactSource, NewArticle, NewFestival


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LIST = "FROM festivals ORDER BY lower(name)"


class Traced:
    """Counts the statements a store reads with that contain a fragment (any backend)."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: list[str] = []
        reads = store.db.fetch_all

        async def fetch_all(sql: str, params: Params = ()) -> Sequence[Row]:
            self.seen.append(sql)
            return await reads(sql, params)

        monkeypatch.setattr(store.db, "fetch_all", fetch_all)

    def count(self, fragment: str = LIST) -> int:
        """How many statements contain ``fragment``; forgets them."""
        found = sum(fragment in sql for sql in self.seen)
        self.seen.clear()
        return found


@pytest.fixture
def traced(store: Store, monkeypatch: pytest.MonkeyPatch) -> Traced:
    """Every statement ``store`` reads with from now on."""
    return Traced(store, monkeypatch)


async def names(store: Store) -> list[str]:
    return [festival.name for festival in await store.festivals.all()]


async def test_the_list_is_read_once_and_anew_after_each_kind_of_write(
    store: Store, traced: Traced, tmp_path: Path
) -> None:
    if store.db.dialect is Dialect.POSTGRES:
        pytest.skip("discovery reads Articles.containing_any: FTS5 MATCH, not yet on PostgreSQL")
    assert await names(store) == []
    assert await names(store) == []
    assert traced.count() == 1

    # The festivals file (seeds).
    await ingest(store, [SEEDS / "festivals.toml"], processes=1)
    traced.count()
    assert "Golden Panda Awards" in await names(store)
    assert "Golden Panda Awards" in await names(store)
    assert traced.count() == 1

    # Discovery in the news.
    article, _ = await store.articles.add(
        NewArticle(
            "Aitysh Film Festival opens in Naryn",
            "The first Aitysh Film Festival opens in Naryn on 3 March 2026.",
            source="t",
            seen_on=date(2026, 2, 1),
        )
    )
    await discover_and_link(store, await store.articles.get(article))
    traced.count()
    assert "Aitysh Film Festival" in await names(store)
    assert traced.count() == 1

    # An admin's edit (a new alias), then a deletion.
    panda = await store.festivals.named("Golden Panda Awards")
    assert panda is not None
    await store.festivals.upsert(NewFestival("Golden Panda Awards", aliases=("Panda Prize",)))
    assert find_festivals("panda prize", await store.festivals.catalog()) == [
        await store.festivals.get(panda.id)
    ]
    await store.festivals.delete(panda.id)
    assert "Golden Panda Awards" not in await names(store)
    assert "Golden Panda Awards" not in await names(store)
    assert traced.count() == 2  # after the edit and after the deletion


async def test_a_rolled_back_festival_is_never_kept(store: Store, traced: Traced) -> None:
    await store.festivals.all()
    read_meanwhile: list[list[str]] = []

    async def reader() -> None:
        read_meanwhile.append(await names(store))

    async def add_then_fail() -> None:
        async with store.transaction():
            await store.festivals.merge(NewFestival("Ghost Film Festival"), FactSource.ADMIN)
            await asyncio.create_task(reader())  # another task, on the shared connection
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        await add_then_fail()

    assert read_meanwhile == [["Ghost Film Festival"]]  # it read the open transaction
    traced.count()
    assert await names(store) == []
    assert await names(store) == []
    assert traced.count() == 1


async def test_another_process_write_shows_once_the_entry_expires(
    backend_location: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(festivals_module, "CACHE_SECONDS", 0.2)
    bot, other = await Store.open(backend_location), await Store.open(backend_location)
    try:
        traced = Traced(bot, monkeypatch)
        assert await names(bot) == []
        await other.festivals.upsert(NewFestival("Didor Film Festival"))
        assert await names(bot) == []  # kept: no round trip
        assert traced.count() == 1
        await asyncio.sleep(0.3)
        assert await names(bot) == ["Didor Film Festival"]
    finally:
        await other.close()
        await bot.close()


async def test_each_name_key_is_worked_out_once_per_reading(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await ingest(store, [SEEDS / "festivals.toml"], processes=1)
    catalog = await store.festivals.catalog()
    keyed: list[str] = []

    def counting_key(name: str) -> str:
        keyed.append(name)
        return original(name)

    original = festival_lookup.name_key
    monkeypatch.setattr(festival_lookup, "name_key", counting_key)
    queries = ["bishkek", "бишкек", "golden pnda", "eurasian", "lokarno", "BIFF"]
    found = [[f.name for f in find_festivals(q, catalog)] for q in queries]

    names_in_all = sum(len(festival.names) for festival in catalog.festivals)
    assert len(keyed) == names_in_all + len(queries)  # each name once, each query once
    assert found[0] == found[1] == found[5] == ["Bishkek International Film Festival"]
    assert found[2] == ["Golden Panda Awards"]
    assert found[4] == ["Locarno Film Festival"]
    assert len(found[3]) > 1  # Eurasian… festivals: choices
