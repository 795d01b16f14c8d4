"""E2E: /post (a draft: publish now, quietly, or discard), /edit and /delete by an admin, and
every admin command refused to everyone else."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.handlers.admin.gate import REFUSAL
from storage.errors import NotFound
from storage.models import Article
from tests.e2e.conftest import ADMIN_ID, RunningBot

STRANGER = 7
GOLDEN_PANDA_TITLE = "Kazakh Film Brings History and Culture to the 2nd Golden Panda Awards"
BODY = "The Didor festival opens in Dushanbe on Friday with a programme of Tajik shorts."


async def _audit(bot: RunningBot, limit: int = 20) -> list[tuple[int, str, str | None, bool]]:
    rows = await bot.store.admin_actions.recent(limit)
    return [(row.user_id, row.action, row.target, row.allowed) for row in reversed(rows)]


async def _found(bot: RunningBot, words: str) -> list[Article]:
    """The articles a search finds."""
    return [hit.article for hit in (await bot.store.search.find(words)).hits]


async def _subscribe(bot: RunningBot, *chat_ids: int) -> None:
    due = datetime.now(UTC) + timedelta(hours=6)
    for chat_id in chat_ids:
        await bot.store.subscribers.subscribe(chat_id, chat_id, time(9), "Asia/Almaty", due, 0)


async def test_a_post_is_a_draft_nobody_else_sees_until_published(bot: RunningBot) -> None:
    title = "Bishkek International Film Festival announces its jury"
    count = await bot.store.articles.count()

    replies = await bot.private(ADMIN_ID).send(f"/post {title}\n{BODY}\nSecond paragraph.")

    preview = replies.last
    [draft_id] = {int(data.rsplit(":", 1)[1]) for data in preview.callback_data}
    assert f"Draft #{draft_id}" in preview.plain
    assert "only admins see it" in preview.plain
    assert title in preview.plain
    assert "Bishkek International Film Festival" in preview.plain.split("Festivals:")[1]
    # Nobody is subscribed: no "Publish now (0)".
    assert [b["text"] for b in preview.buttons] == ["🗞 Publish quietly", "🗑 Discard"]
    assert (ADMIN_ID, "post", str(draft_id), True) in await _audit(bot)
    # Not in the news, the search, an /article or the festival's card.
    assert await bot.store.articles.count() == count
    assert title not in (await bot.private(STRANGER).send("/latest 20")).text
    assert await _found(bot, "announces jury") == []
    assert title not in (await bot.private(STRANGER).send("/search announces jury")).text
    assert title not in (await bot.private(ADMIN_ID).send("/digest")).text


async def test_publish_quietly_puts_it_in_the_news_and_the_next_digest_only(
    bot: RunningBot,
) -> None:
    await _subscribe(bot, 101)
    title = "Bishkek International Film Festival announces its jury"
    admin = bot.private(ADMIN_ID)
    preview = (await admin.send(f"/post {title}\n{BODY}\nSecond paragraph.")).last
    assert [b["text"] for b in preview.buttons] == [
        "📣 Publish now (1)",
        "🗞 Publish quietly",
        "🗑 Discard",
    ]

    pressed = await admin.press(preview, "Publish quietly")

    [article] = await _found(bot, "announces jury")
    assert "quietly" in pressed.text
    assert f"#{article.id}" in pressed.text
    assert pressed.edits[-1].buttons == []
    assert (article.title, article.body) == (title, f"{BODY}\nSecond paragraph.")
    assert article.source == f"admin:{ADMIN_ID}"
    assert article.id == await bot.store.articles.last_id()  # after every digest watermark
    bishkek = next(f for f in await bot.store.festivals.all() if f.name.startswith("Bishkek"))
    assert await bot.store.articles.festival_ids(article.id) == [bishkek.id]
    latest = await bot.private(STRANGER).send("/latest 1")
    assert latest.text.startswith(f"📰 Latest news\n\n1. {title}")
    assert (await bot.private(STRANGER).send(f"/article {article.id}")).text.startswith(title)
    assert not bot.emulator.sent(101)  # nothing sent now
    assert (await bot.store.outbox.report()).total == 0
    # The next digest carries it.
    subscriber = await bot.store.subscribers.get(101)
    assert subscriber.next_due_at is not None
    bot.app.bot_data.delivery.clock = lambda: subscriber.next_due_at  # type: ignore[assignment,return-value]
    report = await bot.app.bot_data.delivery.compose(bot.app)
    assert report.queued == 1
    digest = await bot.emulator.wait_for(
        lambda: next(iter(bot.emulator.sent(101)), None), 10, "the digest"
    )
    assert "digest" in digest.plain
    assert title in digest.plain
    assert (ADMIN_ID, "publish-quietly", str(article.id), True) in await _audit(bot)


async def test_discard_drops_the_draft_and_publishes_nothing(bot: RunningBot) -> None:
    admin = bot.private(ADMIN_ID)
    count = await bot.store.articles.count()
    preview = (await admin.send(f"/post Didor festival opens\n{BODY}")).last

    discarded = await admin.press(preview, "Discard")

    assert "Discarded draft" in discarded.text
    assert discarded.edits[-1].buttons == []
    assert await bot.store.articles.count() == count
    assert await _found(bot, "Didor") == []
    [quietly] = [d for d in preview.callback_data if ":quiet:" in d]
    late = await bot.emulator.press_button(ADMIN_ID, preview.message_id, quietly, strict=False)
    await bot.settle()
    assert "no longer exists" in bot.emulator.edits(ADMIN_ID)[-1].plain
    assert late["callback_query"]
    assert await bot.store.articles.count() == count
    # The same title may be posted again.
    again = await admin.send(f"/post Didor festival opens\n{BODY}")
    assert "Draft #" in again.text


async def test_post_in_reply_takes_the_replied_message(bot: RunningBot) -> None:
    chat = bot.private(ADMIN_ID)
    draft = await chat.send("Golden Panda Awards name Zhetysu winners\nThree Zhetysu films won.")
    message_id = draft.update["message"]["message_id"]

    preview = (await chat.send("/post", reply_to_message_id=message_id)).last
    await chat.press(preview, "Publish quietly")

    [article] = await _found(bot, "Zhetysu winners")
    assert article.body == "Three Zhetysu films won."


async def test_post_with_an_existing_title_is_refused_with_its_id(bot: RunningBot) -> None:
    chat = bot.private(ADMIN_ID)
    preview = (await chat.send(f"/post Didor festival opens\n{BODY}")).last
    await chat.press(preview, "Publish quietly")
    [first] = await _found(bot, "Didor opens")
    count = await bot.store.articles.count()

    replies = await chat.send("/post  didor FESTIVAL opens!\nAnother body")

    assert f"#{first.id}" in replies.text
    assert "already exists" in replies.text
    assert f"/edit {first.id}" in replies.text
    assert not replies.last.buttons
    assert await bot.store.articles.count() == count


async def test_a_title_taken_while_the_draft_waited_is_not_published_twice(
    bot: RunningBot,
) -> None:
    chat = bot.private(ADMIN_ID)
    first = (await chat.send(f"/post Didor festival opens\n{BODY}")).last
    second = (await chat.send(f"/post Didor festival opens\n{BODY} Again.")).last
    await chat.press(first, "Publish quietly")
    count = await bot.store.articles.count()

    refused = await chat.press(second, "Publish quietly")

    assert "was not published" in refused.text
    assert await bot.store.articles.count() == count


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("/post", "needs a title"),
        ("/post   \n  ", "needs a title"),
        ("/post Only a title", "no body"),
        (f"/post {'T' * 300}\nbody", "keep it under 256"),
    ],
)
async def test_post_with_bad_input_explains_and_stores_nothing(
    bot: RunningBot, text: str, problem: str
) -> None:
    count = await bot.store.articles.count()

    replies = await bot.private(ADMIN_ID).send(text)

    assert problem in replies.text
    assert "For example" in replies.text
    assert await bot.store.articles.count() == count


async def test_post_of_hostile_text_stays_valid_and_short(bot: RunningBot) -> None:
    title = "<b>Кино</b> & «фестиваль» 🎬 <script>alert(1)</script>"
    body = ("Тело статьи <i>не</i> HTML & 🎞️ " * 400)[:10_000]
    chat = bot.private(ADMIN_ID)
    replies = await chat.send(f"/post {title}\n{body}")

    preview = replies.last  # the emulator refuses HTML Telegram would refuse
    assert title in preview.plain
    assert len(preview.text) <= 4096
    assert "Тело статьи <i>не</i> HTML & 🎞️" in preview.plain
    await chat.press(preview, "Publish quietly")
    [article] = await bot.store.articles.latest(1)
    assert article.title == title
    assert article.body == body.strip()
    assert article.id in [a.id for a in await _found(bot, "фестиваль")]


async def test_edit_fixes_the_title_or_the_body_in_place_search_included(
    bot: RunningBot,
) -> None:
    chat = bot.private(ADMIN_ID)
    reader = bot.private(STRANGER)

    done = await chat.send("/edit 2 Film About Turkmen Poet Wins Award in Ashgabat")

    assert "Edited #2" in done.text
    assert "the title changed" in done.text
    article = await bot.store.articles.get(2)
    assert article.title == "Film About Turkmen Poet Wins Award in Ashgabat"
    assert (await reader.send("/article 2")).text.startswith(article.title)
    assert "Ashgabat" in (await reader.send("/search Ashgabat award")).text
    assert [a.id for a in await _found(bot, "Ashgabat")] == [2]

    body = "Magtymguly's film, corrected:\nIt won the award in London & Ashgabat."
    done = await chat.send(f"/edit #2 -\n{body}")

    assert "the body changed" in done.text
    edited = await bot.store.articles.get(2)
    assert (edited.title, edited.body) == (article.title, body)
    shown = (await reader.send("/article 2")).text
    assert "It won the award in London & Ashgabat." in shown
    assert "Pyragy" not in shown
    assert [a.id for a in await _found(bot, "corrected")] == [2]
    assert 2 not in [a.id for a in await _found(bot, "Pyragy")]
    assert (ADMIN_ID, "edit", "2", True) in await _audit(bot)

    both = await chat.send("/edit 2 Turkmen Poet Film Wins | New body.")
    assert "the title and the body changed" in both.text
    assert (await bot.store.articles.get(2)).body == "New body."


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("/edit", "No article number given."),
        ("/edit abc New title", "“abc” is not an article number"),
        ("/edit 9223372036854775808 New title", "is not an article number"),
        (f"/edit {'9' * 32} New title", "is not an article number"),
        ("/edit 99999 New title", "There is no article #99999"),
        ("/edit 2", "to change the title"),
        ("/edit 2 -", "Write the new title"),
        (f"/edit 2 {'T' * 300}", "keep it under 256"),
        (f"/edit 2 {GOLDEN_PANDA_TITLE}", "already has this title"),
        (f"/edit {'<b>' * 2000}", "is not an article number"),
    ],
)
async def test_edit_with_bad_input_explains_and_changes_nothing(
    bot: RunningBot, text: str, reply: str
) -> None:
    before = await bot.store.articles.get(2)

    replies = await bot.private(ADMIN_ID).send(text)

    assert reply in replies.text
    assert len(replies.last.plain) < 1000
    assert await bot.store.articles.get(2) == before


async def test_delete_asks_then_removes_the_article_from_search(bot: RunningBot) -> None:
    chat = bot.private(ADMIN_ID)
    preview = (await chat.send(f"/post Didor festival opens\n{BODY}")).last
    await chat.press(preview, "Publish quietly")
    [article] = await _found(bot, "Didor")
    article_id = article.id

    question = await chat.send(f"/delete {article_id}")
    assert "Didor festival opens" in question.text
    assert await bot.store.articles.get(article_id)  # nothing deleted yet

    done = await chat.press(question.last, "Delete")

    assert "Deleted" in done.text
    with pytest.raises(NotFound):
        await bot.store.articles.get(article_id)
    assert await _found(bot, "Didor") == []
    assert (ADMIN_ID, "delete", str(article_id), True) in await _audit(bot)

    # The client resends the press (a new update id), the button already gone.
    await bot.emulator.press_button(
        ADMIN_ID, question.last.message_id, f"admin:delete:{article_id}", strict=False
    )
    await bot.settle()
    assert "no longer exists" in bot.emulator.edits(ADMIN_ID)[-1].plain
    # Publishing its draft again does not bring it back.
    [quietly] = [d for d in preview.callback_data if ":quiet:" in d]
    await bot.emulator.press_button(ADMIN_ID, preview.message_id, quietly, strict=False)
    await bot.settle()
    assert await _found(bot, "Didor") == []


async def test_delete_called_off_keeps_the_article(bot: RunningBot) -> None:
    chat = bot.private(ADMIN_ID)
    [article] = await bot.store.articles.latest(1)
    question = await chat.send(f"/delete #{article.id}")

    await chat.press(question.last, "Keep it")

    assert await bot.store.articles.get(article.id) == article


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("/delete abc", "“abc” is not an article number"),
        ("/delete", "No article number given."),
        ("/delete -3", "is not an article number"),
        ("/delete 9223372036854775808", "is not an article number"),
        ("/delete " + "1" * 23, "is not an article number"),
        ("/delete " + "9" * 32, "is not an article number"),
        ("/delete 99999", "There is no article #99999"),
        ("/delete 9223372036854775807", "There is no article #9223372036854775807"),
    ],
)
async def test_delete_with_bad_input_explains(bot: RunningBot, text: str, reply: str) -> None:
    count = await bot.store.articles.count()

    replies = await bot.private(ADMIN_ID).send(text)

    assert reply in replies.text
    assert not replies.last.buttons
    assert await bot.store.articles.count() == count


async def test_buttons_with_ids_past_what_sqlite_holds_get_a_graceful_answer(
    bot: RunningBot,
) -> None:
    count = await bot.store.articles.count()
    message = (await bot.private(ADMIN_ID).send("/latest 1")).last
    for verb in ("now", "quiet", "discard", "delete", "spare", "send", "drop"):
        for number in ("9223372036854775808", "9" * 32, "0"):
            update = await bot.emulator.press_button(
                ADMIN_ID, message.message_id, f"admin:{verb}:{number}", strict=False
            )
            await bot.settle()
            [answer] = [
                a
                for a in bot.emulator.callback_answers
                if a["callback_query_id"] == update["callback_query"]["id"]
            ]
            assert "no longer works" in answer["text"], (verb, number)
    assert await bot.store.articles.count() == count
    assert (await bot.private(ADMIN_ID).send("/latest 1")).text


@pytest.mark.parametrize(
    "command",
    [
        f"/post Stranger news\n{BODY}",
        "/edit 1 Stranger title",
        "/delete 1",
        "/setrate KZT 0.002",
        "/addfestival Fake Fest | Nowhere",
        "/addfestival",
    ],
)
async def test_admin_commands_are_refused_to_others(bot: RunningBot, command: str) -> None:
    articles = [a.id for a in await bot.store.articles.latest(100)]
    festivals = await bot.store.festivals.all()
    rates = await bot.store.rates.latest()

    replies = await bot.private(STRANGER).send(command)

    assert replies.text == REFUSAL
    assert [a.id for a in await bot.store.articles.latest(100)] == articles
    assert await bot.store.festivals.all() == festivals
    assert await bot.store.rates.latest() == rates
    [row] = await bot.store.admin_actions.recent(1)
    assert (row.user_id, row.allowed) == (STRANGER, False)
    assert row.detail == command[:200]
    # The refused /addfestival started no conversation: plain text is not taken as a name.
    await bot.private(STRANGER).send("Fake Fest")
    assert await bot.store.festivals.all() == festivals


async def test_admin_is_recognised_by_id_not_username(bot: RunningBot) -> None:
    replies = await bot.private(STRANGER).send(
        f"/post Impostor\n{BODY}", username="admin", first_name="Admin"
    )

    assert replies.text == REFUSAL
    assert await _found(bot, "Impostor") == []


@pytest.mark.parametrize(
    ("verb", "action"),
    [
        ("now", "publish"),
        ("quiet", "publish"),
        ("discard", "discard"),
        ("delete", "delete"),
        ("spare", "spare"),
    ],
)
async def test_buttons_pressed_by_a_non_admin_are_refused(
    bot: RunningBot, verb: str, action: str
) -> None:
    admin = bot.private(ADMIN_ID)
    preview = (await admin.send(f"/post Didor festival opens\n{BODY}")).last
    [draft_id] = {int(data.rsplit(":", 1)[1]) for data in preview.callback_data}
    article = await bot.store.articles.get(2)
    question = await admin.send(f"/delete {article.id}")
    target = draft_id if verb in ("now", "quiet", "discard") else article.id
    edits = len(bot.emulator.edits(ADMIN_ID))
    refused_before = [a for a in await bot.store.admin_actions.recent(50) if not a.allowed]

    # The admin's message forwarded to a stranger, who presses its button.
    update = await bot.emulator.press_button(
        ADMIN_ID,
        question.last.message_id,
        f"admin:{verb}:{target}",
        user_id=STRANGER,
        strict=False,
    )
    await bot.settle()

    [answer] = [
        a
        for a in bot.emulator.callback_answers
        if a["callback_query_id"] == update["callback_query"]["id"]
    ]
    assert answer["text"] == REFUSAL
    assert await bot.store.articles.get(article.id) == article
    assert (await bot.store.drafts.get(draft_id)).article_id is None  # still a draft
    assert len(bot.emulator.edits(ADMIN_ID)) == edits
    refused = [a for a in await bot.store.admin_actions.recent(50) if not a.allowed]
    assert len(refused) == len(refused_before) + 1
    assert (refused[0].user_id, refused[0].action) == (STRANGER, action)


async def test_admins_get_the_admin_commands_in_their_menu(bot: RunningBot) -> None:
    chat_menu = await bot.emulator.wait_for(
        lambda: bot.emulator.commands_for("chat"), what="the admins' menu"
    )

    [call] = [c for c in bot.emulator.calls("setMyCommands") if c.params.get("scope")]
    assert call.params["scope"] == {"type": "chat", "chat_id": ADMIN_ID}
    names = [command["command"] for command in chat_menu]
    assert {"post", "delete", "setrate", "addfestival", "broadcast", "stats", "digest"} <= set(
        names
    )
    assert "latest" in names
    assert "post" not in [command["command"] for command in bot.emulator.commands]
