"""E2E: a forum group's digest in the topic where it subscribed; a group that became a
supergroup keeps its subscription."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import RunningBot
from tests.e2e.reach import KG_FESTIVAL, Clock, add_articles, digest_time, digests, use_clock

ADMIN = 77
FORUM = -1004242
TOPIC = 12
GROUP = -4242
SUPERGROUP = -1004343


@pytest.fixture
def clock(bot: RunningBot) -> Clock:
    """The delivery clock."""
    return use_clock(bot)


async def test_a_forum_group_gets_its_digest_in_the_topic_where_it_subscribed(
    bot: RunningBot, clock: Clock
) -> None:
    bot.emulator.set_member(FORUM, ADMIN, "administrator")
    forum = bot.group(FORUM, user_id=ADMIN)
    await forum.send("/start", message_thread_id=3)  # another topic exists too
    subscribed = await forum.send("/subscribe 09:00 Bishkek", message_thread_id=TOPIC)
    assert subscribed.last.params.get("message_thread_id") == TOPIC  # answered in the topic
    settings = await forum.send("/settings", message_thread_id=TOPIC)
    assert "Where: this topic of the group" in settings.text
    await add_articles(bot, KG_FESTIVAL)

    await digest_time(bot, clock, FORUM)

    [digest] = digests(bot.emulator, FORUM)
    assert digest.params["message_thread_id"] == TOPIC
    assert KG_FESTIVAL[0] in digest.plain


async def test_a_group_that_becomes_a_supergroup_keeps_its_subscription(
    bot: RunningBot, clock: Clock
) -> None:
    bot.emulator.set_member(GROUP, ADMIN, "administrator")
    await bot.group(GROUP, user_id=ADMIN).send("/subscribe 08:30 Almaty")
    before = await bot.store.subscribers.get(GROUP)

    await bot.emulator.migrate_group(GROUP, SUPERGROUP, user_id=ADMIN)
    await bot.settle()

    assert await bot.store.subscribers.find(GROUP) is None
    after = await bot.store.subscribers.get(SUPERGROUP)
    assert (after.digest_time, after.timezone, after.next_due_at) == (
        before.digest_time,
        before.timezone,
        before.next_due_at,
    )
    await add_articles(bot, KG_FESTIVAL)
    await digest_time(bot, clock, SUPERGROUP)
    assert [KG_FESTIVAL[0] in d.plain for d in digests(bot.emulator, SUPERGROUP)] == [True]


async def test_a_digest_to_a_group_that_migrated_unannounced_follows_it(
    bot: RunningBot, clock: Clock
) -> None:
    bot.emulator.set_member(GROUP, ADMIN, "administrator")
    await bot.group(GROUP, user_id=ADMIN).send("/subscribe 08:30 Almaty")
    await bot.emulator.migrate_group(GROUP, SUPERGROUP, announce=False)
    await add_articles(bot, KG_FESTIVAL)

    await digest_time(bot, clock, GROUP)  # refused at the old id, naming the new one

    assert [KG_FESTIVAL[0] in d.plain for d in digests(bot.emulator, SUPERGROUP)] == [True]
    assert (await bot.store.subscribers.get(SUPERGROUP)).active
    assert await bot.store.subscribers.find(GROUP) is None
