"""Fan-outs in each subscriber's language: the chat's choice, else the app's when it subscribed,
else English; rendered once per language, however many chats speak it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from telegram import InlineKeyboardMarkup

from bot.delivery.fanout import FanOut, queue
from bot.delivery.kinds import OutboxKind
from bot.i18n import Catalogs, Translator
from storage import Store

CATALOGS = Catalogs.load()
# A message the Russian catalog already translates (a command's description).
MESSAGE = "the list of commands"


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


async def _subscribe(store: Store, chat_id: int, language: str | None) -> None:
    due = datetime.now(UTC) + timedelta(hours=6)
    await store.subscribers.subscribe(
        chat_id, chat_id, time(9), "Asia/Almaty", due, 0, language=language
    )


async def test_each_subscriber_gets_the_fan_out_in_their_language_rendered_once_each(
    store: Store,
) -> None:
    await _subscribe(store, 1, None)  # English app, or one we don't speak
    await _subscribe(store, 2, "ru")  # a Russian app when subscribing
    await _subscribe(store, 3, "ru")
    await _subscribe(store, 4, "ru")
    await store.languages.set(4, "kk")  # then chose Kazakh: the choice wins
    await _subscribe(store, 5, None)
    await store.languages.set(5, "ru")
    rendered: list[str] = []

    def render(t: Translator) -> tuple[str, InlineKeyboardMarkup | None]:
        rendered.append(t.code)
        return f"📣 {t.code}: {t(MESSAGE)}", None

    async def record(queued: int) -> None:
        assert queued == 5

    fanout = FanOut(OutboxKind.BROADCAST, "1", render)
    assert await queue(store, CATALOGS, fanout, record) == 5

    assert sorted(rendered) == ["en", "kk", "ru"]
    messages = await store.outbox.ready(datetime.now(UTC) + timedelta(minutes=1), 10)
    texts = {message.chat_id: message.text for message in messages}
    english, russian, kazakh = (
        f"📣 {code}: {CATALOGS.get(code)(MESSAGE)}" for code in ("en", "ru", "kk")
    )
    assert texts == {1: english, 2: russian, 3: russian, 4: kazakh, 5: russian}
    assert russian == "📣 ru: список команд"


async def test_resubscribing_keeps_the_language_known_when_the_app_sends_none(
    store: Store,
) -> None:
    await _subscribe(store, 2, "ru")
    await _subscribe(store, 2, None)  # /subscribe 08:00 from a client without language_code

    subscriber = await store.subscribers.find(2)
    assert subscriber is not None
    assert subscriber.language == "ru"
    assert await store.languages.of_subscribers([2, 3]) == {2: "ru"}
