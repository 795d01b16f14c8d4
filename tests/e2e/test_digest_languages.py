"""E2E: subscriptions, the settings panel and the daily digest speak each reader's language
(issue 14): replies through the update's translator, digests in each subscriber's own language
(their /language choice, else their app's when they subscribed, else English).

The tests that use the shipped Russian catalog are expected to fail until it is translated; the
others give the bot a catalog of a few Russian messages, so that they prove the plumbing now.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from bot.i18n import Catalogs
from storage import Store
from storage.filters import Words
from storage.models import NewArticle
from tests.e2e.conftest import RunningBot
from tests.e2e.test_language_areas import catalogs_with, english_words
from tests.emulator import SentMessage

# 1 December 2026, 05:00 in Bishkek: the shipped seeds (February 2026) are the archive.
NOW = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
APP_RU, CHOSE_RU, ENGLISH, FILTERED_RU = 5, 6, 7, 8
HEADING = "📬 <b>Your film news digest</b> · {date}"
RUSSIAN = {
    HEADING: "📬 <b>Ваш дайджест</b> · {date}",
    "⚙️ Settings": "⚙️ Настройки",
    "Other zone…": "Другой пояс…",
    "Tashkent": "Ташкент",
    "Time zone: {city}": "Часовой пояс: {city}",
    "Reply to this message with your city or time zone: a city (Bishkek, Ташкент), a zone "
    "name (Asia/Almaty) or an offset (UTC+5).": "Ответьте на это сообщение городом или поясом.",
    "'{value}' is not a time zone I know: send a city (Bishkek, Ташкент), a zone name "
    "(Asia/Almaty) or an offset (UTC+5).": "Не знаю часового пояса «{value}».",
}
# Names, and what stays Latin in a Russian reply: times, zones, the example command.
NAMES = ("Asia", "HH:MM", "ZONE", "UTC", "Bishkek", "Ташкент", "Kinopark")


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(bot: RunningBot) -> FakeClock:
    """The bot's digest clock, stopped at NOW."""
    fake = FakeClock(NOW)
    bot.app.bot_data.delivery.clock = fake
    return fake


async def settled(store: Store) -> None:
    """Wait until the sender has nothing pending or in flight."""
    async with asyncio.timeout(5):
        while not (await store.outbox.report()).done:  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def digests_at_0830(bot: RunningBot, clock: FakeClock) -> None:
    """Today's 08:30 in Bishkek: compose the due digests and send them."""
    clock.now = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
    await bot.app.bot_data.delivery.compose(bot.app)
    await settled(bot.store)


def digest_of(bot: RunningBot, chat_id: int) -> SentMessage:
    """The one digest a chat got (the message with the digest's settings button)."""
    [digest] = [m for m in bot.emulator.sent(chat_id) if "ds:open" in m.callback_data]
    return digest


async def test_each_subscriber_gets_the_digest_in_their_language(
    bot: RunningBot, clock: FakeClock
) -> None:
    bot.app.bot_data.catalogs = catalogs_with("ru", RUSSIAN)
    bot.emulator.set_user_language(APP_RU, "ru")  # the app's language when subscribing
    bot.emulator.set_user_language(FILTERED_RU, "ru")
    for chat_id in (APP_RU, CHOSE_RU, ENGLISH, FILTERED_RU):
        await bot.private(chat_id).send("/subscribe 08:30 Bishkek")
    bot.emulator.set_user_language(APP_RU, "en")  # changing the app later changes nothing
    choice = await bot.private(CHOSE_RU).send("/language")
    await bot.private(CHOSE_RU).press(choice.last, "Русский")
    await bot.store.filters.set_words(FILTERED_RU, Words.INCLUDE, ["kinopark"])
    for title in ("Kinopark opens in Bishkek", "A premiere in Almaty"):
        await bot.store.articles.add(NewArticle(title, f"{title}.", "seed:test", seen_on=TODAY))

    await digests_at_0830(bot, clock)

    russian = [digest_of(bot, chat_id) for chat_id in (APP_RU, CHOSE_RU, FILTERED_RU)]
    english = digest_of(bot, ENGLISH)
    for digest in russian:
        assert digest.plain.startswith("📬 Ваш дайджест · 1 декабря 2026\n")
        assert "⚙️ Настройки" in [b["text"] for b in digest.buttons]
    assert russian[0].text == russian[1].text  # one rendering for both
    assert "A premiere in Almaty" not in russian[2].plain  # the filtered one chose its news
    assert "Kinopark opens in Bishkek" in russian[2].plain
    assert english.plain.startswith("📬 Your film news digest · 1 December 2026\n")
    assert "2 new articles" in english.plain
    assert "⚙️ Settings" in [b["text"] for b in english.buttons]


async def test_the_settings_panel_and_its_prompt_in_the_readers_language(
    bot: RunningBot, clock: FakeClock
) -> None:
    bot.app.bot_data.catalogs = catalogs_with("ru", RUSSIAN)
    bot.emulator.set_user_language(APP_RU, "ru")
    chat = bot.private(APP_RU)
    await chat.send("/subscribe 08:30 Bishkek")

    panel = (await chat.send("/settings")).last
    moved = await chat.press(panel, "Ташкент")
    prompt = (await chat.press(panel, "Другой пояс…")).last
    wrong = await chat.send("Atlantis", reply_to_message_id=prompt.message_id)
    right = await chat.send("Алматы", reply_to_message_id=prompt.message_id)

    labels = [b["text"] for b in panel.buttons]
    assert "Ташкент" in labels
    assert "Другой пояс…" in labels
    assert "Tashkent" not in labels
    assert [answer.get("text") for answer in moved.answers] == ["Часовой пояс: Ташкент"]
    assert "Asia/Tashkent" in moved.edits[-1].plain  # the panel, edited in place
    assert prompt.plain == "🌍 Ответьте на это сообщение городом или поясом."
    assert wrong.text.startswith("Не знаю часового пояса «Atlantis».")
    assert "Asia/Almaty" in right.text  # the Russian prompt's reply was read as a zone
    assert (await bot.store.subscribers.get(APP_RU)).timezone == "Asia/Almaty"


async def test_subscribe_and_settings_in_russian(bot: RunningBot, clock: FakeClock) -> None:
    bot.app.bot_data.catalogs = Catalogs.load()
    bot.emulator.set_user_language(APP_RU, "ru")
    chat = bot.private(APP_RU)

    subscribed = await chat.send("/subscribe 08:30 Bishkek")
    panel = await chat.send("/settings")
    usage = await chat.send("/subscribe 25:00")

    for reply in (subscribed, panel, usage):
        assert english_words(reply.text, *NAMES) == []
    labels = " ".join(b["text"] for b in panel.last.buttons)
    assert english_words(labels, *NAMES) == []


async def test_the_digest_in_russian(bot: RunningBot, clock: FakeClock) -> None:
    bot.app.bot_data.catalogs = Catalogs.load()
    bot.emulator.set_user_language(APP_RU, "ru")
    await bot.private(APP_RU).send("/subscribe 08:30 Bishkek")
    await bot.store.articles.add(NewArticle("Kinopark", "Kinopark.", "seed:test", seen_on=TODAY))

    await digests_at_0830(bot, clock)

    digest = digest_of(bot, APP_RU)
    assert english_words(digest.plain, *NAMES) == []
    buttons = " ".join(b["text"] for b in digest.buttons if b.get("callback_data", "")[:2] == "ds")
    assert english_words(buttons, *NAMES) == []
