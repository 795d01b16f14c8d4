"""Pure rendering: escaping, teasers, dates, splitting, and the news, festival and rate views."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from telegram import InlineKeyboardMarkup

from bot.i18n import Catalogs
from bot.render import festivals as festival_views
from bot.render import news as news_views
from bot.render.common import (
    MAX_CALLBACK_DATA,
    callback_button,
    callback_ids,
    escape,
    split_message,
    teaser,
    utf16_len,
    with_keyboard,
)
from storage.models import (
    Article,
    FactSource,
    Festival,
    Position,
)
from tests.telegram_html import parse_telegram_html

EN = Catalogs.load().get("en")  # the festival views speak the reader's language

NASTY = "Tom & Jerry <script>alert('x')</script> \"quoted\" 5 > 3 &amp; AT&T"


class _Balance(HTMLParser):
    """Checks that every tag closes in order, and collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack.pop() == tag, f"unbalanced </{tag}>"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible(part: str) -> str:
    """The visible text of one Telegram HTML message; fails on unbalanced tags."""
    parser = _Balance()
    parser.feed(part)
    parser.close()
    assert parser.stack == [], f"tags left open: {parser.stack}"
    plain, _ = parse_telegram_html(part)  # and as strict as Telegram (stricter with "&")
    assert plain == "".join(parser.text)
    return plain


def words(text: str) -> list[str]:
    return text.split()


def article(
    number: int = 7, title: str = "Title", body: str = "Body.", **fields: object
) -> Article:
    values: dict[str, object] = {
        "id": number,
        "title": title,
        "body": body,
        "truncated": False,
        "url": None,
        "source": "seed:test.txt",
        "seen_on": date(2026, 2, 13),
        "created_at": datetime(2026, 2, 14, 8, 0, tzinfo=UTC),
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def festival(
    number: int = 1, name: str = "Bishkek International Film Festival", **fields: object
) -> Festival:
    values: dict[str, object] = {
        "id": number,
        "name": name,
        "aliases": (),
        "kind": "festival",
        "city": "Bishkek",
        "country": "Kyrgyzstan",
        "starts_on": None,
        "ends_on": None,
        "edition": None,
        "description": "",
    }
    values.update(fields)
    return Festival(**values)  # type: ignore[arg-type]


def buttons(markup: InlineKeyboardMarkup | None) -> list[tuple[str, str]]:
    assert markup is not None
    return [(b.text, str(b.callback_data)) for row in markup.inline_keyboard for b in row]


# ---- common ------------------------------------------------------------------------------


def test_escape_makes_any_text_safe_and_keeps_it() -> None:
    escaped = escape(NASTY)
    assert "<" not in escaped
    assert ">" not in escaped
    assert visible(escaped) == NASTY  # "&amp;" in the source text stays literally "&amp;"


def test_teaser_cuts_at_a_word_and_flattens_lines() -> None:
    assert teaser("Short\n\ntext", 50) == "Short text"
    assert teaser("The quick brown fox jumps over the lazy dog", 20) == "The quick brown fox…"
    assert len(teaser("x" * 500, 100)) == 100  # no space to cut at: cut anyway
    assert teaser("Ends with a comma, and more words", 19) == "Ends with a comma…"


def test_callback_button_refuses_data_telegram_would_refuse() -> None:
    assert callback_button("ok", "x" * MAX_CALLBACK_DATA).callback_data == "x" * 64
    with pytest.raises(ValueError, match="1-64 bytes"):
        callback_button("too long", "ж" * 33)  # 66 bytes
    with pytest.raises(ValueError, match="1-64 bytes"):
        callback_button("empty", "")


@pytest.mark.parametrize(
    ("data", "prefix", "count", "expected"),
    [
        ("art:12", "art", 1, (12,)),
        ("more:12:5", "more", 2, (12, 5)),
        ("art:999999", "art", 1, (999999,)),
        ("art:", "art", 1, None),
        ("art:0", "art", 1, None),
        ("art:-1", "art", 1, None),
        ("art:1:2", "art", 1, None),
        ("art:abc", "art", 1, None),
        ("art:١٢", "art", 1, None),  # non-ASCII digits
        ("art:" + "9" * 19, "art", 1, None),  # past SQLite's integers
        ("art:9223372036854775808", "art", 1, None),  # 2**63
        ("art:9223372036854775807", "art", 1, (2**63 - 1,)),
        ("art:" + "1" * 32, "art", 1, None),
        ("more:12", "more", 2, None),
        ("fest:1", "art", 1, None),
        ("garbage", "art", 1, None),
        (None, "art", 1, None),
    ],
)
def test_callback_ids(
    data: str | None, prefix: str, count: int, expected: tuple[int, ...] | None
) -> None:
    assert callback_ids(data, prefix, count) == expected


# ---- split_message -----------------------------------------------------------------------


def long_body() -> str:
    """About 10,000 characters of HTML: entities, bold and links, paragraphs and sentences."""
    sentence = "Films &amp; festivals of <b>Central Asia</b> draw &lt;crowds&gt; to Bishkek. "
    link = '<a href="https://example.com/?a=1&amp;b=2">a long read with a link</a>. '
    paragraphs = [(sentence * 5 + link) * (1 + number % 3) for number in range(12)]
    body = "\n\n".join(paragraphs)
    assert 9_000 < len(body) < 12_000
    return body


def test_split_a_long_body_into_valid_parts_that_keep_the_text() -> None:
    body = long_body()
    parts = split_message(body)
    assert len(parts) >= 3
    for part in parts:
        assert utf16_len(part) <= 4096
        assert not part.startswith((" ", "\n"))
        assert not part.endswith((" ", "\n"))
    assert words(" ".join(visible(part) for part in parts)) == words(visible(body))


def test_split_prefers_paragraph_breaks() -> None:
    paragraph = "A sentence of several words. " * 40  # ~1,160 characters
    body = "\n\n".join(f"{number} {paragraph}".strip() for number in range(8))
    parts = split_message(body, 4096)
    for part in parts:
        assert part.endswith("words.")  # every part ends a paragraph…
    assert [part[0] for part in parts] == ["0", "3", "6"]  # …and holds as many as fit


def test_split_falls_back_to_sentences_then_words() -> None:
    sentences = " ".join(f"Sentence number {n} is here." for n in range(300))
    for part in split_message(sentences, 1000):
        assert part.endswith("here.")
    wordy = " ".join(f"word{n}" for n in range(2000))
    parts = split_message(wordy, 1000)
    assert all(re.fullmatch(r"word\d+( word\d+)*", part) for part in parts)
    assert " ".join(parts) == wordy


def test_split_never_cuts_inside_an_entity_or_a_tag() -> None:
    body = "&amp;" * 3000  # no space at all: cuts go between characters
    parts = split_message(body, 1000)
    assert all(part.startswith("&amp;") and part.endswith("&amp;") for part in parts)
    assert "".join(parts) == body
    linked = ('<a href="https://example.com/long/path">link</a>x' * 400).strip()
    for part in split_message(linked, 500):
        visible(part)


def test_split_closes_and_reopens_tags_at_a_cut() -> None:
    body = "<b><i>" + "bold italic words " * 600 + "</i></b> plain"
    parts = split_message(body, 4096)
    assert len(parts) == 3
    assert parts[1].startswith("<b><i>")
    assert parts[1].endswith("</i></b>")
    assert all(visible(part) for part in parts)
    link = '<a href="https://example.com/x?y=1&amp;z=2">' + "linked text " * 500 + "</a>"
    parts = split_message(link, 4096)
    assert parts[1].startswith('<a href="https://example.com/x?y=1&amp;z=2">')
    assert all(visible(part) for part in parts)


def test_split_counts_utf16_units_like_telegram() -> None:
    body = "🎬 " * 2000  # each emoji is two UTF-16 units: 6000 units, 4000 characters
    parts = split_message(body)
    assert len(parts) == 2
    assert all(utf16_len(part) <= 4096 for part in parts)


def test_split_cyrillic_text() -> None:
    body = "Фестиваль кино в Бишкеке. " * 400
    parts = split_message(body)
    assert all(utf16_len(part) <= 4096 and part.endswith("Бишкеке.") for part in parts)
    assert words(" ".join(parts)) == words(body)


@pytest.mark.parametrize(
    ("body", "expected"),
    [("", []), ("   \n ", []), ("short", ["short"]), ("x" * 4096, ["x" * 4096])],
)
def test_split_short_and_empty(body: str, expected: list[str]) -> None:
    assert split_message(body) == expected


def test_split_at_exactly_the_limit() -> None:
    parts = split_message("x" * 4097)
    assert [len(part) for part in parts] == [4096, 1]


def test_keyboard_goes_on_the_last_part() -> None:
    markup = InlineKeyboardMarkup([[callback_button("b", "art:1")]])
    parts = with_keyboard("word " * 2000, markup)
    assert len(parts) == 3
    assert [part_markup for _, part_markup in parts] == [None, None, markup]


# ---- news --------------------------------------------------------------------------------


def test_latest_page_escapes_titles_and_bodies() -> None:
    text, markup = news_views.latest_page(
        EN, [article(3, NASTY, f"{NASTY} body")], page_size=5, older=False, newer=False
    )
    shown = visible(text)
    assert f"1. {NASTY}" in shown
    assert "<script>" not in text
    assert buttons(markup) == [("1", "art:3:20260213:3:5")]


def test_latest_page_numbers_its_articles_and_buttons_several_to_a_row() -> None:
    page = [article(n, f"Title {n}", f"Body {n}.") for n in range(20, 13, -1)]
    text, markup = news_views.latest_page(EN, page, page_size=7, older=True, newer=True)
    shown = visible(text)
    assert shown.index("1. Title 20") < shown.index("2. Title 19") < shown.index("7. Title 14")
    assert "13 February 2026 · #20" in shown
    assert "Older news" in shown
    assert markup is not None
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert [[label for label, _ in row] for row in rows] == [
        ["1", "2", "3", "4", "5"],
        ["6", "7"],
        ["◂ Newer", "Older ▸"],
    ]
    assert rows[0][0][1] == "art:20:20260213:20:7"  # opens #20 in place of the page at #20
    assert rows[2] == [("◂ Newer", "newer:20260213:20:7"), ("Older ▸", "older:20260213:14:7")]


def test_the_first_and_the_last_page_offer_only_the_way_there_is() -> None:
    page = [article(7, "Newest", "First body."), article(5, "Older", "Second body.")]
    text, markup = news_views.latest_page(EN, page, page_size=2, older=True, newer=False)
    assert "Latest news" in visible(text)
    assert [label for label, _ in buttons(markup)] == ["1", "2", "Older ▸"]
    text, markup = news_views.latest_page(EN, page, page_size=2, older=False, newer=True)
    assert [label for label, _ in buttons(markup)] == ["1", "2", "◂ Newer"]


def test_page_and_open_data_read_back() -> None:
    at = Position(date(2026, 2, 13), 2**63 - 1)
    data = news_views.page_data(news_views.OLDER, at, 20)
    assert news_views.read_page_data(data, news_views.OLDER) == (at, 20)
    assert news_views.read_page_data(data, news_views.NEWER) is None
    for forged in ["older:20261332:5:5", "older:x:5:5", "older:20260213:0:5", "older:1:2"]:
        assert news_views.read_page_data(forged, news_views.OLDER) is None, forged
    assert news_views.read_open_data("art:12") == (12, None)
    assert news_views.read_open_data("art:12:20260213:15:5") == (
        12,
        (Position(date(2026, 2, 13), 15), 5),
    )
    assert news_views.read_open_data("art:12:20260230:15:5") is None
    assert news_views.read_open_data("art:" + "9" * 19) is None


def test_latest_page_date_falls_back_to_when_it_was_stored() -> None:
    text, _ = news_views.latest_page(
        EN, [article(seen_on=None)], page_size=1, older=False, newer=False
    )
    assert "14 February 2026" in visible(text)


def test_twenty_long_articles_fit_one_message() -> None:
    page = [
        article(number, "Long & <odd> title " * 15, "Body & more <text> " * 100)
        for number in range(120, 100, -1)
    ]
    text, markup = news_views.latest_page(EN, page, page_size=20, older=True, newer=True)
    assert utf16_len(text) <= 4096
    shown = visible(text)
    assert all(f"#{number}" in shown for number in range(101, 121))
    assert all(len(data.encode()) <= 64 for _, data in buttons(markup))
    assert len(buttons(markup)) == 22


def test_big_ids_still_fit_callback_data() -> None:
    big = [article(2**63 - 1), article(2**63 - 2)]
    _, markup = news_views.latest_page(EN, big, page_size=20, older=True, newer=True)
    assert all(len(data.encode()) <= 64 for _, data in buttons(markup))
    _, markup = news_views.article_in_place(EN, big[0], (big[1].position, 20))
    assert all(len(data.encode()) <= 64 for _, data in buttons(markup))


def test_article_in_full_with_truncation_note_and_a_source_button() -> None:
    shown = article(
        4,
        "Golden Panda & Co",
        "First paragraph.\nSecond <paragraph>.",
        truncated=True,
        url="https://example.com/a?b=1&c=2",
    )
    parts = news_views.article_parts(EN, shown)
    assert len(parts) == 1
    text = visible(parts[0])
    assert text.startswith("Golden Panda & Co\n13 February 2026 · #4")
    assert "First paragraph.\n\nSecond <paragraph>." in text
    assert news_views.TRUNCATED_NOTE in text
    [(part, markup)] = news_views.article_messages(EN, shown)
    assert part == parts[0]
    assert markup is not None
    [[source]] = markup.inline_keyboard
    assert (source.text, source.url) == ("Read at source", "https://example.com/a?b=1&c=2")


def test_article_opened_in_place_has_back_and_read_at_source() -> None:
    shown = article(4, url="https://example.com/a")
    text, markup = news_views.article_in_place(EN, shown, (Position(date(2026, 2, 13), 9), 5))
    assert visible(text).startswith("Title\n13 February 2026 · #4")
    [[back, source]] = markup.inline_keyboard
    assert (back.text, back.callback_data) == ("◂ Back", "page:20260213:9:5")
    assert source.url == "https://example.com/a"
    _, markup = news_views.article_in_place(EN, article(4), (Position(date(2026, 2, 13), 9), 5))
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["◂ Back"]]


def test_article_without_truncation_has_no_note_and_no_unsafe_link() -> None:
    for url in ["javascript:alert(1)", "https://", "http://a b.com/", "ftp://x.org/f", None]:
        shown = article(url=url)
        parts = news_views.article_parts(EN, shown)
        assert news_views.TRUNCATED_NOTE not in parts[0]
        assert "href" not in parts[0]
        [(_, markup)] = news_views.article_messages(EN, shown)
        assert markup is None, url


def test_a_long_article_comes_a_few_parts_at_a_time() -> None:
    paragraphs = [f"Paragraph {n}: " + "words & more words. " * 200 for n in range(20)]
    shown = article(body="\n".join(paragraphs), url="https://example.com/a")
    parts = news_views.article_parts(EN, shown)
    assert len(parts) > 2 * news_views.PARTS_AT_ONCE
    first = news_views.article_messages(EN, shown)
    assert [text for text, _ in first] == parts[:3]
    assert [markup for _, markup in first[:-1]] == [None, None]
    labels = [(b.text, b.callback_data) for row in first[-1][1].inline_keyboard for b in row]
    rest = len(parts) - 3
    assert labels == [
        (f"Continue reading ({rest} more parts) ▸", "part:7:3"),
        ("Read at source", None),
    ]
    last = news_views.article_messages(EN, shown, len(parts) - 1)
    assert [text for text, _ in last] == parts[-1:]
    assert [b.text for row in last[0][1].inline_keyboard for b in row] == ["Read at source"]
    assert news_views.article_messages(EN, shown, len(parts)) == []


def test_long_article_is_split_in_order() -> None:
    paragraphs = [f"Paragraph {n}: " + "words & more words. " * 60 for n in range(10)]
    parts = news_views.article_parts(EN, article(body="\n".join(paragraphs)))
    assert len(parts) >= 3
    joined = " ".join(visible(part) for part in parts)
    assert [int(n) for n in re.findall(r"Paragraph (\d+)", joined)] == list(range(10))
    assert all(utf16_len(part) <= 4096 for part in parts)


# ---- festivals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts", "ends", "shown"),
    [
        (date(2025, 6, 11), date(2025, 6, 15), "11–15 June 2025"),
        (date(2025, 5, 30), date(2025, 6, 2), "30 May – 2 June 2025"),
        (date(2025, 12, 30), date(2026, 1, 2), "30 December 2025 – 2 January 2026"),
        (date(2025, 6, 11), date(2025, 6, 11), "11 June 2025"),
        (date(2025, 6, 11), None, "from 11 June 2025"),
        (None, date(2025, 6, 15), "until 15 June 2025"),
        (None, None, None),
    ],
)
def test_date_range(starts: date | None, ends: date | None, shown: str | None) -> None:
    assert festival_views.date_range(EN, starts, ends) == shown


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_edition_ordinal(number: int, shown: str) -> None:
    assert festival_views.edition_text(EN, number) == f"{shown} edition"


def test_festival_card() -> None:
    bishkek = festival(
        3,
        aliases=("BIFF",),
        starts_on=date(2025, 6, 11),
        ends_on=date(2025, 6, 15),
        edition=3,
        description="Central Asian cinema & more <b>",
        origin=FactSource.SEED,
        sources=(("city", FactSource.NEWS), ("dates", FactSource.NEWS)),
    )
    text, markup = festival_views.festival_card(
        EN, bishkek, [article(3, "Kyrgyzstan: Film Festival")], date(2025, 6, 1), mentions=1
    )
    shown = visible(text)
    for fact in (
        "Bishkek International Film Festival",
        "Festival · Bishkek, Kyrgyzstan",
        "11–15 June 2025 · 3rd edition",
        "Also known as: BIFF",
        "Central Asian cinema & more <b>",
        "From the news: city, dates.",
        "From the newsroom: other names, country, edition, description.",
        "In the news (1 article that names it)",
        "Kyrgyzstan: Film Festival (13 February 2026, #3)",
    ):
        assert fact in shown
    assert [data for _, data in buttons(markup)] == ["art:3", "remind:3"]
    reminded, markup = festival_views.festival_card(
        EN, bishkek, [], date(2026, 12, 1), reminded=True
    )
    assert "11–15 June 2025 (past) · 3rd edition" in visible(reminded)
    assert "next expected around June 2027" in visible(reminded)
    assert buttons(markup) == [("🔕 Stop reminding me", "unremind:3")]


def test_festival_card_without_dates_or_news() -> None:
    text, markup = festival_views.festival_card(
        EN, festival(kind="film camp", city=None), [], date(2026, 2, 1)
    )
    shown = visible(text)
    assert "Film camp · Kyrgyzstan" in shown
    assert "dates not known" in shown
    assert "No articles mention it yet." in shown
    assert [data for _, data in buttons(markup)] == ["remind:1"]


def test_festival_choices_and_none() -> None:
    text, markup = festival_views.festival_choices(
        EN, "eur<", [festival(4, "Eurasian Film Festival"), festival(5, "Eurasian Creative Guild")]
    )
    assert "Several festivals match “eur<”" in visible(text)
    assert [data for _, data in buttons(markup)] == ["fest:4", "fest:5"]
    text, markup = festival_views.no_festival(
        EN, "cannes&", [festival(1), festival(2, "Golden Panda Awards")]
    )
    shown = visible(text)
    assert "“cannes&”" in shown
    assert "Golden Panda Awards" in shown
    assert markup is None
    text, markup = festival_views.no_festival(EN, "okeev", [], [article(3, "Okeev <at> 90")], 3)
    assert visible(text).startswith("I have no card for “okeev”, but 3 articles mention it:")
    assert [data for _, data in buttons(markup)] == ["art:3"]


def test_festival_list_upcoming_then_undated_then_past_in_pages() -> None:
    today = date(2025, 6, 12)
    known = [
        festival(1, "Undated B"),
        festival(2, "Past old", starts_on=date(2022, 5, 1), ends_on=date(2022, 5, 3)),
        festival(3, "Later", starts_on=date(2025, 9, 12), ends_on=date(2025, 9, 13)),
        festival(4, "Running", starts_on=date(2025, 6, 11), ends_on=date(2025, 6, 15)),
        festival(5, "Last year", starts_on=date(2024, 5, 22), ends_on=date(2024, 5, 27)),
        festival(6, "Undated A"),
        festival(
            7, "Camp", kind="film camp", starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 9)
        ),
    ]
    text, markup = festival_views.festival_list(EN, known, today)
    shown = visible(text)
    order = ["Upcoming", "Running", "Later", "Last year", "Next date not known", "Undated A"]
    order += ["Undated B", "Past", "Camp", "Past old"]
    assert [shown.index(name) for name in order] == sorted(shown.index(name) for name in order)
    assert "2. Running — Bishkek, Kyrgyzstan, 11–15 June 2025 (on now)" not in shown
    assert "1. Running — Bishkek, Kyrgyzstan, 11–15 June 2025 (on now)" in shown
    assert "expected around May 2026 (last: 22–27 May 2024)" in shown
    assert "Camp — Bishkek, Kyrgyzstan, 1–9 March 2025 (past)" in shown
    assert [data for _, data in buttons(markup)] == [
        "fest:4", "fest:3", "fest:5", "fest:6", "fest:1", "fest:7", "fest:2"
    ]  # fmt: skip
    many = [festival(n, f"Festival number {n:02}") for n in range(1, 20)]
    first, markup = festival_views.festival_list(EN, many, today)
    assert "page 1 of 3" in visible(first)
    assert buttons(markup)[-1] == ("More ▸", "fests:2")
    last, markup = festival_views.festival_list(EN, many, today, 3)
    assert "19. Festival number 19" in visible(last)
    assert buttons(markup)[-1] == ("◂ Back", "fests:2")
