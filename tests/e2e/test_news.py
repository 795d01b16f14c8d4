"""E2E: /latest with its More and open buttons, /article, /search, over the shipped seeds."""

from __future__ import annotations

import re
from pathlib import Path

from storage.models import NewArticle
from tests.e2e.conftest import Launcher, RunningBot
from tests.emulator import SentMessage
from tests.telegram_html import utf16_len

# The seed articles by id: ingest numbers them oldest first.
UZBEK_COURT = (
    "Uzbekistan’s Supreme Court Vacates Convictions of 198 Victims of Stalinist Repressions"
)
YULIA_KIM = (
    "Kazakh Producer Yulia Kim: “We Are Closing the Gap Between Central Asia and World Cinema”"
)
LA_TREGUA = "Kazakh-Spanish Film La Tregua to Premiere on Netflix"
GOLDEN_PANDA = "Kazakh Film Brings History and Culture to the 2nd Golden Panda Awards"
BISHKEK = "Kyrgyzstan: Film Festival Showcases Central Asian Talent, New and Old"
TURKMEN_POET = "Film About Turkmen Poet Wins International Award in London"
EURASIAN = "Where East Meets West: Seventh Eurasian Film Festival Celebrates Cinema in London"
BY_ID = {
    7: UZBEK_COURT,
    6: YULIA_KIM,
    5: LA_TREGUA,
    4: GOLDEN_PANDA,
    3: BISHKEK,
    2: TURKMEN_POET,
    1: EURASIAN,
}


def titles_in(text: str) -> list[int]:
    """The ids of the seed titles in ``text``, in the order they appear."""
    found = [(text.index(title), number) for number, title in BY_ID.items() if title in text]
    return [number for _, number in sorted(found)]


def marked(message: SentMessage, kind: str = "bold") -> list[str]:
    """The bold (or other ``kind``) pieces of a message's text; offsets count UTF-16 units."""
    units = message.plain.encode("utf-16-le")
    return [
        units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in message.entities
        if e["type"] == kind
    ]


async def test_latest_shows_the_five_newest_with_date_teaser_and_buttons(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/latest")

    [message] = replies.sent
    assert titles_in(message.plain) == [7, 6, 5, 4, 3]
    assert "13 February 2026 · #7" in message.plain
    assert "7 February 2026 · #6" in message.plain
    assert "On May 6, the criminal trial panel of the Supreme Court" in message.plain
    assert message.callback_data == ["art:7", "art:6", "art:5", "art:4", "art:3", "more:3:5"]
    assert {UZBEK_COURT, BISHKEK} <= set(marked(message))


async def test_more_edits_the_message_in_place_until_the_oldest(bot: RunningBot) -> None:
    chat = bot.private(5)
    first = (await chat.send("/latest 3")).last
    assert titles_in(first.plain) == [7, 6, 5]

    second = await chat.press(first, "More")
    assert not second.sent
    [edit] = second.edits
    assert edit.message_id == first.message_id
    assert titles_in(edit.plain) == [4, 3, 2]
    assert edit.callback_data == ["art:4", "art:3", "art:2", "more:2:3"]
    assert second.answers  # the client stops its spinner

    third = await chat.press(edit.message_id, "More")
    assert titles_in(third.last.plain) == [1]
    assert third.last.callback_data == ["art:1"]  # nothing older: no More button


async def test_more_when_everything_older_was_deleted_says_so(bot: RunningBot) -> None:
    chat = bot.private(5)
    first = (await chat.send("/latest 5")).last
    for number in (1, 2):
        await bot.store.articles.delete(number)

    pressed = await chat.press(first, "More")

    assert not pressed.edits
    assert not pressed.sent
    assert "no older articles" in pressed.answers[0]["text"]


# Table-driven tests below run every case on one bot: starting a bot costs more than a message.
async def test_latest_with_a_bad_count_gives_the_valid_range(bot: RunningBot) -> None:
    for argument in ["0", "1000", "21", "abc", "-3", "2 3", "٣"]:
        replies = await bot.private(5).send(f"/latest {argument}")
        assert "N from 1 to 20" in replies.text, argument
        assert not replies.last.buttons, argument


async def test_latest_with_a_count(bot: RunningBot) -> None:
    one = await bot.private(5).send("/latest 1")
    assert titles_in(one.text) == [7]
    assert one.last.callback_data == ["art:7", "more:7:1"]
    all_of_them = await bot.private(5).send("/latest 20")
    assert titles_in(all_of_them.text) == [7, 6, 5, 4, 3, 2, 1]
    assert "more" not in " ".join(all_of_them.last.callback_data)


async def test_latest_in_a_group_and_addressed_to_another_bot(bot: RunningBot) -> None:
    group = bot.group(-1001, user_id=5)
    assert titles_in((await group.send(f"/latest@{bot.username} 2")).text) == [7, 6]
    assert not await group.send("/latest@otherbot")


async def test_latest_with_no_articles(launch: Launcher, tmp_path: Path) -> None:
    async with launch(seeds=tmp_path / "no-seeds") as empty:
        replies = await empty.private(5).send("/latest")
    assert replies.text == "No articles yet."


async def test_open_button_sends_the_article_in_full(bot: RunningBot) -> None:
    chat = bot.private(5)
    page = (await chat.send("/latest")).last

    opened = await chat.press(page, "#3")

    assert opened.answers
    [article] = opened.sent
    assert article.plain.startswith(f"{BISHKEK}\n7 February 2026 · #3")
    assert "The snow leopard is a national symbol of Kyrgyzstan" in article.plain  # the very end
    assert not opened.edits  # the list stays as it was


FORGED = [
    ("art:999999", "Article #999999 is no longer available"),
    ("art:abc", "no longer works"),
    ("art:" + "9" * 40, "no longer works"),
    ("more:x:y", "no longer works"),
    ("more:3:500", "no longer works"),
]


async def test_forged_buttons_get_a_graceful_answer(bot: RunningBot) -> None:
    chat = bot.private(5)
    page = (await chat.send("/latest")).last
    for data, answer in FORGED:
        pressed = await chat.press(page, data=data, strict=False)
        assert not pressed.sent, data
        assert not pressed.edits, data
        assert answer in pressed.answers[0]["text"], data


async def test_open_button_of_a_deleted_article(bot: RunningBot) -> None:
    chat = bot.private(5)
    page = (await chat.send("/latest")).last
    await bot.store.articles.delete(6)

    pressed = await chat.press(page, "#6")

    assert not pressed.sent
    assert pressed.answers[0]["text"] == "Article #6 is no longer available."
    assert (await chat.press(page, "#7")).sent  # the others still open


async def test_article_by_id(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/article 2")
    [message] = replies.sent
    assert message.plain.startswith(TURKMEN_POET)
    assert "Magtymguly Pyragy" in message.plain
    assert "cut this article short" not in message.plain
    assert titles_in((await bot.private(5).send("/article #7")).text) == [7]


async def test_article_cut_on_the_source_page_says_so(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/article 4")
    assert replies.text.startswith(GOLDEN_PANDA)
    assert "The source page cut this article short" in replies.text


async def test_article_usage(bot: RunningBot) -> None:
    for arguments in ["", "abc", "1 2", "-1", "0", "99999999999999999999"]:
        replies = await bot.private(5).send(f"/article {arguments}".strip())
        assert "Send /article with the article's number" in replies.text, arguments


async def test_unknown_article(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/article 999")
    assert replies.text.startswith("There is no article #999.")


async def test_long_article_arrives_split_in_order(bot: RunningBot) -> None:
    paragraphs = [
        f"Part {number}: Almaty & Bishkek <screenings> of “films” — "
        + "the programme runs all week, with talks & masterclasses. " * 25
        for number in range(8)
    ]
    stored = await bot.store.articles.create(
        NewArticle(title="A <very> long & detailed report", body="\n".join(paragraphs), source="t")
    )

    replies = await bot.private(5).send(f"/article {stored.id}")

    assert len(replies.sent) >= 3
    assert all(utf16_len(message.plain) <= 4096 for message in replies.sent)
    assert replies.sent[0].plain.startswith("A <very> long & detailed report")
    text = " ".join(message.plain for message in replies.sent)
    assert [int(n) for n in re.findall(r"Part (\d+):", text)] == list(range(8))
    assert text.count("talks & masterclasses.") == 8 * 25
    assert "&amp;" not in text  # escaped once, shown as typed


async def test_search_ranks_best_first_and_shows_the_matching_words(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/search golden panda")

    message = replies.last
    assert titles_in(message.plain)[0] == 4
    assert message.callback_data[0] == "art:4"
    assert {"golden", "panda"} <= {word.lower() for word in marked(message, "bold")}


async def test_search_opens_a_result(bot: RunningBot) -> None:
    chat = bot.private(5)
    results = (await chat.send("/search Magtymguly")).last
    assert titles_in(results.plain)[0] == 2
    opened = await chat.press(results, "#2")
    assert opened.sent[0].plain.startswith(TURKMEN_POET)


async def test_search_in_cyrillic(bot: RunningBot) -> None:
    await bot.store.articles.create(
        NewArticle(
            title="Фестиваль кино в Бишкеке",
            body="В Бишкеке открылся международный кинофестиваль & форум.",
            source="t",
        )
    )
    replies = await bot.private(5).send("/search бишкеке")
    assert "Фестиваль кино в Бишкеке" in marked(replies.last, "bold")
    assert marked(replies.last, "underline") == ["Бишкеке"]  # the matching word, in the title
    assert "В Бишкеке открылся международный кинофестиваль & форум." in replies.text


async def test_search_without_results(bot: RunningBot) -> None:
    for words in ["xyzzy", "<b>&amp;", "бишкекск"]:
        replies = await bot.private(5).send(f"/search {words}")
        assert replies.text.startswith(f"Nothing found for “{words}”"), words


async def test_search_usage(bot: RunningBot) -> None:
    for words in ["", "!!!", "&"]:
        replies = await bot.private(5).send(f"/search {words}".strip())
        assert "Send /search with some words" in replies.text, words
