"""One key for "the same festival name", in Python and in SQL: Cyrillic case included."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage import Store
from storage.database import bundled_migrations, connect, migrate
from storage.models import NewFestival
from storage.names import name_key


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
