"""E2E: /search over the shipped seeds and stored Russian articles: word forms, both alphabets,
prefixes, "Did you mean", paging, plain text, hostile queries."""

from __future__ import annotations

import re

import pytest

from storage.models import NewArticle
from tests.e2e.conftest import RunningBot
from tests.e2e.test_news import BISHKEK, GOLDEN_PANDA, TURKMEN_POET, marked, titles_in
from tests.emulator import SentMessage
from tests.telegram_html import utf16_len


def labels(message: SentMessage) -> list[str]:
    """The labels of a message's buttons, row by row."""
    return [button["text"] for button in message.buttons]


def count_of(text: str) -> int:
    """The "N matches" figure of a results message."""
    found = re.search(r"(\d[\d,]*) match(?:es)?\b", text)
    assert found, text
    return int(found.group(1).replace(",", ""))


async def add(bot: RunningBot, title: str, body: str) -> int:
    """Store an article while the bot runs; its id."""
    return (await bot.store.articles.create(NewArticle(title=title, body=body, source="t"))).id


async def test_a_cyrillic_query_finds_latin_articles(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/search Бишкек")

    assert BISHKEK in replies.text
    assert "Bishkek" in marked(replies.last, "bold")  # the matched word, as it is written


async def test_word_forms_meet_in_russian_and_english(bot: RunningBot) -> None:
    stored = await add(bot, "Фестиваль кино в Бишкеке", "Открылся международный фестиваль.")

    replies = await bot.private(5).send("/search фестивали")

    assert f"#{stored}" in replies.text
    assert "Фестиваль" in marked(replies.last, "underline")  # in the title, underlined
    # …and "Бишкек" finds "в Бишкеке" too.
    assert "Фестиваль кино в Бишкеке" in (await bot.private(5).send("/search Бишкек")).text


async def test_festivals_finds_what_festival_finds(bot: RunningBot) -> None:
    plural = await bot.private(5).send("/search festivals")
    singular = await bot.private(5).send("/search festival")

    assert count_of(plural.text) == count_of(singular.text) >= 4
    assert set(titles_in(plural.text)) == set(titles_in(singular.text))  # exact forms first


async def test_a_trailing_star_searches_a_prefix(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/search pand*")

    assert titles_in(replies.text)[0] == 4  # GOLDEN_PANDA
    assert GOLDEN_PANDA in replies.text
    assert {"Panda", "pandas"} <= set(
        marked(replies.last, "bold") + marked(replies.last, "underline")
    )


async def test_a_typo_offers_did_you_mean_as_a_button_that_searches(bot: RunningBot) -> None:
    chat = bot.private(5)
    replies = await chat.send("/search fesival")

    assert replies.text.startswith("Nothing found for “fesival”. Did you mean festival?")
    pressed = await chat.press(replies.last, "festival")

    assert pressed.answers
    [edited] = pressed.edits
    assert count_of(edited.plain) == count_of((await chat.send("/search festival")).text)
    assert "festival" in edited.plain


async def test_results_page_on_with_previous_and_next(bot: RunningBot) -> None:
    ids = [
        await add(bot, f"Zorkul report {n}", f"Notes from lake Zorkul, day {n}.")
        for n in range(12)
    ]
    chat = bot.private(5)

    first = (await chat.send("/search zorkul")).last
    assert "12 matches for “zorkul” · page 1 of 3" in first.plain
    assert [label for label in labels(first) if "▸" in label or "◂" in label] == ["Next ▸"]

    second = (await chat.press(first, "Next")).edits[-1]
    assert "page 2 of 3" in second.plain
    assert [str(n) for n in range(6, 11)] == re.findall(r"^(\d+)\.", second.plain, re.M)
    assert "◂ Previous" in labels(second)
    assert "Next ▸" in labels(second)

    third = (await chat.press(second, "Next")).edits[-1]
    assert "page 3 of 3" in third.plain
    assert "Next ▸" not in labels(third)
    shown = {int(n) for n in re.findall(r"#(\d+)", first.plain + second.plain + third.plain)}
    assert shown == set(ids)  # every match once, across the three pages

    back = (await chat.press(third, "Previous")).edits[-1]
    assert back.plain == second.plain


async def test_a_numbered_button_opens_the_result(bot: RunningBot) -> None:
    chat = bot.private(5)
    results = (await chat.send("/search Magtymguly")).last
    assert titles_in(results.plain)[0] == 2
    opened = await chat.press(results, data="art:2")
    assert opened.sent[0].plain.startswith(TURKMEN_POET)


async def test_plain_text_in_a_private_chat_is_searched(bot: RunningBot) -> None:
    replies = await bot.private(5).send("golden panda")
    assert titles_in(replies.text)[0] == 4
    assert not await bot.group(-100123, 5).send("golden panda")


@pytest.mark.parametrize(
    ("words", "answer"),
    [
        ('"', "There is no word to search for"),
        ("*", "There is no word to search for"),
        ("🎬🍿", "There is no word to search for"),
        ("a*", "needs at least 2 letters"),
        ("NEAR(", "2 matches for “NEAR(”"),  # the word "near"
        ("AND OR NOT", "1 match for “AND OR NOT”"),  # three plain words
        ('panda" OR "x', "Nothing found for"),
        ("x" * 4_000, "at most 200 characters"),
    ],
)
async def test_hostile_queries_get_a_clear_answer(
    bot: RunningBot, words: str, answer: str
) -> None:
    replies = await bot.private(5).send(f"/search {words}")
    [message] = replies.sent
    assert answer in message.plain
    assert utf16_len(message.plain) <= 4096


async def test_usage_and_escaping(bot: RunningBot) -> None:
    assert "Send /search with some words" in (await bot.private(5).send("/search")).text
    replies = await bot.private(5).send("/search <b>&amp;")
    assert replies.text.startswith("Nothing found for “<b>&amp;”")
