"""E2E: inline mode (``@bot bishkek`` in any chat), deep links (``/start a42``, ``/start f7``)
and the Share buttons that carry them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.e2e.conftest import RunningBot
from tests.emulator import BotApiEmulator

USER = 5
GROUP = -1007


async def answer_to(bot: RunningBot, query: str, offset: str = "") -> dict[str, object]:
    """Type ``@bot query`` and return the bot's answerInlineQuery."""
    update = await bot.emulator.send_inline_query(USER, query, offset=offset, chat_type="group")
    await bot.settle()
    return bot.emulator.inline_answer(update["inline_query"]["id"])


async def test_inline_bishkek_offers_the_bishkek_articles_with_title_date_and_teaser(
    bot: RunningBot,
) -> None:
    answer = await answer_to(bot, "bishkek")

    results = answer["results"]
    assert isinstance(results, list)
    assert results
    assert all(
        "bishkek" in (r["title"] + r["input_message_content"]["message_text"]).lower()
        for r in results
    )
    first = results[0]
    assert first["id"].startswith("a")
    assert "February 2026 · " in first["description"]  # the date, then the teaser
    assert answer["is_personal"] is True
    found = await bot.store.search.hits("bishkek", limit=len(results))
    assert [r["id"] for r in results] == [f"a{hit.article.id}" for hit in found]


async def test_inline_empty_query_offers_the_latest(bot: RunningBot) -> None:
    answer = await answer_to(bot, "")
    latest = await bot.store.articles.latest(10)
    assert [r["id"] for r in answer["results"]] == [f"a{a.id}" for a in latest]


async def test_inline_nothing_found_offers_to_open_the_bot(bot: RunningBot) -> None:
    answer = await answer_to(bot, "zzzqqqxxyy")
    assert answer["results"] == []
    assert answer["button"]["start_parameter"] == "inline"


async def test_inline_in_the_readers_language(bot: RunningBot) -> None:
    bot.emulator.set_user_language(USER, "ru")
    answer = await answer_to(bot, "bishkek")
    assert "февраля 2026" in answer["results"][0]["description"]


async def test_choosing_a_result_posts_a_card_with_a_read_in_the_bot_deep_link(
    bot: RunningBot, emulator: BotApiEmulator
) -> None:
    update = await emulator.send_inline_query(USER, "bishkek", chat_type="group")
    await bot.settle()
    query_id = update["inline_query"]["id"]
    result = emulator.inline_answer(query_id)["results"][0]

    posted = await emulator.choose_inline_result(GROUP, query_id, result["id"])
    await bot.settle()

    assert posted["via_bot"]["username"] == bot.username
    [read, share] = posted["reply_markup"]["inline_keyboard"][0]
    assert read["url"] == f"https://t.me/{bot.username}?start={result['id']}"
    assert "Read in the bot" in read["text"]
    assert parse_qs(urlsplit(share["url"]).query)["url"] == [read["url"]]

    # Following the link: /start a<ID> in the private chat opens the article.
    article_id = int(result["id"][1:])
    opened = await bot.private(USER).send(f"/start a{article_id}")
    article = await bot.store.articles.get(article_id)
    assert opened.sent[0].plain.startswith(article.title)


async def test_deep_link_to_a_festival_opens_its_card_with_follow_and_share(
    bot: RunningBot,
) -> None:
    festival = next(f for f in await bot.store.festivals.all() if "Panda" in f.name)

    card = (await bot.private(USER).send(f"/start f{festival.id}")).last

    assert card.plain.startswith(f"🎬 {festival.name}")
    share = card.button("Share")
    assert f"start%3Df{festival.id}" in share["url"]
    assert card.button("Follow")["callback_data"] == f"follow:{festival.id}"


async def test_every_article_card_has_a_share_button_with_its_deep_link(bot: RunningBot) -> None:
    article = (await bot.store.articles.latest(1))[0]

    replies = await bot.private(USER).send(f"/article {article.id}")

    share = replies.last.button("Share")
    link = parse_qs(urlsplit(share["url"]).query)["url"][0]
    assert link == f"https://t.me/{bot.username}?start=a{article.id}"


async def test_a_broken_or_stale_deep_link_is_answered_kindly(bot: RunningBot) -> None:
    chat = bot.private(USER)
    gone = await chat.send("/start a99999")
    assert "There is no article #99999" in gone.text
    welcome = await chat.send("/start hello")
    assert "Film news from Central Asia" in welcome.text
