"""E2E: repeated searches are answered from memory, and never outlive a change of the articles:
an article added (by the bot or by another process), edited or deleted shows in the very next
search, through the real handlers."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing

import pytest

from storage.models import NewArticle
from storage.search_index import terms_of
from tests.e2e.conftest import ADMIN_ID, RunningBot
from tests.e2e.test_search import count_of

pytestmark = pytest.mark.sqlite_only(
    "counts index queries through SQLite's trace callback; writes as another process with sqlite3"
)


async def fts_queries(bot: RunningBot, words: str) -> tuple[str, int]:
    """The reply to ``/search words`` and how many index queries it took."""
    statements: list[str] = []
    connection = bot.store.db.connection
    await connection.set_trace_callback(statements.append)
    try:
        text = (await bot.private(7).send(f"/search {words}")).text
    finally:
        await connection.set_trace_callback(None)
    return text, sum("articles_fts MATCH" in statement for statement in statements)


async def test_a_repeated_search_is_answered_from_memory(bot: RunningBot) -> None:
    first, queries = await fts_queries(bot, "festival")
    assert queries > 0
    # A result is kept only when nothing was written on the connection while it was made (the
    # bot's jobs write now and then): within a few repeats, one is answered from memory.
    repeats = [await fts_queries(bot, "FESTIVAL") for _ in range(3)]
    assert 0 in [queries for _, queries in repeats]
    assert {text.replace("FESTIVAL", "festival") for text, _ in repeats} == {first}


async def test_an_added_edited_or_deleted_article_shows_in_the_next_search(
    bot: RunningBot,
) -> None:
    admin = bot.private(ADMIN_ID)
    before, _ = await fts_queries(bot, "festival")
    no_leopards, _ = await fts_queries(bot, "leopar*")  # the index's words so far, kept
    added = await bot.store.articles.create(
        NewArticle("Snow leopard festival in Naryn", "A festival of the mountains.", "t")
    )

    after_add, queries = await fts_queries(bot, "festival")
    assert queries > 0
    assert count_of(after_add) == count_of(before) + 1
    assert "Snow leopard festival in Naryn" in after_add
    assert "Snow leopard" not in no_leopards
    assert "Snow leopard festival in Naryn" in (await fts_queries(bot, "leopar*"))[0]

    await admin.send(f"/edit {added.id} Snow leopard festival in Karakol")
    after_edit, _ = await fts_queries(bot, "festival")
    assert "Karakol" in after_edit
    assert "Naryn" not in after_edit

    question = await admin.send(f"/delete {added.id}")
    await admin.press(question.last, "Delete")
    after_delete, _ = await fts_queries(bot, "festival")
    assert count_of(after_delete) == count_of(before)
    assert "Snow leopard" not in after_delete


async def test_an_article_written_by_another_process_shows_in_the_next_search(
    bot: RunningBot,
) -> None:
    nothing, _ = await fts_queries(bot, "yurt")
    assert "Nothing found" in nothing

    def ingest_elsewhere() -> None:  # as `filmnews ingest` would, on a connection of its own
        title, body = "Yurt cinema opens in Osh", "A yurt turned into a cinema."
        with closing(sqlite3.connect(bot.settings.database)) as other, other:
            other.execute(
                "INSERT INTO articles (title, body, source, fingerprint, title_terms, body_terms)"
                " VALUES (?, ?, 'feed:x', 'yurt-cinema', ?, ?)",
                (title, body, *terms_of(title, body)),
            )

    await asyncio.to_thread(ingest_elsewhere)
    found, _ = await fts_queries(bot, "yurt")
    assert "Yurt cinema opens in Osh" in found


async def test_a_suggestion_follows_the_new_words(bot: RunningBot) -> None:
    first = await bot.private(7).send("/search chuyy")
    assert "Did you mean" not in first.text
    await bot.store.articles.create(NewArticle("Chuy valley premiere", "In the Chuy valley.", "t"))

    again = await bot.private(7).send("/search chuyy")
    assert "Did you mean <b>chuy</b>" in again.last.text or "Chuy" in again.text
