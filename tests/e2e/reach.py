"""Helpers of the e2e tests of issue 15: the digest clock, composing and waiting for the
sender, articles with their tags."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.delivery.digests import ComposeReport
from bot.newsroom.tagging import tagged
from storage.models import NewArticle
from tests.e2e.conftest import RunningBot
from tests.emulator import BotApiEmulator, SentMessage


class Clock:
    """The delivery service's clock: real time until a test moves it on."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def use_clock(bot: RunningBot) -> Clock:
    """Give the bot's delivery service a clock the test moves."""
    clock = Clock()
    bot.app.bot_data.delivery.clock = clock
    return clock


async def settled(bot: RunningBot) -> None:
    """Wait until the sender has nothing pending or in flight."""
    async with asyncio.timeout(10):
        while not (await bot.store.outbox.report()).done:  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def digest_time(bot: RunningBot, clock: Clock, chat_id: int) -> ComposeReport:
    """Move the clock to the chat's next digest, compose what is due, wait for the sender."""
    subscriber = await bot.store.subscribers.get(chat_id)
    assert subscriber.next_due_at is not None
    clock.now = subscriber.next_due_at
    report = await bot.app.bot_data.delivery.compose(bot.app)
    await settled(bot)
    return report


def digests(emulator: BotApiEmulator, chat_id: int) -> list[SentMessage]:
    """The digests a chat received."""
    return [m for m in emulator.sent(chat_id) if "film news digest" in m.plain]


async def add_articles(bot: RunningBot, *articles: tuple[str, str]) -> list[int]:
    """Store (title, body) articles as ingest stores them (tagged); their ids."""
    added = await bot.store.articles.add_many(
        [
            tagged(NewArticle(title, body, "feed:https://example.org/feed"))
            for title, body in articles
        ]
    )
    return [article_id for article_id, _ in added]


KG_FESTIVAL = (
    "Kyrgyz drama wins the grand prize at the Bishkek festival",
    "The jury of the festival in Bishkek gave its main award to a debut about shepherds.",
)
KZ_RELEASE = (
    "Kazakh comedy tops the box office in Almaty",
    "Cinemas in Almaty sold more tickets for it than for any release this year.",
)
KG_PRODUCTION = (
    "Filming of a Kyrgyz historical epic begins near Naryn",
    "The production is funded by a state grant; shooting lasts until autumn.",
)
UZ_FESTIVAL = (
    "Tashkent festival announces the jury of its competition",
    "The festival in Tashkent names five jurors for its main competition.",
)
