"""E2E: "publish now" and /broadcast reach every subscriber once, through the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.handlers.admin.gate import REFUSAL
from bot.render.admin import ALREADY_SENT, NOBODY
from bot.render.news import open_button
from tests.e2e.conftest import ADMIN_ID, Launcher, RunningBot
from tests.emulator import SentMessage

SUBSCRIBERS = (101, 102, 103)
BLOCKED = 104
STRANGER = 7
BODY = "The Didor festival opens in Dushanbe on Friday with a programme of Tajik shorts."


async def _subscribe(bot: RunningBot, *chat_ids: int) -> None:
    due = datetime.now(UTC) + timedelta(hours=6)
    for chat_id in chat_ids:
        await bot.store.subscribers.subscribe(chat_id, chat_id, time(9), "Asia/Almaty", due, 0)


async def _report(bot: RunningBot, words: str) -> SentMessage:
    """The edit that reports a finished fan-out."""
    return await bot.emulator.wait_for(
        lambda: next((e for e in bot.emulator.edits(ADMIN_ID) if words in e.plain), None),
        10,
        f"the report {words!r}",
    )


async def _press_again(bot: RunningBot, message_id: int, data: str) -> dict[str, object]:
    """The client resends a press (a new update id), the button already gone; its answer."""
    update = await bot.emulator.press_button(ADMIN_ID, message_id, data, strict=False)
    await bot.settle()
    query_id = update["callback_query"]["id"]
    [answer] = [a for a in bot.emulator.callback_answers if a["callback_query_id"] == query_id]
    return answer


async def test_publish_now_sends_once_to_every_subscriber_and_reports(bot: RunningBot) -> None:
    await _subscribe(bot, *SUBSCRIBERS, BLOCKED)
    bot.emulator.block(BLOCKED)
    admin = bot.private(ADMIN_ID)
    preview = (await admin.send(f"/post Didor festival opens\n{BODY}")).last
    assert "Publish now (4)" in preview.buttons[0]["text"]
    [now, _, _] = preview.callback_data

    pressed = await admin.press(preview, "Publish now")
    [hit] = await bot.store.search.hits("Didor")

    assert "Publishing" in pressed.text
    report = await _report(bot, "Published")
    assert "Sent: 3 · blocked: 1 · failed: 0" in report.plain
    for chat_id in SUBSCRIBERS:
        [message] = bot.emulator.sent(chat_id)
        assert "Didor festival opens" in message.plain
        assert message.callback_data == [open_button(hit.article).callback_data]
    assert not bot.emulator.sent(BLOCKED)
    assert await bot.store.subscribers.count(active=False) == 1  # the blocked chat left

    answer = await _press_again(bot, preview.message_id, now)

    assert answer["text"] == ALREADY_SENT
    assert (await bot.store.outbox.report("publish", str(hit.article.id))).total == 4
    publishes = [a for a in await bot.store.admin_actions.recent(20) if a.action == "publish"]
    assert [(a.user_id, a.target, a.detail) for a in publishes] == [
        (ADMIN_ID, str(hit.article.id), "to 4 subscribers")
    ]
    assert await bot.store.articles.count() == 8  # published once


async def test_publish_now_to_one_subscriber_says_subscriber(bot: RunningBot) -> None:
    await _subscribe(bot, SUBSCRIBERS[0])
    admin = bot.private(ADMIN_ID)
    preview = (await admin.send(f"/post Didor festival opens\n{BODY}")).last
    assert "to 1 subscriber," in preview.plain

    await admin.press(preview, "Publish now")
    report = await _report(bot, "Published")

    assert "Sent: 1 ·" in report.plain
    [publish] = [a for a in await bot.store.admin_actions.recent(20) if a.action == "publish"]
    assert publish.detail == "to 1 subscriber"


async def test_publish_pressed_twice_at_once_and_after_a_restart_publishes_once(
    launch: Launcher,
) -> None:
    async with launch() as bot:
        await _subscribe(bot, *SUBSCRIBERS)
        preview = (await bot.private(ADMIN_ID).send(f"/post Didor festival opens\n{BODY}")).last
        [data, _, _] = preview.callback_data
        for _ in range(2):  # two presses arrive before the bot handles either
            await bot.emulator.press_button(ADMIN_ID, preview.message_id, data)
        await bot.settle()
        await _report(bot, "Published")

    async with launch() as bot:
        answer = await _press_again(bot, preview.message_id, data)
        await bot.settle()

        assert answer["text"] == ALREADY_SENT
        for chat_id in SUBSCRIBERS:
            assert len(bot.emulator.sent(chat_id)) == 1
        [article] = await bot.store.articles.latest(1)
        assert article.title == "Didor festival opens"
        assert (await bot.store.outbox.report("publish", str(article.id))).sent == 3
        assert await bot.store.articles.count() == 8  # one article for two presses


async def test_broadcast_confirms_then_sends_once_and_reports(launch: Launcher) -> None:
    text = "<b>Festival</b> & «кино» 🎬 tonight"
    async with launch() as bot:
        await _subscribe(bot, *SUBSCRIBERS, BLOCKED)
        bot.emulator.block(BLOCKED)
        admin = bot.private(ADMIN_ID)

        question = (await admin.send(f"/broadcast {text}")).last

        assert "Send this to 4 subscribers?" in question.plain
        assert text in question.plain
        assert not any(bot.emulator.sent(chat_id) for chat_id in SUBSCRIBERS)

        await admin.press(question, "Send")
        report = await _report(bot, "Broadcast sent")

        assert "Sent: 3 · blocked: 1 · failed: 0" in report.plain
        for chat_id in SUBSCRIBERS:
            [message] = bot.emulator.sent(chat_id)
            assert message.plain == f"📣 {text}"
        [data, _] = question.callback_data
        request = data.rsplit(":", 1)[1]
        actions = [(a.action, a.target) for a in await bot.store.admin_actions.recent(5)]
        assert actions[:2] == [("broadcast", request), ("broadcast-request", None)]

    async with launch() as bot:  # a restart, then the press resent
        answer = await _press_again(bot, question.message_id, data)

        assert answer["text"] == ALREADY_SENT
        assert (await bot.store.outbox.report("broadcast", request)).total == 4
        for chat_id in SUBSCRIBERS:
            assert len(bot.emulator.sent(chat_id)) == 1


async def test_broadcast_cancelled_sends_nothing(bot: RunningBot) -> None:
    await _subscribe(bot, *SUBSCRIBERS)
    admin = bot.private(ADMIN_ID)
    question = (await admin.send("/broadcast Never mind")).last

    cancelled = await admin.press(question, "Cancel")

    assert "cancelled" in cancelled.text
    assert (await bot.store.outbox.report()).total == 0
    assert not any(bot.emulator.sent(chat_id) for chat_id in SUBSCRIBERS)


async def test_broadcast_with_bad_input_or_nobody_to_send_to_explains(bot: RunningBot) -> None:
    admin = bot.private(ADMIN_ID)

    nobody = await admin.send("/broadcast Hello?")
    await _subscribe(bot, *SUBSCRIBERS)
    empty = await admin.send("/broadcast   ")
    long = await admin.send("/broadcast " + "&" * 4094)  # 4,097 visible with "📣 "

    assert nobody.text == NOBODY
    assert not nobody.last.buttons
    assert "Write the message after /broadcast" in empty.text
    assert "too long for one Telegram message" in long.text
    assert await bot.store.admin_actions.recent() == []


async def test_broadcast_is_refused_to_others_even_from_a_forwarded_button(
    bot: RunningBot,
) -> None:
    await _subscribe(bot, *SUBSCRIBERS)
    refused = await bot.private(STRANGER).send("/broadcast Spam")
    question = (await bot.private(ADMIN_ID).send("/broadcast Real news")).last

    update = await bot.emulator.press_button(
        ADMIN_ID, question.message_id, question.callback_data[0], user_id=STRANGER
    )
    await bot.settle()

    assert refused.text == REFUSAL
    query_id = update["callback_query"]["id"]
    [answer] = [a for a in bot.emulator.callback_answers if a["callback_query_id"] == query_id]
    assert answer["text"] == REFUSAL
    assert (await bot.store.outbox.report()).total == 0
    refusals = [
        (a.user_id, a.action) for a in await bot.store.admin_actions.recent(10) if not a.allowed
    ]
    assert refusals == [(STRANGER, "broadcast"), (STRANGER, "broadcast")]
