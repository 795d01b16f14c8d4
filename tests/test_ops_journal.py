"""The update journal on a real SQLite file: kept once, redeliveries recognised, replayed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.updates.journal import UpdateJournal
from storage.database import SqliteDatabase, connect
from storage.updates import Updates, journal_path

NOW = datetime(2026, 2, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
async def journal_file(tmp_path: Path) -> AsyncIterator[Updates]:
    """The update journal of a database in ``tmp_path``."""
    opened = await Updates.open(journal_path(tmp_path / "bot.db"))
    yield opened
    await opened.close()


def update(update_id: int, text: str = "/help", chat: int = 5) -> dict[str, Any]:
    """A Bot API update of a text message, as getUpdates returns it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_771_000_000,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "U"},
            "text": text,
        },
    }


async def test_kept_updates_are_unhandled_until_marked(journal_file: Updates) -> None:
    assert await journal_file.keep([update(1), update(2, "/latest")], NOW) == {1, 2}
    assert [
        (u.update_id, u.payload["message"]["text"]) for u in await journal_file.unhandled()
    ] == [
        (1, "/help"),
        (2, "/latest"),
    ]
    await journal_file.mark_handled(1, NOW)
    assert [u.update_id for u in await journal_file.unhandled()] == [2]


async def test_a_redelivery_is_recognised_and_a_reused_id_is_not(journal_file: Updates) -> None:
    await journal_file.keep([update(1)], NOW)
    await journal_file.mark_handled(1, NOW)
    assert await journal_file.keep([update(1)], NOW) == set()  # the same update again
    assert await journal_file.keep([update(1, "/rates")], NOW) == {1}  # Telegram reused the id
    assert [u.payload["message"]["text"] for u in await journal_file.unhandled()] == ["/rates"]


async def test_handled_updates_are_pruned_after_a_while(journal_file: Updates) -> None:
    await journal_file.keep([update(1), update(2)], NOW)
    await journal_file.mark_handled(1, NOW)
    assert await journal_file.prune(NOW + timedelta(days=2)) == 1
    assert [u.update_id for u in await journal_file.unhandled()] == [2]


async def test_the_journal_replays_the_unhandled_and_drops_redeliveries(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    journal = UpdateJournal()
    assert await journal.open(database) == []
    await journal.keep([update(1), update(2)])
    await journal.handled(Update.de_json(update(1), None))
    await journal.close()  # a crash: update 2 was fetched, never handled
    assert journal_path(database).is_file()

    restarted = UpdateJournal()
    assert [u["update_id"] for u in await restarted.open(database)] == [2]
    await restarted.keep([update(2), update(3)])  # Telegram delivers 2 again, and a new one
    assert not restarted.admit(Update.de_json(update(2), None))  # replayed from the journal
    assert restarted.admit(Update.de_json(update(3), None))
    assert restarted.admit(Update.de_json(update(2), None))  # the replayed one itself
    await restarted.close()


async def test_a_batch_is_kept_in_one_statement_and_marks_in_one(tmp_path: Path) -> None:
    path = journal_path(tmp_path / "bot.db")
    await (await Updates.open(path)).close()  # the schema
    statements: list[str] = []
    connection = await connect(path)
    await connection.set_trace_callback(statements.append)
    journal_file = Updates(SqliteDatabase(connection))
    try:
        assert await journal_file.keep([update(n) for n in range(1, 101)], NOW) == set(
            range(1, 101)
        )
        await journal_file.mark_all_handled(list(range(1, 51)), NOW)
        assert len(statements) == 2  # neither BEGIN nor COMMIT: each commits on its own
        assert [u.update_id for u in await journal_file.unhandled()] == list(range(51, 101))
        assert await journal_file.keep([update(n) for n in range(90, 111)], NOW) == set(
            range(101, 111)
        )
    finally:
        await journal_file.close()


async def test_updates_handled_meanwhile_are_marked_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[list[int]] = []
    mark_all = Updates.mark_all_handled

    async def counted(self: Updates, update_ids: list[int], now: datetime | None = None) -> None:
        writes.append(list(update_ids))
        await mark_all(self, update_ids, now)

    monkeypatch.setattr(Updates, "mark_all_handled", counted)
    database = tmp_path / "bot.db"
    journal = UpdateJournal()
    await journal.open(database)
    await journal.keep([update(n, chat=n) for n in range(1, 21)])
    await asyncio.gather(
        *(journal.handled(Update.de_json(update(n, chat=n), None)) for n in range(1, 21))
    )
    await journal.close()

    assert sorted(n for ids in writes for n in ids) == list(range(1, 21))
    assert len(writes) < 20  # one write marked several
    reopened = UpdateJournal()
    assert await reopened.open(database) == []  # every one of them is marked
    await reopened.close()
