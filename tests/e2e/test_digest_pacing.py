"""The pacer in the running bot: digests take the whole second while readers are idle, and a
reader's reply takes its place back at once, with no 429.

Telegram's 30 messages a second is scaled down to ``LIMIT``, the emulator enforcing it, so
that a test takes a couple of seconds; the sender's pace is lifted so that the second's count,
not the schedule, decides.
"""

from __future__ import annotations

from bisect import bisect_left

import pytest

from bot.delivery.kinds import OutboxKind
from bot.delivery.outbox import enqueue
from bot.delivery.pacer import Pacer
from tests.e2e.conftest import RunningBot
from tests.e2e.test_news import UZBEK_COURT
from tests.emulator import BotApiEmulator, SentMessage

LIMIT = 5  # messages a second, replies included
READER = 900


class RecordingPacer(Pacer):
    """The shipped pacer, remembering when it let each send go."""

    def __init__(self) -> None:
        super().__init__(rate=100.0, limit=LIMIT)
        self.slots: list[float] = []

    async def wait(self) -> float:
        """Take a slot, and note when."""
        self.slots.append(await super().wait())
        return self.slots[-1]


@pytest.fixture
def pacer(bot: RunningBot, emulator: BotApiEmulator) -> RecordingPacer:
    """The bot's pacer with Telegram's limit at ``LIMIT`` a second, the emulator's too."""
    pacer = RecordingPacer()
    bot.app.bot_data.delivery.pacer = pacer
    emulator.enable_rate_limit(overall=(LIMIT, 1.0))
    return pacer


async def broadcast(bot: RunningBot, chats: range) -> None:
    """Queue one message to each chat and wake the sender."""
    messages = [(chat, f"Hello <b>{chat}</b>", None) for chat in chats]
    await enqueue(bot.store, OutboxKind.BROADCAST, "1", messages)
    bot.app.bot_data.delivery.wake(bot.app)


async def all_sent(emulator: BotApiEmulator, count: int) -> list[SentMessage]:
    """Every message sent, once there are ``count``."""
    await emulator.wait_for(lambda: len(emulator.sent()) >= count, 10, f"{count} messages")
    return emulator.sent()


def busiest_second(times: list[float]) -> int:
    """The most of ``times`` in any one second."""
    times = sorted(times)
    return max(bisect_left(times, at + 1.0) - n for n, at in enumerate(times))


async def test_with_readers_idle_digests_take_the_whole_second(
    bot: RunningBot, emulator: BotApiEmulator, pacer: RecordingPacer
) -> None:
    chats = range(1, 2 * LIMIT + 2)
    await broadcast(bot, chats)
    sent = await all_sent(emulator, len(chats))

    assert sorted(message.chat_id for message in sent) == list(chats)  # each once
    assert emulator.rate_limited == 0
    assert busiest_second(pacer.slots) == LIMIT  # no place kept for readers who do not write


async def test_a_reader_who_writes_into_a_full_second_gets_the_next_place(
    bot: RunningBot, emulator: BotApiEmulator, pacer: RecordingPacer
) -> None:
    chats = range(1, 3 * LIMIT + 1)
    await broadcast(bot, chats)
    await emulator.wait_for(lambda: len(emulator.sent()) >= LIMIT, 10, "a second of digests")

    replies = await bot.private(READER).send("/latest 1")
    sent = await all_sent(emulator, len(chats) + 1)

    [reply] = replies.sent
    assert f"1. {UZBEK_COURT}" in reply.plain  # the newest of the seeds
    assert [m.chat_id for m in sent].count(READER) == 1
    assert sorted(m.chat_id for m in sent if m.chat_id != READER) == list(chats)
    assert emulator.rate_limited == 0  # neither the reply nor a digest was refused
    assert busiest_second([m.at for m in sent]) <= LIMIT
