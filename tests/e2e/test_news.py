"""E2E: /latest (by the articles' own date, paging both ways, numbered buttons that open an
article in place), /article (a long one in instalments), over the shipped seeds (/search:
tests/e2e/test_search.py)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.newsroom.ingest import ingest
from storage.models import NewArticle
from tests.conftest import SEEDS
from tests.e2e.conftest import ADMIN_ID, Launcher, RunningBot
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


def open_data(article_id: int, first_id: int, size: int = 5, day: str = "20260207") -> str:
    """The callback data of a /latest number button: open ``article_id`` in place of the page
    that starts at ``first_id``."""
    return f"art:{article_id}:{day}:{first_id}:{size}"


def rows_of(message: SentMessage) -> list[list[str]]:
    """The labels of a message's buttons, row by row."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [[button["text"] for button in row] for row in rows]


async def test_latest_shows_the_five_newest_numbered_with_buttons_several_to_a_row(
    bot: RunningBot,
) -> None:
    replies = await bot.private(5).send("/latest")

    [message] = replies.sent
    assert titles_in(message.plain) == [7, 6, 5, 4, 3]
    assert f"1. {UZBEK_COURT}\n13 February 2026 · #7" in message.plain
    assert f"2. {YULIA_KIM}\n7 February 2026 · #6" in message.plain
    assert "On May 6, the criminal trial panel of the Supreme Court" in message.plain
    assert rows_of(message) == [["1", "2", "3", "4", "5"], ["Older ▸"]]
    assert message.callback_data == [
        open_data(7, 7, day="20260213"),
        *(open_data(n, 7, day="20260213") for n in (6, 5, 4, 3)),
        "older:20260207:3:5",
    ]
    assert {UZBEK_COURT, BISHKEK} <= set(marked(message))


async def test_latest_pages_older_and_back_newer_in_place(bot: RunningBot) -> None:
    chat = bot.private(5)
    first = (await chat.send("/latest 3")).last
    assert titles_in(first.plain) == [7, 6, 5]

    second = await chat.press(first, "Older")
    assert not second.sent
    [edit] = second.edits
    assert edit.message_id == first.message_id
    assert titles_in(edit.plain) == [4, 3, 2]
    assert "Older news" in edit.plain
    assert rows_of(edit) == [["1", "2", "3"], ["◂ Newer", "Older ▸"]]
    assert second.answers  # the client stops its spinner

    third = (await chat.press(first.message_id, "Older")).last
    assert titles_in(third.plain) == [1]
    assert rows_of(third) == [["1"], ["◂ Newer"]]  # nothing older

    back = (await chat.press(first.message_id, "Newer")).last
    assert titles_in(back.plain) == [4, 3, 2]
    top = (await chat.press(first.message_id, "Newer")).last
    assert titles_in(top.plain) == [7, 6, 5]
    assert "Latest news" in top.plain
    assert rows_of(top) == [["1", "2", "3"], ["Older ▸"]]  # nothing newer


async def test_older_when_everything_older_was_deleted_says_so(bot: RunningBot) -> None:
    chat = bot.private(5)
    first = (await chat.send("/latest 5")).last
    for number in (1, 2):
        await bot.store.articles.delete(number)

    pressed = await chat.press(first, "Older")

    assert not pressed.edits
    assert not pressed.sent
    assert "no older articles" in pressed.answers[0]["text"]


async def test_latest_is_ordered_by_the_articles_own_date(
    launch: Launcher, tmp_path: Path
) -> None:
    december = tmp_path / "december"
    december.mkdir()
    (december / "page.txt").write_text(
        "  • KGS/USD = 0.01150 0%\n01 December 2026\n\nViewing results 1 - 2 of 2\n\n"
        "Almaty Film Week Closes With Record Crowds\n\n"
        "The festival week in Almaty ended with record crowds for local premieres.\n\n"
        "Dushanbe Hosts a Retrospective of Tajik Cinema\n\n"
        "A retrospective of Tajik films opened in Dushanbe...\n",
        encoding="utf-8",
    )
    async with launch(seeds=december) as bot:
        await ingest(bot.store, [SEEDS])  # February, ingested after December
        newest = [a.title for a in await bot.store.articles.latest(3)]
        assert await bot.store.articles.last_id() == 9

        page = (await bot.private(5).send("/latest 3")).last
        assert page.plain.index("Almaty Film Week") < page.plain.index("Dushanbe Hosts")
        assert page.plain.index("Dushanbe Hosts") < page.plain.index(UZBEK_COURT)
        assert "1 December 2026" in page.plain
        older = (await bot.private(5).press(page, "Older")).last
        assert titles_in(older.plain) == [6, 5, 4]

        # The digest lists them in the same order (an admin's preview covers the archive).
        digest = (await bot.private(ADMIN_ID).send("/digest")).last
        shown = [title for title in newest if title in digest.plain]
        assert shown == newest
        assert digest.plain.index(newest[0]) < digest.plain.index(newest[1])


async def test_latest_with_a_bad_count_gives_the_valid_range(bot: RunningBot) -> None:
    for argument in ["0", "1000", "21", "abc", "-3", "2 3", "٣"]:
        replies = await bot.private(5).send(f"/latest {argument}")
        assert "N from 1 to 20" in replies.text, argument
        assert not replies.last.buttons, argument


async def test_latest_with_a_count(bot: RunningBot) -> None:
    one = await bot.private(5).send("/latest 1")
    assert titles_in(one.text) == [7]
    assert rows_of(one.last) == [["1"], ["Older ▸"]]
    all_of_them = await bot.private(5).send("/latest 20")
    assert titles_in(all_of_them.text) == [7, 6, 5, 4, 3, 2, 1]
    assert rows_of(all_of_them.last) == [["1", "2", "3", "4", "5"], ["6", "7"]]


async def test_latest_in_a_group_and_addressed_to_another_bot(bot: RunningBot) -> None:
    group = bot.group(-1001, user_id=5)
    assert titles_in((await group.send(f"/latest@{bot.username} 2")).text) == [7, 6]
    assert not await group.send("/latest@otherbot")


async def test_latest_with_no_articles(launch: Launcher, tmp_path: Path) -> None:
    async with launch(seeds=tmp_path / "no-seeds") as empty:
        replies = await empty.private(5).send("/latest")
    assert replies.text == "No articles yet."


async def test_a_number_opens_the_article_in_place_and_back_returns_to_the_page(
    bot: RunningBot,
) -> None:
    chat = bot.private(5)
    page = (await chat.send("/latest 3")).last
    older = (await chat.press(page, "Older")).last

    opened = await chat.press(page.message_id, "2")  # the second of the older page: #3

    assert opened.answers
    assert not opened.sent
    [article] = opened.edits
    assert article.message_id == page.message_id
    assert article.plain.startswith(f"{BISHKEK}\n7 February 2026 · #3")
    assert "The snow leopard is a national symbol of Kyrgyzstan" in article.plain  # the very end
    [buttons] = rows_of(article)
    assert buttons[0] == "◂ Back"
    assert "Read at source" not in buttons  # no link: nothing to read at the source

    back = (await chat.press(page.message_id, "Back")).last
    assert back.plain == older.plain
    assert back.callback_data == older.callback_data


async def test_an_article_with_a_link_has_read_at_source(bot: RunningBot) -> None:
    stored = await bot.store.articles.create(
        NewArticle(
            title="Kyrgyz documentary wins in Leipzig",
            body="The film follows shepherds of the Alay valley.",
            source="feed:https://example.org/feed",
            url="https://example.org/news/alay?ref=feed&lang=en",
        )
    )
    chat = bot.private(5)
    page = (await chat.send("/latest 1")).last
    assert titles_in(page.plain) == []  # the new article heads the news (stored today)

    opened = (await chat.press(page, "1")).last

    assert opened.plain.startswith("Kyrgyz documentary wins in Leipzig")
    [buttons] = rows_of(opened)
    assert buttons[:2] == ["◂ Back", "Read at source"]
    assert opened.button("Read at source")["url"] == stored.url
    direct = (await chat.send(f"/article {stored.id}")).last
    assert direct.button("Read at source")["url"] == stored.url


FORGED = [
    ("art:999999", "Article #999999 is no longer available"),
    ("art:abc", "no longer works"),
    ("art:" + "9" * 40, "no longer works"),
    ("art:9223372036854775808", "no longer works"),
    ("art:3:20260231:3:5", "no longer works"),
    ("art:3:20260207:3:500", "no longer works"),
    ("older:x:y:z", "no longer works"),
    ("older:20260207:3:500", "no longer works"),
    ("newer:20260207:9223372036854775808:5", "no longer works"),
    ("page:20261399:3:5", "no longer works"),
    ("part:1:" + "9" * 32, "no longer works"),
    ("part:7:99", "whole article"),
]


async def test_forged_buttons_get_a_graceful_answer(bot: RunningBot) -> None:
    chat = bot.private(5)
    page = (await chat.send("/latest")).last
    for data, answer in FORGED:
        pressed = await chat.press(page, data=data, strict=False)
        assert not pressed.sent, data
        assert not pressed.edits, data
        assert answer in pressed.answers[0]["text"], data
    assert titles_in((await chat.send("/latest 1")).text) == [7]


async def test_open_button_of_a_deleted_article(bot: RunningBot) -> None:
    chat = bot.private(5)
    page = (await chat.send("/latest")).last
    await bot.store.articles.delete(6)

    pressed = await chat.press(page, "2")

    assert not pressed.sent
    assert not pressed.edits
    assert pressed.answers[0]["text"] == "Article #6 is no longer available."
    assert (await chat.press(page, "1")).edits  # the others still open


async def test_an_open_button_outside_latest_sends_the_article(bot: RunningBot) -> None:
    chat = bot.private(5)
    page = (await chat.send("/latest")).last

    opened = await chat.press(page, data="art:3", strict=False)  # as a digest's button

    [article] = opened.sent
    assert article.plain.startswith(f"{BISHKEK}\n7 February 2026 · #3")
    assert not opened.edits


async def test_article_by_id(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/article 2")
    [message] = replies.sent
    assert message.plain.startswith(TURKMEN_POET)
    assert "Magtymguly Pyragy" in message.plain
    assert "cut this article short" not in message.plain
    labels = [button["text"] for button in message.buttons]
    assert "Read at source" not in labels  # no link
    assert not any("Continue" in label for label in labels)  # all of it in one message
    assert titles_in((await bot.private(5).send("/article #7")).text) == [7]


async def test_article_cut_on_the_source_page_says_so(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/article 4")
    assert replies.text.startswith(GOLDEN_PANDA)
    assert "The source page cut this article short" in replies.text


async def test_article_usage_and_ids_past_what_sqlite_holds(bot: RunningBot) -> None:
    huge = ["9223372036854775808", "1" * 23, "9" * 32, "99999999999999999999"]
    for arguments in ["", "abc", "1 2", "-1", "0", "٣", *huge]:
        replies = await bot.private(5).send(f"/article {arguments}".strip())
        assert "Send /article with the article's number" in replies.text, arguments
    assert (await bot.private(5).send("/article 9223372036854775807")).text.startswith(
        "There is no article #9223372036854775807."
    )


async def test_unknown_article(bot: RunningBot) -> None:
    replies = await bot.private(5).send("/article 999")
    assert replies.text.startswith("There is no article #999.")


async def test_long_article_comes_a_few_parts_at_a_time_with_a_button_for_the_rest(
    bot: RunningBot,
) -> None:
    paragraphs = [
        f"Part {number}: Almaty & Bishkek <screenings> of “films” — "
        + "the programme runs all week, with talks & masterclasses. " * 25
        for number in range(40)
    ]
    stored = await bot.store.articles.create(
        NewArticle(title="A <very> long & detailed report", body="\n".join(paragraphs), source="t")
    )
    chat = bot.private(5)

    first = await chat.send(f"/article {stored.id}")

    assert len(first.sent) == 3
    assert first.sent[0].plain.startswith("A <very> long & detailed report")
    assert [m.buttons for m in first.sent[:2]] == [[], []]
    assert first.sent[2].callback_data == [f"part:{stored.id}:3"]
    assert "more parts" in first.sent[2].buttons[0]["text"]
    received = list(first.sent)
    pressed = first.sent[2]
    while pressed.callback_data:
        more = await chat.press(pressed, "Continue reading")
        assert 1 <= len(more.sent) <= 3
        assert [edit.message_id for edit in more.edits] == [pressed.message_id]
        assert more.edits[0].callback_data == []  # its button went to the newest part
        received += more.sent
        pressed = more.sent[-1]

    assert all(utf16_len(message.plain) <= 4096 for message in received)
    text = " ".join(message.plain for message in received)
    assert [int(n) for n in re.findall(r"Part (\d+):", text)] == list(range(40))
    assert text.count("talks & masterclasses.") == 40 * 25
    assert "&amp;" not in text  # escaped once, shown as typed
