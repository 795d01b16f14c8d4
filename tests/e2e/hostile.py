"""The hostile-input harness's parts: one running bot per test module, hostile inputs, checks.

The e2e ``bot`` fixture starts a bot per test; hundreds of hostile inputs want one bot for a
whole module, so ``module_bot`` starts it once (with its own emulator and database).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import build_application
from bot.config import Settings
from bot.updates.errors import SORRY
from tests.conftest import SEEDS
from tests.e2e.conftest import ADMIN_ID, Replies, RunningBot, started
from tests.emulator import TEST_TOKEN, running_emulator
from tests.telegram_html import utf16_len

READER_ID = 7  # a user who is not an admin
OTHER_READER_ID = 8

# What hostile users type: markup, scripts that run right to left, invisible characters, long
# arguments, full-text search syntax, SQL, numbers at and past every limit.
HOSTILE: dict[str, str] = {
    "html": '<b>x</b> <script>alert(1)</script> &amp; & <a href="javascript:x">y</a> </i>',
    "lt": "<" * 2000,
    "amp": "&" * 1500,
    "rtl": "\u202eمرحبا שלום\u202c Бишкек \u200fabc",
    "zero-width": "\u200b\u200c\u200d\ufeff\u2060",
    "zero-width-word": "fes\u200btival\u200d",
    "long-word": "ж" * 4000,
    "long-words": ("Bishkek фестиваль " * 250)[:4000],
    "astral": "🎬" * 2000,
    "fts-quote": '"',
    "fts-near": "NEAR(a b",
    "fts-star": "*",
    "fts-ops": "AND OR NOT",
    "fts-mixed": '"unbalanced AND (x OR -y ^z col:w',
    "sql": "'; DROP TABLE articles;--",
    "tiny": "1e-400",
    "huge": "1E+30",
    "nan": "NaN",
    "inf": "-Infinity",
    "minus-zero": "-0",
    "ten-to-forty": str(10**40),
    "past-int64": "9223372036854775808",
    "23-digits": "9" * 23,
    "32-digits": "9" * 32,
    "negative": "-1",
    "zero": "0",
    "hex": "0x10",
}

# The inputs every argument of every command gets (and every edit).
EVERYWHERE = ("html", "lt", "rtl", "zero-width", "long-word", "astral", "sql", "32-digits")

# Tables an attempt must not change; the audit trail records attempts, the journal updates.
GUARDED_TABLES = (
    "articles",
    "festivals",
    "festival_mentions",
    "festival_rejections",
    "rates",
    "subscribers",
    "digests",
    "outbox",
    "reminders",
    "sources",
    "drafts",
)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningBot]:
    """One real bot for the whole module, long-polling its own emulator."""
    async with running_emulator() as emulator:
        settings = Settings(
            token=TEST_TOKEN,
            api_url=emulator.api_url,
            database=tmp_path_factory.mktemp("hostile") / "hostile.db",
            seeds=SEEDS,
            admin_ids=frozenset({ADMIN_ID}),
        )
        # No rate limiter: hundreds of replies in a row would otherwise wait for Telegram's pace.
        async with started(build_application(settings, rate_limiter=False)) as app:
            yield RunningBot(app, emulator, settings)


class Watch:
    """Fails a test on any reply Telegram would refuse, or any generic error, since it began."""

    def __init__(self, bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
        self.bot = bot
        self.caplog = caplog
        self.refused = len(bot.emulator.bad_requests)
        caplog.set_level(logging.ERROR)

    def check(self, replies: Replies, what: str) -> None:
        """``replies`` (to ``what``) are all accepted and none is the generic error."""
        # Editing a message into what it shows already is refused, and the bot lets it be.
        refused = [
            call
            for call in self.bot.emulator.bad_requests[self.refused :]
            if "not modified" not in (call.description or "")
        ]
        assert not refused, f"{what!r}: Telegram refused {[c.description for c in refused]}"
        for message in [*replies.sent, *replies.edits]:
            assert SORRY not in message.plain, f"{what!r} got the generic error"
            assert utf16_len(message.plain) <= 4096
        for answer in replies.answers:
            assert SORRY not in str(answer.get("text", "")), f"{what!r} got the generic error"
        errors = [r for r in self.caplog.records if r.levelno >= logging.ERROR]
        assert not errors, f"{what!r}: {errors[0].getMessage()[:300]}"

    async def sane(self) -> None:
        """The sanity command still answers with the news."""
        replies = await self.bot.private(OTHER_READER_ID).send("/latest")
        self.check(replies, "/latest")
        assert replies.sent
        assert "1." in replies.text


def snapshot(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the guarded tables (read through a connection of its own)."""
    with closing(sqlite3.connect(database)) as connection:
        return {
            table: sorted(connection.execute(f"SELECT * FROM {table}"), key=repr)
            for table in GUARDED_TABLES
        }
