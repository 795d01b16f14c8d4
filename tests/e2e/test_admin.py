"""E2E: /post and /delete by an admin, and every admin command refused to everyone else."""

from __future__ import annotations

import pytest

from bot.handlers.admin.gate import REFUSAL
from storage.errors import NotFound
from tests.e2e.conftest import ADMIN_ID, RunningBot

STRANGER = 7
BODY = "The Didor festival opens in Dushanbe on Friday with a programme of Tajik shorts."


async def _audit(bot: RunningBot, limit: int = 20) -> list[tuple[int, str, str | None, bool]]:
    rows = await bot.store.admin_actions.recent(limit)
    return [(row.user_id, row.action, row.target, row.allowed) for row in reversed(rows)]


async def test_post_stores_a_searchable_article_linked_to_its_festivals(bot: RunningBot) -> None:
    title = "Bishkek International Film Festival announces its jury"
    replies = await bot.private(ADMIN_ID).send(f"/post {title}\n{BODY}\nSecond paragraph.")

    hits = await bot.store.articles.search("announces jury")
    assert [hit.article.title for hit in hits] == [title]
    article = hits[0].article
    assert article.body == f"{BODY}\nSecond paragraph."
    assert article.source == f"admin:{ADMIN_ID}"
    bishkek = next(f for f in await bot.store.festivals.all() if f.name.startswith("Bishkek"))
    assert await bot.store.articles.festival_ids(article.id) == [bishkek.id]

    preview = replies.last
    assert f"#{article.id}" in preview.plain
    assert title in preview.plain
    assert "Bishkek International Film Festival" in preview.plain.split("Festivals:")[1]
    assert preview.callback_data == [f"admin:publish:{article.id}", f"admin:keep:{article.id}"]
    assert (ADMIN_ID, "post", str(article.id), True) in await _audit(bot)


async def test_post_in_reply_takes_the_replied_message(bot: RunningBot) -> None:
    chat = bot.private(ADMIN_ID)
    draft = await chat.send("Golden Panda Awards name Zhetysu winners\nThree Zhetysu films won.")
    message_id = draft.update["message"]["message_id"]

    await chat.send("/post", reply_to_message_id=message_id)

    [hit] = await bot.store.articles.search("Zhetysu winners")
    assert hit.article.body == "Three Zhetysu films won."


async def test_post_with_an_existing_title_is_refused_with_its_id(bot: RunningBot) -> None:
    chat = bot.private(ADMIN_ID)
    await chat.send(f"/post Didor festival opens\n{BODY}")
    [first] = await bot.store.articles.search("Didor opens")
    count = await bot.store.articles.count()

    replies = await chat.send("/post  didor FESTIVAL opens!\nAnother body")

    assert f"#{first.article.id}" in replies.text
    assert "already exists" in replies.text
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
    replies = await bot.private(ADMIN_ID).send(f"/post {title}\n{body}")

    [article] = await bot.store.articles.latest(1)
    assert article.title == title
    assert article.body == body.strip()
    preview = replies.last  # the emulator refuses HTML Telegram would refuse
    assert title in preview.plain
    assert len(preview.text) <= 4096
    assert "Тело статьи <i>не</i> HTML & 🎞️" in preview.plain
    [hit] = await bot.store.articles.search("фестиваль")
    assert hit.article.id == article.id


async def test_keep_for_the_digest_changes_nothing_but_says_so(bot: RunningBot) -> None:
    chat = bot.private(ADMIN_ID)
    preview = (await chat.send(f"/post Didor festival opens\n{BODY}")).last

    replies = await chat.press(preview, "Keep")

    assert "next digest" in replies.text
    assert replies.edits[-1].buttons == []
    assert not bot.emulator.sent(STRANGER)


async def test_delete_asks_then_removes_the_article_from_search(bot: RunningBot) -> None:
    chat = bot.private(ADMIN_ID)
    await chat.send(f"/post Didor festival opens\n{BODY}")
    [hit] = await bot.store.articles.search("Didor")
    article_id = hit.article.id

    question = await chat.send(f"/delete {article_id}")
    assert "Didor festival opens" in question.text
    assert await bot.store.articles.get(article_id)  # nothing deleted yet

    done = await chat.press(question.last, "Delete")

    assert "Deleted" in done.text
    with pytest.raises(NotFound):
        await bot.store.articles.get(article_id)
    assert await bot.store.articles.search("Didor") == []
    assert (ADMIN_ID, "delete", str(article_id), True) in await _audit(bot)

    # The client resends the press (a new update id), the button already gone.
    await bot.emulator.press_button(
        ADMIN_ID, question.last.message_id, f"admin:delete:{article_id}", strict=False
    )
    await bot.settle()
    assert "no longer exists" in bot.emulator.edits(ADMIN_ID)[-1].plain


async def test_delete_called_off_keeps_the_article(bot: RunningBot) -> None:
    chat = bot.private(ADMIN_ID)
    [article] = await bot.store.articles.latest(1)
    question = await chat.send(f"/delete #{article.id}")

    await chat.press(question.last, "Keep it")

    assert await bot.store.articles.get(article.id) == article


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("/delete abc", "not an article id"),
        ("/delete", "not an article id"),
        ("/delete -3", "not an article id"),
        ("/delete 99999", "There is no article #99999"),
    ],
)
async def test_delete_with_bad_input_explains(bot: RunningBot, text: str, reply: str) -> None:
    count = await bot.store.articles.count()

    replies = await bot.private(ADMIN_ID).send(text)

    assert reply in replies.text
    assert not replies.last.buttons
    assert await bot.store.articles.count() == count


@pytest.mark.parametrize(
    "command",
    [
        f"/post Stranger news\n{BODY}",
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
    assert await bot.store.articles.search("Impostor") == []


@pytest.mark.parametrize("verb", ["publish", "keep", "delete", "spare"])
async def test_buttons_pressed_by_a_non_admin_are_refused(bot: RunningBot, verb: str) -> None:
    admin = bot.private(ADMIN_ID)
    await admin.send(f"/post Didor festival opens\n{BODY}")
    [hit] = await bot.store.articles.search("Didor")
    article = hit.article
    question = await admin.send(f"/delete {article.id}")
    message_id = question.last.message_id
    refused_before = [a for a in await bot.store.admin_actions.recent(50) if not a.allowed]

    # The admin's message forwarded to a stranger, who presses its button.
    update = await bot.emulator.press_button(
        ADMIN_ID, message_id, f"admin:{verb}:{article.id}", user_id=STRANGER, strict=False
    )
    await bot.settle()

    [answer] = [
        a
        for a in bot.emulator.callback_answers
        if a["callback_query_id"] == update["callback_query"]["id"]
    ]
    assert answer["text"] == REFUSAL
    assert await bot.store.articles.get(article.id) == article
    assert not bot.emulator.edits(ADMIN_ID)
    refused = [a for a in await bot.store.admin_actions.recent(50) if not a.allowed]
    assert len(refused) == len(refused_before) + 1
    assert (refused[0].user_id, refused[0].action) == (STRANGER, verb)


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
