"""One key for "the same festival name", in Python and in SQL: Cyrillic case included."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from storage import Store
from storage.database import bundled_migrations, connect, migrate
from storage.errors import ConstraintError
from storage.models import NewFestival
from storage.names import name_key


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


def test_name_key_folds_cyrillic_case_accents_and_punctuation() -> None:
    assert name_key("ДИДОР") == name_key("Дидор") == "дидор"
    cannes = name_key("Festival  de Cannes!")
    assert cannes == name_key("festival de cannés") == "festival de cannes"
    assert name_key("Ｄｉｄｏｒ") == "didor"  # full-width forms, as pasted from some phones


async def test_upsert_with_another_case_of_a_cyrillic_name_updates_the_same_festival(
    store: Store,
) -> None:
    first, created = await store.festivals.upsert(NewFestival("Дидор", city="Душанбе"))
    second, created_again = await store.festivals.upsert(NewFestival("ДИДОР", city="Худжанд"))

    assert created
    assert not created_again
    assert second.id == first.id
    assert [(f.name, f.city) for f in await store.festivals.all()] == [("ДИДОР", "Худжанд")]
    assert await store.festivals.named("дидор") == second


async def test_the_migration_keys_festivals_stored_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    older = [m for m in bundled_migrations() if m.version < 4]
    connection = await connect(path)
    await migrate(connection, older)
    await connection.execute("INSERT INTO festivals (name) VALUES ('Ақ Бата')")
    await connection.close()

    store = await Store.open(path)
    try:
        festival = await store.festivals.named("АҚ БАТА")
    finally:
        await store.close()
    assert festival is not None
    assert festival.name == "Ақ Бата"
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("SELECT name_key FROM festivals").fetchall() == [("ақ бата",)]
    finally:
        raw.close()


async def test_names_are_unique_and_ordered_as_sqlite_nocase_on_both_backends(
    store: Store,
) -> None:
    # NOCASE folds ASCII letters only: Cyrillic names differing in case are two rows, on
    # PostgreSQL too (whose C.UTF-8 lower() folds Cyrillic: the column is COLLATE "C").
    for name in ("beta Days", "Дидор", "ДИДОР", "Alpha Days", "Ärzte Days", "alpha nights"):
        await store.db.execute("INSERT INTO festivals (name) VALUES (?)", (name,))
    with pytest.raises(ConstraintError):
        await store.db.execute("INSERT INTO festivals (name) VALUES ('ALPHA DAYS')")

    names = [festival.name for festival in await store.festivals.all(fresh=True)]

    assert names == ["Alpha Days", "alpha nights", "beta Days", "Ärzte Days", "ДИДОР", "Дидор"]


async def test_the_migration_keys_the_aliases_stored_before_it(tmp_path: Path) -> None:
    """SQLite only: migration 0021 fills the alias keys of older rows through name_key()."""
    path = tmp_path / "old.db"
    connection = await connect(path)
    await migrate(connection, [m for m in bundled_migrations() if m.version < 21])
    await connection.execute(
        "INSERT INTO festivals (name, name_key, aliases) VALUES "
        "('Bishkek International Film Festival', 'bishkek international film festival', "
        """'["BIFF", "Бишкек КФ", "The 7th BIFF", "!!"]')"""
    )
    await connection.commit()
    await connection.close()

    store = await Store.open(path)
    try:
        found = [await store.festivals.named(name) for name in ("biff", "БИШКЕК кф", "Nope")]
    finally:
        await store.close()
    assert [f and f.name for f in found] == [
        "Bishkek International Film Festival",
        "Bishkek International Film Festival",
        None,
    ]
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("SELECT alias_keys FROM festivals").fetchall() == [
            ('["biff","бишкек кф"]',)
        ]
