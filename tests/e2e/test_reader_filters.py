"""E2E: "What I receive" by tapping, and the digest, "publish now" and /digest following it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import ADMIN_ID, RunningBot, UserChat
from tests.e2e.reach import (
    KG_FESTIVAL,
    KG_PRODUCTION,
    KZ_RELEASE,
    UZ_FESTIVAL,
    Clock,
    add_articles,
    digest_time,
    digests,
    settled,
    use_clock,
)
from tests.emulator import SentMessage

READER = 5
EVERYONE = 6  # a subscriber who chose nothing


@pytest.fixture
def clock(bot: RunningBot) -> Clock:
    """The delivery clock."""
    return use_clock(bot)


async def receive_panel(chat: UserChat) -> SentMessage:
    """/settings, then "What I receive": the panel, edited in place."""
    settings = (await chat.send("/settings")).last
    opened = await chat.press(settings, "What I receive")
    assert "What I receive" in opened.last.plain
    return opened.last


async def tick(chat: UserChat, panel: SentMessage, *labels: str) -> SentMessage:
    """Tap each label on the panel in turn; the panel as it is after the last tap."""
    for label in labels:
        replies = await chat.press(panel, label)
        assert replies.answers, label
        assert replies.edits, label
        panel = replies.edits[-1]
    return panel


async def test_a_reader_who_ticks_kyrgyzstan_and_festivals_gets_just_that(
    bot: RunningBot, clock: Clock
) -> None:
    reader, everyone = bot.private(READER), bot.private(EVERYONE)
    await reader.send("/subscribe 09:00 Bishkek")
    await everyone.send("/subscribe 09:00 Bishkek")
    panel = await tick(reader, await receive_panel(reader), "Kyrgyzstan", "Festivals and awards")
    assert "✓ Kyrgyzstan" in [b["text"] for b in panel.buttons]
    assert "Countries: Kyrgyzstan" in panel.plain
    assert "Topics: Festivals and awards" in panel.plain
    await add_articles(bot, KG_FESTIVAL, KZ_RELEASE, KG_PRODUCTION, UZ_FESTIVAL)

    report = await digest_time(bot, clock, READER)

    assert (report.due, report.queued) == (2, 2)
    [chosen] = digests(bot.emulator, READER)
    assert KG_FESTIVAL[0] in chosen.plain
    for other in (KZ_RELEASE, KG_PRODUCTION, UZ_FESTIVAL):
        assert other[0] not in chosen.plain
    assert "1 new article" in chosen.plain
    [everything] = digests(bot.emulator, EVERYONE)  # the default is unchanged: all four
    assert all(title in everything.plain for title, _ in (KG_FESTIVAL, KZ_RELEASE, UZ_FESTIVAL))
    assert "4 new articles" in everything.plain


async def test_a_digest_the_choice_leaves_empty_is_not_sent(bot: RunningBot, clock: Clock) -> None:
    reader = bot.private(READER)
    await reader.send("/subscribe 09:00 Bishkek")
    await tick(reader, await receive_panel(reader), "Turkmenistan")
    await add_articles(bot, KG_FESTIVAL, KZ_RELEASE)

    report = await digest_time(bot, clock, READER)

    assert (report.due, report.queued, report.empty) == (1, 0, 1)
    assert not digests(bot.emulator, READER)
    untick = await tick(reader, await receive_panel(reader), "Turkmenistan")
    assert "Countries: any" in untick.plain


async def test_everything_undoes_the_choice_and_words_typed_exclude(
    bot: RunningBot, clock: Clock
) -> None:
    reader = bot.private(READER)
    await reader.send("/subscribe 09:00 Bishkek")
    panel = await tick(reader, await receive_panel(reader), "Kazakhstan")
    panel = await tick(reader, panel, "Everything")
    assert "Countries: any" in panel.plain
    prompt = (await reader.press(panel, "Never with words")).last
    bad = await reader.send("x" * 80, reply_to_message_id=prompt.message_id)
    assert "could not read that" in bad.text
    saved = await reader.send("grand prize, horror", reply_to_message_id=prompt.message_id)
    assert "Never with the words: grand prize, horror" in saved.text
    await add_articles(bot, KG_FESTIVAL, KZ_RELEASE)

    await digest_time(bot, clock, READER)

    [digest] = digests(bot.emulator, READER)
    assert KZ_RELEASE[0] in digest.plain
    assert KG_FESTIVAL[0] not in digest.plain  # "grand prize", in another word form too


async def test_publish_now_goes_only_to_readers_who_chose_such_news(
    bot: RunningBot, clock: Clock
) -> None:
    reader, everyone = bot.private(READER), bot.private(EVERYONE)
    await reader.send("/subscribe 09:00 Bishkek")
    await everyone.send("/subscribe 09:00 Bishkek")
    await tick(reader, await receive_panel(reader), "Kyrgyzstan")
    admin = bot.private(ADMIN_ID)

    for title, body in (KZ_RELEASE, KG_PRODUCTION):
        preview = (await admin.send(f"/post {title}\n{body}")).last
        await admin.press(preview, "Publish now")
    clock.now = datetime.now(UTC) + timedelta(seconds=1)
    bot.app.bot_data.delivery.wake(bot.app)
    await settled(bot)

    got = [m.plain for m in bot.emulator.sent(READER)]
    assert any(KG_PRODUCTION[0] in text for text in got)
    assert not any(KZ_RELEASE[0] in text for text in got)
    everything = [m.plain for m in bot.emulator.sent(EVERYONE)]
    assert any(KZ_RELEASE[0] in text for text in everything)
    assert any(KG_PRODUCTION[0] in text for text in everything)


async def test_the_digest_preview_is_the_filtered_one(bot: RunningBot, clock: Clock) -> None:
    admin = bot.private(ADMIN_ID)
    await admin.send("/subscribe 09:00 Bishkek")
    await tick(admin, await receive_panel(admin), "Kyrgyzstan", "Festivals and awards")
    await add_articles(bot, KG_FESTIVAL, KZ_RELEASE, UZ_FESTIVAL)

    note, preview = (await admin.send("/digest")).texts

    assert "1 new article" in note
    assert KG_FESTIVAL[0] in preview
    assert KZ_RELEASE[0] not in preview
    assert UZ_FESTIVAL[0] not in preview


async def test_a_followed_festival_comes_whatever_else_is_ticked(
    bot: RunningBot, clock: Clock
) -> None:
    reader = bot.private(READER)
    await reader.send("/subscribe 09:00 Bishkek")
    card = (await reader.send("/festival Golden Panda")).last
    followed = await reader.press(card, "Follow")
    assert "Following" in followed.answers[0]["text"]
    assert any("Unfollow" in b["text"] for b in followed.edits[-1].buttons)
    panel = await tick(reader, await receive_panel(reader), "Kyrgyzstan")
    assert "Golden Panda" in panel.plain  # "Festivals I follow"
    [panda_news, kazakh] = await add_articles(
        bot,
        ("Golden Panda Awards open submissions", "Entries are open until May."),
        KZ_RELEASE,
    )
    festival = next(f for f in await bot.store.festivals.all() if "Panda" in f.name)
    await bot.store.articles.link_festivals(panda_news, [festival.id])

    await digest_time(bot, clock, READER)

    [digest] = digests(bot.emulator, READER)
    assert "Golden Panda Awards open submissions" in digest.plain
    assert KZ_RELEASE[0] not in digest.plain
    assert kazakh > panda_news


async def test_group_members_who_are_not_admins_cannot_change_the_choice(
    bot: RunningBot,
) -> None:
    group = bot.group(-1005, user_id=77)
    bot.emulator.set_member(-1005, 77, "member")
    settings = (await group.send("/settings")).last
    panel = (await group.press(settings, "What I receive")).last

    refused = await group.press(panel, "Kyrgyzstan")

    assert refused.answers[0]["show_alert"]
    assert "Only the group's admins" in refused.answers[0]["text"]
    assert (await bot.store.filters.get(-1005)).everything
