"""E2E: what /festival reads from the database, counted statement by statement.

The festival list is read once for a run of lookups and anew right after an admin adds, edits or
deletes a festival; a card's articles, mention count, reminder and follow come in one statement.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.conftest import ADMIN_ID, RunningBot
from tests.e2e.test_reader_reads import Statements

pytestmark = pytest.mark.sqlite_only("counts statements through SQLite's trace callback")

LIST = "FROM festivals ORDER BY name"
BISHKEK = "Bishkek International Film Festival"


@pytest.fixture
async def statements(bot: RunningBot) -> AsyncIterator[Statements]:
    """Every statement the bot's store runs from now on."""
    traced = Statements()
    connection = bot.store.db.connection
    await connection.set_trace_callback(traced)
    yield traced
    await connection.set_trace_callback(None)


async def test_a_run_of_lookups_reads_the_festival_list_once(
    bot: RunningBot, statements: Statements
) -> None:
    reader = bot.private(11)
    await reader.send("/help")  # the chat's language, read once
    statements.count("")

    cards = [await reader.send(f"/festival {query}") for query in ("bishkek", "panda", "lokarno")]
    listed = await reader.send("/festivals")

    # Once (twice if a slow machine let the 5 s entry expire meanwhile), not once an update.
    assert statements.count(LIST) <= 2
    assert [card.last.plain.splitlines()[0] for card in cards] == [
        f"🎬 {BISHKEK}",
        "🎬 Golden Panda Awards",
        "🎬 Locarno Film Festival",
    ]
    assert "Golden Panda Awards" in listed.text


async def test_a_card_reads_its_articles_counts_and_buttons_in_one_statement(
    bot: RunningBot, statements: Statements
) -> None:
    reader = bot.private(12)
    first = await reader.send("/festival bishkek")
    await reader.press(first.last, "Remind me")
    await reader.press(first.last, "Follow")
    statements.count("")

    card = await reader.send("/festival bishkek")

    card_reads = [
        sql
        for sql in statements.seen
        if any(table in sql for table in ("festival_mentions", "reminders", "festival_follows"))
    ]
    assert len(card_reads) == 1
    assert "In the news (1 article that names it)" in card.last.plain
    assert "Kyrgyzstan: Film Festival Showcases Central Asian Talent" in card.last.plain
    labels = [button["text"] for button in card.last.buttons]
    assert "🔕 Stop reminding me" in labels
    assert "☆ Unfollow" in labels
    # Another chat sees the same card with its own buttons.
    other = await bot.private(13).send("/festival bishkek")
    other_labels = [button["text"] for button in other.last.buttons]
    assert "🔔 Remind me" in other_labels
    assert "⭐ Follow" in other_labels


async def test_admin_changes_show_at_once_in_festival(
    bot: RunningBot, statements: Statements
) -> None:
    admin, reader = bot.private(ADMIN_ID), bot.private(14)
    await reader.send("/festival bishkek")  # the list is kept now
    missing = await reader.send("/festival didor")
    assert not missing.last.plain.startswith("🎬")

    await admin.send(
        "/addfestival Didor Film Festival | Dushanbe | Tajikistan | 2026-10-01..2026-10-07"
    )
    added = await reader.send("/festival didor")
    assert added.last.plain.startswith("🎬 Didor Film Festival\n")
    assert "Dushanbe, Tajikistan" in added.last.plain

    await admin.send(
        "/addfestival BISHKEK International Film Festival | | | - | aliases: Kyrgyz Cinema Days"
    )
    renamed = await reader.send("/festival kyrgyz cinema days")
    assert renamed.last.plain.startswith("🎬 BISHKEK International Film Festival\n")

    didor = next(f for f in await bot.store.festivals.all() if f.name == "Didor Film Festival")
    confirm = await admin.send(f"/delfestival {didor.id}")
    await admin.press(confirm.last, "Delete")
    gone = await reader.send("/festival didor film festival")
    assert not gone.last.plain.startswith("🎬")
    listed = await reader.send("/festivals")
    assert "Didor" not in listed.text
    assert "BISHKEK International Film Festival" in listed.text

    statements.count("")
    for query in ("panda", "bishkek", "kyrgyz cinema days"):
        await reader.send(f"/festival {query}")
    assert statements.count(LIST) <= 2  # kept again after the last change
