"""Festivals in the store: who gave each fact, what each source may change, deleted names kept
out, the migration of older databases; and when festivals happen (``bot.newsroom.calendar``)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot.newsroom.calendar import Edition, coming_up, next_edition
from storage import Store
from storage.database import Dialect, bundled_migrations, connect, migrate
from storage.festivals import MergeOutcome
from storage.models import FactSource, Festival, NewArticle, NewFestival


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


DIDOR = NewFestival(
    "Didor Film Festival",
    city="Dushanbe",
    country="Tajikistan",
    starts_on=date(2026, 10, 1),
    ends_on=date(2026, 10, 7),
    description="From the file.",
)


async def test_the_file_never_overwrites_an_admin_fact_and_an_unchanged_file_writes_nothing(
    store: Store,
) -> None:
    seeded = await store.festivals.merge(DIDOR, FactSource.SEED)
    assert seeded.outcome is MergeOutcome.ADDED
    await store.festivals.upsert(NewFestival("didor film festival", city="Khujand"))
    changes = await writes(store)

    again = await store.festivals.merge(DIDOR, FactSource.SEED)

    assert again.outcome is MergeOutcome.UNCHANGED
    assert await writes(store) == changes  # no write, no id spent
    assert again.festival is not None
    assert (again.festival.city, again.festival.source("city")) == ("Khujand", FactSource.ADMIN)
    edited = NewFestival(DIDOR.name, city="Dushanbe", description="The file, edited.")
    updated = await store.festivals.merge(edited, FactSource.SEED)
    assert updated.festival is not None
    assert (updated.festival.city, updated.festival.description) == (
        "Khujand",
        "The file, edited.",
    )


async def test_the_news_fills_in_only_what_nobody_gave(store: Store) -> None:
    await store.festivals.merge(NewFestival(DIDOR.name, city="Dushanbe"), FactSource.SEED)
    found = NewFestival(
        DIDOR.name, city="Khujand", starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 7)
    )

    merged = await store.festivals.merge(found, FactSource.NEWS, article_id=1)

    festival = merged.festival
    assert festival is not None
    assert (festival.city, festival.source("city")) == ("Dushanbe", FactSource.SEED)
    assert (festival.starts_on, festival.source("dates")) == (date(2026, 10, 1), FactSource.NEWS)
    # What the file said and the news confirms is shown as the news'.
    confirmed = await store.festivals.merge(
        NewFestival(DIDOR.name, city="Dushanbe"), FactSource.NEWS
    )
    assert confirmed.festival is not None
    assert confirmed.festival.source("city") is FactSource.NEWS


async def test_a_festival_found_in_the_news_moves_to_a_later_edition(store: Store) -> None:
    first = NewFestival("Silk Road Film Festival", starts_on=date(2026, 4, 3), edition=1)
    await store.festivals.merge(first, FactSource.NEWS, article_id=1)
    later = NewFestival("The 2nd Silk Road Film Festival", starts_on=date(2027, 4, 2), edition=2)

    merged = await store.festivals.merge(later, FactSource.NEWS, article_id=2)

    assert merged.festival is not None
    assert (merged.festival.starts_on, merged.festival.edition) == (date(2027, 4, 2), 2)
    assert await store.festivals.count() == 1


async def test_a_deleted_festival_stays_out_of_the_file_and_its_articles(store: Store) -> None:
    article_id = await _article(store)
    merged = await store.festivals.merge(DIDOR, FactSource.NEWS, article_id=article_id)
    assert merged.festival is not None
    await store.articles.link_many([(article_id, merged.festival.id)])

    await store.festivals.delete(merged.festival.id)

    refused = [
        await store.festivals.merge(DIDOR, FactSource.SEED),
        await store.festivals.merge(DIDOR, FactSource.NEWS, article_id=article_id),
    ]
    assert [m.outcome for m in refused] == [MergeOutcome.REFUSED, MergeOutcome.REFUSED]
    elsewhere = await store.festivals.merge(DIDOR, FactSource.NEWS, article_id=article_id + 1)
    assert elsewhere.outcome is MergeOutcome.ADDED
    assert elsewhere.festival is not None
    await store.festivals.delete(elsewhere.festival.id)
    readmitted, created = await store.festivals.upsert(DIDOR)  # an admin adds it again
    assert created
    assert (await store.festivals.merge(DIDOR, FactSource.SEED)).outcome is not (
        MergeOutcome.REFUSED
    )
    assert readmitted.origin is FactSource.ADMIN


async def test_an_alias_names_the_same_festival(store: Store) -> None:
    await store.festivals.merge(
        NewFestival("Bishkek International Film Festival", aliases=("BIFF",)), FactSource.SEED
    )
    merged = await store.festivals.merge(NewFestival("BIFF", city="Bishkek"), FactSource.ADMIN)
    assert merged.festival is not None
    assert merged.festival.name == "Bishkek International Film Festival"
    assert await store.festivals.count() == 1


async def test_a_card_reads_its_newest_articles_counts_and_the_chat_buttons(store: Store) -> None:
    festival, _ = await store.festivals.upsert(DIDOR)
    other, _ = await store.festivals.upsert(NewFestival("Silk Road Film Festival"))
    ids = []
    for day in (3, 1, 2):
        article = NewArticle(f"Didor, day {day}", "Didor.", "t", seen_on=date(2026, 5, day))
        ids.append((await store.articles.add(article))[0])
    await store.articles.link_many([(article_id, festival.id) for article_id in ids])
    await store.reminders.add(7, festival.id, {})
    await store.filters.follow(8, festival.id, on=True)

    reminded = await store.festivals.card(festival.id, 7, 2)
    followed = await store.festivals.card(festival.id, 8, 5)
    empty = await store.festivals.card(other.id, 7, 5)

    assert [a.title for a in reminded.articles] == ["Didor, day 3", "Didor, day 2"]
    assert (reminded.mentions, reminded.reminded, reminded.followed) == (3, True, False)
    assert [a.title for a in followed.articles] == ["Didor, day 3", "Didor, day 2", "Didor, day 1"]
    assert (followed.reminded, followed.followed) == (False, True)
    assert (empty.articles, empty.mentions, empty.reminded, empty.followed) == (
        (),
        0,
        False,
        False,
    )


async def test_the_migration_keeps_what_admins_changed_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    connection = await connect(path)
    await migrate(connection, [m for m in bundled_migrations() if m.version < 5])
    await connection.execute(
        "INSERT INTO festivals (name, name_key, city) "
        "VALUES ('The Didor Festival', 'x', 'Dushanbe')"
    )
    await connection.execute(
        "INSERT INTO admin_actions (user_id, action, target, allowed) "
        "VALUES (42, 'updatefestival', '1', 1)"
    )
    await connection.commit()
    await connection.close()

    store = await Store.open(path)
    try:
        festival = await store.festivals.named("didor festival")
        unchanged = await store.festivals.merge(
            NewFestival("The Didor Festival", city="Khujand"), FactSource.SEED
        )
    finally:
        await store.close()
    assert festival is not None
    assert festival.source("city") is FactSource.ADMIN
    assert unchanged.outcome is MergeOutcome.UNCHANGED
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("SELECT name_key FROM festivals").fetchall() == [("didor festival",)]
    finally:
        raw.close()


async def writes(store: Store) -> object:
    """What any write to the festivals changes: SQLite's count of changed rows; PostgreSQL's
    row versions (a new one per update) and the next id."""
    if store.db.dialect is Dialect.SQLITE:
        return store.db.connection.total_changes
    versions = await store.db.fetch_all("SELECT id, xmin::text FROM festivals ORDER BY id")
    spent = await store.db.fetch_one("SELECT last_value, is_called FROM festivals_id_seq")
    return [tuple(row) for row in versions], tuple(spent or ())


async def _article(store: Store) -> int:
    article_id, _ = await store.articles.add(NewArticle("Didor", "The Didor Film Festival.", "t"))
    return article_id


def _on(day: date, expected: bool = False) -> Edition:
    return Edition(day, day, expected)


def _festival(kind: str, starts: date | None, ends: date | None = None) -> Festival:
    return Festival(1, "X Fest", (), kind, None, None, starts, ends or starts, None, "")


@pytest.mark.parametrize(
    ("kind", "starts", "today", "expected"),
    [
        ("festival", date(2026, 6, 11), date(2026, 6, 1), _on(date(2026, 6, 11))),
        ("festival", date(2025, 6, 11), date(2026, 12, 1), _on(date(2027, 6, 11), True)),
        ("award", date(2024, 2, 29), date(2025, 1, 1), _on(date(2025, 2, 28), True)),
        ("festival", date(2020, 6, 11), date(2026, 12, 1), None),
        ("film camp", date(2025, 6, 11), date(2026, 12, 1), None),
        ("festival", None, date(2026, 12, 1), None),
    ],
)  # fmt: skip
def test_next_edition(
    kind: str, starts: date | None, today: date, expected: Edition | None
) -> None:
    assert next_edition(_festival(kind, starts), today) == expected


def test_coming_up_is_the_announced_openings_within_14_days() -> None:
    today = date(2026, 10, 1)
    festivals = [
        _festival("festival", date(2026, 10, 15)),
        _festival("festival", date(2026, 10, 16)),
        _festival("festival", date(2026, 9, 30), date(2026, 10, 5)),
        _festival("festival", date(2026, 10, 1)),
    ]
    assert [f.starts_on for f in coming_up(festivals, today)] == [
        date(2026, 10, 1),
        date(2026, 10, 15),
    ]
