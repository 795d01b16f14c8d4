"""Daily digests end to end: the real bot, long-polling the emulator, with a clock we move."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.digests import ComposeReport
from bot.delivery.kinds import OutboxKind
from bot.delivery.service import JOB
from bot.newsroom.schedule import latest_day
from storage import Store
from storage.models import NewArticle
from tests.e2e.conftest import Launcher, RunningBot
from tests.emulator import BotApiEmulator, SentMessage

KIND = OutboxKind.DIGEST

START = datetime(2026, 2, 7, 0, 0, tzinfo=UTC)  # 06:00 in Bishkek


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(bot: RunningBot) -> FakeClock:
    """The bot's digest clock, stopped at START."""
    fake = FakeClock(START)
    bot.app.bot_data.delivery.clock = fake
    return fake


async def at(bot: RunningBot, clock: FakeClock, when: datetime) -> ComposeReport:
    """Move the clock to ``when`` and run the minute job's work now."""
    clock.now = when
    return await bot.app.bot_data.delivery.compose(bot.app)


async def settled(store: Store) -> None:
    """Wait until the sender has nothing pending or in flight."""
    async with asyncio.timeout(5):
        while not (await store.outbox.report()).done:  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def publish(store: Store, *titles: str) -> None:
    """Articles appear (an admin posted them, or an ingest found them)."""
    for title in titles:
        await store.articles.add(NewArticle(title, f"All about {title}.", "admin:42"))


def digests(emulator: BotApiEmulator, chat_id: int) -> list[SentMessage]:
    """The digests a chat received."""
    return [m for m in emulator.sent(chat_id) if "film news digest" in m.plain]


async def test_subscribe_and_the_digest_comes_once_at_the_local_time(
    bot: RunningBot, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    reply = await bot.private(5).send("/subscribe 08:30 Asia/Bishkek")
    assert "08:30 (Asia/Bishkek)" in reply.text
    assert "Next digest: Saturday 7 February 2026 at 08:30" in reply.text
    await publish(bot.store, "Snow Leopard premiere", "Bishkek festival opens")

    early = await at(bot, clock, datetime(2026, 2, 7, 2, 29, tzinfo=UTC))  # 08:29 local
    on_time = await at(bot, clock, datetime(2026, 2, 7, 2, 30, tzinfo=UTC))
    [message] = await emulator.wait_for(lambda: digests(emulator, 5))
    later = await at(bot, clock, datetime(2026, 2, 7, 9, 0, tzinfo=UTC))
    await settled(bot.store)

    assert (early.due, on_time.queued, later.due) == (0, 1, 0)
    assert digests(emulator, 5) == [message]
    assert "7 February 2026" in message.plain
    assert message.plain.index("Bishkek festival opens") < message.plain.index("Snow Leopard")
    assert "📖" in message.buttons[0]["text"]  # open buttons for the listed articles
    settings = await bot.private(5).send("/settings")
    assert "Next: Sunday 8 February 2026 at 08:30" in settings.text
    assert "Last: 7 February 2026" in settings.text

    # The next day nothing new: no message, the day is done all the same.
    quiet = await at(bot, clock, datetime(2026, 2, 8, 2, 30, tzinfo=UTC))
    await settled(bot.store)
    assert (quiet.due, quiet.queued, quiet.empty) == (1, 0, 1)
    assert len(digests(emulator, 5)) == 1


async def test_the_minute_job_does_not_rely_on_apscheduler_defaults(bot: RunningBot) -> None:
    [job] = bot.app.job_queue.get_jobs_by_name(JOB)  # type: ignore[union-attr]
    assert job.job.misfire_grace_time is None
    assert job.job.coalesce is True
    assert job.job.trigger.interval == timedelta(minutes=1)


async def test_two_subscribers_in_two_zones(
    bot: RunningBot, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    await bot.private(5).send("/subscribe 09:00 Asia/Bishkek")  # 03:00 UTC
    await bot.private(6).send("/subscribe 09:00 Asia/Kathmandu")  # 03:15 UTC
    await publish(bot.store, "Kyrgyz cinema week")

    await at(bot, clock, datetime(2026, 2, 7, 3, 0, tzinfo=UTC))
    await emulator.wait_for(lambda: digests(emulator, 5))
    await settled(bot.store)
    assert not digests(emulator, 6)

    await at(bot, clock, datetime(2026, 2, 7, 3, 15, tzinfo=UTC))
    await emulator.wait_for(lambda: digests(emulator, 6))
    await settled(bot.store)
    assert [len(digests(emulator, chat)) for chat in (5, 6)] == [1, 1]


async def test_the_digest_keeps_local_time_across_the_dst_change(
    bot: RunningBot, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    await bot.private(5).send("/subscribe 09:00 America/New_York")
    await publish(bot.store, "Before the clocks change")
    await at(bot, clock, datetime(2026, 3, 7, 14, 0, tzinfo=UTC))  # 09:00 EST
    await emulator.wait_for(lambda: digests(emulator, 5))
    await publish(bot.store, "After the clocks change")

    # On 8 March New York is on EDT (UTC-4): 09:00 is 13:00 UTC, not 14:00.
    early = await at(bot, clock, datetime(2026, 3, 8, 12, 59, tzinfo=UTC))
    on_time = await at(bot, clock, datetime(2026, 3, 8, 13, 0, tzinfo=UTC))
    await emulator.wait_for(lambda: len(digests(emulator, 5)) == 2)
    await settled(bot.store)

    assert (early.due, on_time.queued) == (0, 1)
    first, second = digests(emulator, 5)
    assert "7 March 2026" in first.plain
    assert "8 March 2026" in second.plain
    assert "After the clocks change" in second.plain
    assert "Before the clocks change" not in second.plain


async def test_a_restart_in_between_catches_up_once(
    launch: Launcher, emulator: BotApiEmulator
) -> None:
    real_now = datetime.now(UTC)
    async with launch() as first:
        # The bot subscribed the reader three days ago, then went down.
        first.app.bot_data.delivery.clock = FakeClock(real_now - timedelta(days=3))
        await first.private(5).send("/subscribe 09:00 Asia/Almaty")
        await publish(first.store, "Written while the bot was down")
    assert not digests(emulator, 5)

    async with launch() as second:  # the real clock: the catch-up run at start
        [message] = await emulator.wait_for(lambda: digests(emulator, 5))
        await second.app.bot_data.delivery.compose(second.app)
        await settled(second.store)
        subscriber = await second.store.subscribers.get(5)
        last = await second.store.subscribers.last_digest(5)

    assert digests(emulator, 5) == [message]
    assert "Written while the bot was down" in message.plain
    zone = ZoneInfo("Asia/Almaty")
    assert last is not None
    assert last.day == latest_day(datetime.now(UTC), subscriber.digest_time, zone)
    assert subscriber.next_due_at is not None
    assert subscriber.next_due_at > real_now


async def test_in_a_group_only_admins_change_the_digest(
    bot: RunningBot, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    emulator.set_member(-100777, 7, "member")
    emulator.set_member(-100777, 8, "administrator")

    refused = await bot.group(-100777, 7).send("/subscribe 10:00")
    accepted = await bot.group(-100777, 8).send("/subscribe 10:00")
    moved = await bot.group(-100777, 8).send("/subscribe 11:00 Asia/Tashkent")
    not_stopped = await bot.group(-100777, 7).send("/unsubscribe")
    anyone_reads = await bot.group(-100777, 7).send("/settings")

    assert "Only the group's admins" in refused.text
    assert "Subscribed" in accepted.text
    assert "changed to 11:00 (Asia/Tashkent)" in moved.text
    assert "Only the group's admins" in not_stopped.text
    assert "11:00 (Asia/Tashkent)" in anyone_reads.text
    assert await bot.store.subscribers.count() == 1
    assert (await bot.store.subscribers.get(-100777)).timezone == "Asia/Tashkent"


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        ("/subscribe 25:00", "is not a time of day"),
        ("/subscribe 8h30", "is not a time like 09:00"),
        ("/subscribe 08:30 Mars/Olympus", "'Mars/Olympus' is not a time zone I know"),
        ("/subscribe 08:30 Asia/Bishkek extra", "more than a time and a zone"),
        ("/subscribe 08:30 09:30", "one time, not two"),
    ],
)
async def test_a_bad_time_or_zone_gets_an_example(
    bot: RunningBot, clock: FakeClock, command: str, problem: str
) -> None:
    reply = await bot.private(5).send(command)

    assert problem in reply.text
    assert "/subscribe 08:30 Asia/Bishkek" in reply.text
    assert await bot.store.subscribers.count() == 0


async def test_defaults_zone_names_forgiving_of_case_and_unsubscribe(
    bot: RunningBot, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    default = await bot.private(5).send("/subscribe")
    lower = await bot.private(6).send("/subscribe asia/kathmandu 07:15")
    settings = await bot.private(6).send("/settings")
    await publish(bot.store, "Nobody will read this in chat 6")
    stopped = await bot.private(6).send("/unsubscribe")
    again = await bot.private(6).send("/unsubscribe")
    after = await bot.private(6).send("/settings")
    await at(bot, clock, START + timedelta(days=1))
    await emulator.wait_for(lambda: digests(emulator, 5))
    await settled(bot.store)

    assert "09:00 (Asia/Almaty)" in default.text  # FILMNEWS_DIGEST_TIME, FILMNEWS_TIMEZONE
    assert "07:15 (Asia/Kathmandu)" in lower.text
    assert "When: every day at 07:15 (Asia/Kathmandu)" in settings.text
    assert "Next: Saturday 7 February 2026 at 07:15" in settings.text
    assert "Unsubscribed" in stopped.text
    assert "not subscribed" in again.text
    assert "You have no daily digest" in after.text
    assert not digests(emulator, 6)


async def test_a_chat_that_blocked_the_bot_is_unsubscribed_and_counted(
    bot: RunningBot, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    for chat_id in (5, 6, 7):
        await bot.private(chat_id).send("/subscribe 08:30 Asia/Bishkek")
    await publish(bot.store, "A story for the ones still here")
    emulator.block(6)
    emulator.block(7, "not_found")

    await at(bot, clock, datetime(2026, 2, 7, 2, 30, tzinfo=UTC))
    await emulator.wait_for(lambda: digests(emulator, 5))
    await settled(bot.store)

    report = await bot.store.outbox.report(KIND, "2026-02-07")
    assert (report.sent, report.blocked) == (1, 2)
    assert [(await bot.store.subscribers.get(c)).active for c in (5, 6, 7)] == [True, False, False]
    assert "blocked" in ((await bot.store.subscribers.get(6)).inactive_reason or "")
    assert "not found" in ((await bot.store.subscribers.get(7)).inactive_reason or "")
    assert await bot.store.subscribers.count(active=False) == 2
    # The next day, nobody writes to them again.
    await publish(bot.store, "Tomorrow's story")
    tomorrow = await at(bot, clock, datetime(2026, 2, 8, 2, 30, tzinfo=UTC))
    assert (tomorrow.due, tomorrow.queued) == (1, 1)


async def test_flood_control_waits_retry_after_and_sends_again(
    bot: RunningBot, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    await bot.private(5).send("/subscribe 08:30 Asia/Bishkek")
    await publish(bot.store, "Worth the wait")
    emulator.fail_next("sendMessage", status=429, retry_after=1, chat_id=5)

    await at(bot, clock, datetime(2026, 2, 7, 2, 30, tzinfo=UTC))
    [message] = await emulator.wait_for(lambda: digests(emulator, 5))
    await settled(bot.store)

    refused = [c for c in emulator.calls("sendMessage") if c.status == 429]
    assert len(refused) == 1
    assert digests(emulator, 5) == [message]
    assert message.at - refused[0].at >= 1.0  # it waited retry_after before sending again
    assert (await bot.store.outbox.report(KIND)).sent == 1


async def test_the_day_of_a_digest_is_the_readers_local_day(
    bot: RunningBot, emulator: BotApiEmulator, clock: FakeClock
) -> None:
    # 07:00 on 8 February in Kamchatka (UTC+12) is still 7 February in UTC.
    await bot.private(5).send("/subscribe 07:00 Asia/Kamchatka")
    await publish(bot.store, "Far east news")

    await at(bot, clock, datetime(2026, 2, 7, 19, 0, tzinfo=UTC))
    [message] = await emulator.wait_for(lambda: digests(emulator, 5))

    assert "8 February 2026" in message.plain
    last = await bot.store.subscribers.last_digest(5)
    assert last is not None
    assert last.day == date(2026, 2, 8)
