"""E2E: an article an admin published at once is not repeated in the next daily digest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.digests import ComposeReport
from storage.models import NewArticle
from tests.e2e.conftest import ADMIN_ID, RunningBot
from tests.emulator import BotApiEmulator, SentMessage

READER = 5
LATECOMER = 6
PUBLISHED = "Didor festival opens in Dushanbe"
KEPT = "Bishkek film week announced"


class Clock:
    """The digest service's clock: real time until a test moves it on."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(bot: RunningBot) -> Clock:
    """The bot's digest clock (publish-now rows are queued at the real time, so start there)."""
    fake = Clock()
    bot.app.bot_data.delivery.clock = fake
    return fake


def received(emulator: BotApiEmulator, chat_id: int, title: str) -> list[SentMessage]:
    """The messages a chat received that name ``title``."""
    return [m for m in emulator.sent(chat_id) if title in m.plain]


def digests(emulator: BotApiEmulator, chat_id: int) -> list[SentMessage]:
    """The digests a chat received."""
    return [m for m in emulator.sent(chat_id) if "film news digest" in m.plain]


async def settled(bot: RunningBot) -> None:
    """Wait until the sender has nothing pending or in flight."""
    async with asyncio.timeout(5):
        while not (await bot.store.outbox.report()).done:  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def publish_now(bot: RunningBot, clock: Clock, title: str) -> int:
    """An admin posts an article and presses "publish now"; wait until it went out."""
    admin = bot.private(ADMIN_ID)
    preview = (await admin.send(f"/post {title}\nAll about {title}.")).last
    await admin.press(preview, "Publish now")
    clock.now = datetime.now(UTC) + timedelta(seconds=1)  # its messages are due
    bot.app.bot_data.delivery.wake(bot.app)
    await bot.emulator.wait_for(
        lambda: next((e for e in bot.emulator.edits(ADMIN_ID) if "Published" in e.plain), None),
        10,
        "the publish report",
    )
    [hit] = await bot.store.search.hits(title)
    return hit.article.id


async def digest_time(bot: RunningBot, clock: Clock, chat_id: int) -> ComposeReport:
    """Move the clock to the chat's next digest and compose what is due; wait for sending."""
    subscriber = await bot.store.subscribers.get(chat_id)
    assert subscriber.next_due_at is not None
    clock.now = subscriber.next_due_at
    report = await bot.app.bot_data.delivery.compose(bot.app)
    await settled(bot)
    return report


async def test_the_digest_after_a_publish_has_only_the_other_new_articles(
    bot: RunningBot, emulator: BotApiEmulator, clock: Clock
) -> None:
    await bot.private(READER).send("/subscribe 09:00 Asia/Almaty")
    published = await publish_now(bot, clock, PUBLISHED)
    [pushed] = received(emulator, READER, PUBLISHED)
    await bot.store.articles.add(NewArticle(KEPT, "Twelve premieres.", "admin:42"))

    report = await digest_time(bot, clock, READER)

    assert (report.due, report.queued) == (1, 1)
    [digest] = digests(emulator, READER)
    assert KEPT in digest.plain
    assert "1 new article" in digest.plain
    assert PUBLISHED not in digest.plain
    assert f"#{published}" not in digest.plain
    assert received(emulator, READER, PUBLISHED) == [pushed]  # once, not twice
    assert (await bot.store.subscribers.get(READER)).last_article_id > published


async def test_no_digest_when_the_only_new_article_was_published(
    bot: RunningBot, emulator: BotApiEmulator, clock: Clock
) -> None:
    await bot.private(READER).send("/subscribe 09:00 Asia/Almaty")
    published = await publish_now(bot, clock, PUBLISHED)

    report = await digest_time(bot, clock, READER)

    assert (report.due, report.queued, report.empty) == (1, 0, 1)
    assert not digests(emulator, READER)
    assert len(received(emulator, READER, PUBLISHED)) == 1
    assert (await bot.store.subscribers.get(READER)).last_article_id == published
    settings = await bot.private(READER).send("/settings")
    assert "Last: " in settings.text  # the day is done: no second try later that day


async def test_a_subscriber_who_came_after_the_publish_gets_it_once_in_the_first_digest(
    bot: RunningBot, emulator: BotApiEmulator, clock: Clock
) -> None:
    await bot.private(READER).send("/subscribe 09:00 Asia/Almaty")
    await publish_now(bot, clock, PUBLISHED)
    await bot.private(LATECOMER).send("/subscribe 09:00 Asia/Almaty")
    assert not received(emulator, LATECOMER, PUBLISHED)  # not in the fan-out
    await bot.store.articles.add(NewArticle(KEPT, "Twelve premieres.", "admin:42"))

    report = await digest_time(bot, clock, LATECOMER)  # both are due at the same instant

    assert (report.due, report.queued) == (2, 2)
    [reader] = digests(emulator, READER)
    [latecomer] = digests(emulator, LATECOMER)
    assert KEPT in reader.plain
    assert KEPT in latecomer.plain
    # The reader got the published article at once and not again; the latecomer, whose first
    # digest starts from today's news, gets it there, once.
    assert PUBLISHED not in reader.plain
    assert PUBLISHED in latecomer.plain
    assert len(received(emulator, READER, PUBLISHED)) == 1
    assert received(emulator, LATECOMER, PUBLISHED) == [latecomer]


async def test_the_digest_preview_leaves_out_what_was_published_to_the_admin(
    bot: RunningBot, emulator: BotApiEmulator, clock: Clock
) -> None:
    admin = bot.private(ADMIN_ID)
    await admin.send("/subscribe 09:00 Asia/Almaty")
    await publish_now(bot, clock, PUBLISHED)
    nothing = await admin.send("/digest")
    await bot.store.articles.add(NewArticle(KEPT, "Twelve premieres.", "admin:42"))

    replies = await admin.send("/digest")

    assert nothing.text == "Nothing new for your first digest yet: it would not be sent now."
    note, preview = replies.texts
    assert "1 new article" in note
    assert KEPT in preview
    assert PUBLISHED not in preview
    report = await digest_time(bot, clock, ADMIN_ID)
    digest = emulator.sent(ADMIN_ID)[-1]
    assert report.queued == 1
    assert "film news digest" in digest.plain
    assert digest.callback_data == replies.last.callback_data  # the same articles listed
    assert PUBLISHED not in digest.plain
