"""The seed page parser: the real seed pages, pages written here, and every kind of bad page."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.newsroom.sources.pages import (
    Page,
    PageArticle,
    PageError,
    TickerRate,
    parse_page,
    read_page,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

TICKER = "• KGS/USD = 0.01143 0%\n  • TJS/USD = 0.10598 -0.19%\n"


def seed(prefix: str) -> Page:
    """The shipped seed page whose file name starts with ``prefix``."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return read_page(path)


def listing(*articles: tuple[str, str], head: str = TICKER + "07 February 2026\n") -> str:
    """A listing page: ``head``, the site's counter, then title / blank / body articles."""
    parts = [f"{head}\nViewing results 1 - 6 of 12\n"]
    parts += [f"{title}\n\n{body}\n" for title, body in articles]
    return "\n".join(parts)


def rates_of(page: Page) -> dict[str, tuple[str, Decimal, int]]:
    """The page's rates by currency: (value as the page wrote it, change, line)."""
    return {rate.currency: (str(rate.value), rate.change_pct, rate.line) for rate in page.rates}


# The real seed pages


@pytest.mark.parametrize(
    ("prefix", "day", "articles"),
    [("000", date(2026, 2, 7), 6), ("002", date(2026, 2, 13), 2)],
)
def test_seed_listing_pages(prefix: str, day: date, articles: int) -> None:
    page = seed(prefix)
    assert page.name.startswith(f"{prefix}_")
    assert page.date == day
    assert len(page.articles) == articles
    assert [rate.currency for rate in page.rates] == ["KGS", "KZT", "TJS", "UZS", "TMT"]
    assert {rate.base for rate in page.rates} == {"USD"}


def test_seed_000_rates_keep_the_page_digits() -> None:
    assert rates_of(seed("000")) == {
        "KGS": ("0.01143", Decimal(0), 1),
        "KZT": ("0.00202", Decimal(0), 2),
        "TJS": ("0.10661", Decimal(0), 3),
        "UZS": ("0.00008", Decimal(0), 4),
        "TMT": ("0.28575", Decimal(0), 5),
    }


def test_seed_002_tjs_fell() -> None:
    tjs = next(rate for rate in seed("002").rates if rate.currency == "TJS")
    assert tjs == TickerRate("TJS", "USD", Decimal("0.10598"), Decimal("-0.19"), 3)
    assert str(tjs.value) == "0.10598"
    assert rates_of(seed("002"))["TMT"] == ("0.28490", Decimal(0), 5)


def test_seed_000_articles() -> None:
    articles = seed("000").articles
    assert [(a.line, a.truncated) for a in articles] == [
        (45, True),
        (49, True),
        (53, True),
        (57, False),
        (61, False),
        (65, False),
    ]
    assert articles[0].title == (
        "Kazakh Producer Yulia Kim: “We Are Closing the Gap Between Central Asia and World Cinema”"
    )
    assert articles[1].title == "Kazakh-Spanish Film La Tregua to Premiere on Netflix"
    assert articles[5].title.startswith("Where East Meets West: Seventh Eurasian Film Festival")
    assert articles[0].body.startswith("Central Asia is increasingly being recognized")
    assert articles[0].body.endswith("Yulia: Each year has its")
    assert articles[5].body.endswith("continues to spotlight Eurasian cinema on the global stage.")


def test_seed_001_is_a_single_article() -> None:
    page = seed("001")
    assert page.date is None
    assert page.rates == ()
    (article,) = page.articles
    assert article.line == 1
    assert article.truncated is True
    assert article.title.startswith("Kazakh Producer Yulia Kim:")
    assert article.body.startswith("Central Asia is increasingly")
    assert article.body.endswith("Each year has its")
    assert "\n" not in article.body


def test_seed_same_article_parses_the_same_on_both_pages() -> None:
    single, listed = seed("001").articles[0], seed("000").articles[0]
    assert (single.title, single.body, single.truncated) == (
        listed.title,
        listed.body,
        listed.truncated,
    )
    assert seed("002").articles[0].body == seed("000").articles[1].body


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_seed_captions_are_stripped(prefix: str) -> None:
    for article in seed(prefix).articles:
        for leftover in ("[caption", "[/caption]", "attachment_", "aligncenter", "@PostSpace"):
            assert leftover not in article.body
        assert "Still from La Tregua" not in article.body
        assert "  " not in article.body
        assert article.body == article.body.strip()


def test_seed_caption_gap_is_closed() -> None:
    body = seed("000").articles[0].body
    assert "how campfire songs can forge creative collaborations. TCA: Yulia, you’re" in body
    body = seed("002").articles[0].body
    assert "Latin America. From Karaganda to the Screen" in body
    assert "same table,” said Bekhozhin. Kazakh Identity" in body


# Pages written here: other dates, rates, scripts and shapes


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1 March 2025", date(2025, 3, 1)),
        ("29 February 2024", date(2024, 2, 29)),
        ("31 December 1999", date(1999, 12, 31)),
        ("07 января 2026", date(2026, 1, 7)),
        ("5 Sep 2026", date(2026, 9, 5)),
        ("October 3, 2025", date(2025, 10, 3)),
    ],
)
def test_other_dates(line: str, expected: date) -> None:
    page = parse_page(listing(("A title", "A body."), head=f"{TICKER}{line}\n"))
    assert page.date == expected
    assert [a.title for a in page.articles] == ["A title"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("• EUR/RUB = 98.7654 +0.5%", ("EUR", "RUB", "98.7654", "0.5")),
        ("• USD/KZT = 1,234.56 -1.25%", ("USD", "KZT", "1234.56", "-1.25")),
        ("   •   CNY/USD = 0.13800 −0.07%", ("CNY", "USD", "0.13800", "-0.07")),
        ("• RUB/USD = 12 3%", ("RUB", "USD", "12", "3")),
        ("• GBP/USD = 1.27 -0%", ("GBP", "USD", "1.27", "0")),
    ],
)
def test_other_rates(line: str, expected: tuple[str, str, str, str]) -> None:
    page = parse_page(f"{line}\n3 March 2026\n")
    (rate,) = page.rates
    assert (rate.currency, rate.base, str(rate.value), str(rate.change_pct)) == expected
    assert isinstance(rate.value, Decimal)
    assert isinstance(rate.change_pct, Decimal)
    assert rate.line == 1


def test_rates_are_deduplicated_first_line_wins() -> None:
    page = parse_page(TICKER * 3 + "• KGS/EUR = 0.0105 +0.1%\n" + TICKER + "1 May 2026\n")
    assert [(r.currency, r.base, str(r.value), r.line) for r in page.rates] == [
        ("KGS", "USD", "0.01143", 1),
        ("TJS", "USD", "0.10598", 2),
        ("KGS", "EUR", "0.0105", 7),
    ]


@pytest.mark.parametrize(
    "title",
    [
        "Кыргызский фильм «Ак-Тоо» покажут в Каннах",
        "Tom & Jerry <3 \"quotes\" & 'single' > all",
        "<b>Not bold</b> &amp; not unescaped",
        "Ўзбек кино: «Тошкент» & Co. — 2026",
    ],
)
def test_titles_are_kept_verbatim(title: str) -> None:
    body = "Фестиваль пройдёт в Бишкеке & Алматы <скоро>..."
    page = parse_page(listing(("First one", "Plain body."), (title, body)), "cyr.txt")
    assert [a.title for a in page.articles] == ["First one", title]
    assert page.articles[1].body == "Фестиваль пройдёт в Бишкеке & Алматы <скоро>"
    assert page.articles[1].truncated is True
    assert page.articles[1].line == 11


def test_page_without_ticker() -> None:
    page = parse_page(listing(("Один", "Тело."), ("Two", "Body two."), head="2 June 2026\n"))
    assert page.rates == ()
    assert page.date == date(2026, 6, 2)
    assert page.articles == (
        PageArticle("Один", "Тело.", False, 5),
        PageArticle("Two", "Body two.", False, 9),
    )


def test_page_with_only_ticker_and_date() -> None:
    page = parse_page(TICKER * 4 + "12 March 2026\n\nViewing results 1 - 6 of 0\n", "t.txt")
    assert page == Page(
        "t.txt",
        date(2026, 3, 12),
        (
            TickerRate("KGS", "USD", Decimal("0.01143"), Decimal(0), 1),
            TickerRate("TJS", "USD", Decimal("0.10598"), Decimal("-0.19"), 2),
        ),
        (),
    )


def test_ticker_lines_anywhere_are_rates_and_separate_blocks() -> None:
    text = listing(("Title one", "Body one.")) + "• UZS/USD = 0.00008 0%\nTitle two\n\nBody two.\n"
    page = parse_page(text)
    assert [a.title for a in page.articles] == ["Title one", "Title two"]
    assert [a.body for a in page.articles] == ["Body one.", "Body two."]
    assert [r.currency for r in page.rates] == ["KGS", "TJS", "UZS"]


@pytest.mark.parametrize(
    ("body", "expected", "truncated"),
    [
        ("One line.\nSecond   line.\n  Third\tline…", "One line.\nSecond line.\nThird line", True),
        ("Ends cleanly.", "Ends cleanly.", False),
        ("Cut mid-word [...]", "Cut mid-word", True),
        ("Cut [\u2026]", "Cut", True),
        ("Dots.....", "Dots", True),
        ("Non\u00a0breaking  space", "Non breaking space", False),
        ('A. [caption id="attachment_9" width="1"] Photo: X[/caption] B.', "A. B.", False),
        ("A [caption id=1]\nspans lines\n[/caption] B", "A B", False),
        ('Cut in a caption [caption id="attachment_7"] Still fr...', "Cut in a caption", True),
        ('Cut in a tag [caption id="attachm...', "Cut in a tag", True),
        ("Stray [/caption] closer", "Stray closer", False),
    ],
)
def test_bodies(body: str, expected: str, truncated: bool) -> None:
    (article,) = parse_page(listing(("Title", body))).articles
    assert article.body == expected
    assert article.truncated is truncated


def test_single_article_page_with_several_paragraphs() -> None:
    text = "  A title  \nFirst paragraph.\n\nSecond  paragraph.\n\n\nThird paragraph...\n"
    assert parse_page(text, "a.txt") == Page(
        "a.txt",
        None,
        (),
        (PageArticle("A title", "First paragraph.\nSecond paragraph.\nThird paragraph", True, 1),),
    )


def test_undated_listing_is_not_a_single_article() -> None:
    page = parse_page("\n\nTitle one\n\nBody one.\n\nTitle two\n\nBody two...\n")
    assert page.date is None
    assert [(a.title, a.body, a.line) for a in page.articles] == [
        ("Title one", "Body one.", 3),
        ("Title two", "Body two", 7),
    ]


def test_compact_article_on_a_dated_page() -> None:
    page = parse_page("9 May 2026\n\nTitle one\nBody one.\n\nTitle two\n\nBody two.\n")
    assert [(a.title, a.body, a.line) for a in page.articles] == [
        ("Title one", "Body one.", 3),
        ("Title two", "Body two.", 6),
    ]


def test_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    text = listing(("Заголовок", "Тело статьи...")).replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    page = read_page(path)
    assert page.name == "windows.txt"
    assert page.date == date(2026, 2, 7)
    assert [r.currency for r in page.rates] == ["KGS", "TJS"]
    assert page.articles == (PageArticle("Заголовок", "Тело статьи", True, 7),)


def test_crlf_error_lines(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf\xe2\x80\xa2 KGS/USD = 1 0%\r\n\r\n30 February 2026\r\n")
    with pytest.raises(PageError) as caught:
        read_page(path)
    assert str(caught.value).startswith("crlf.txt:3: ")


# Bad pages: each error names the page and the line


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "empty"),
        ("  \n\n\t\n   ", 1, "empty"),
        ("\ufeff\n", 1, "empty"),
        (TICKER + "• KZT/USD = 0.0O202 0%\n7 May 2026\n", 3, "malformed currency ticker"),
        ("• KZT/USD = abc 0%\n7 May 2026\n", 1, "malformed currency ticker"),
        ("• KZT/USD = 0.00202\n7 May 2026\n", 1, "malformed currency ticker"),
        ("• KZT/USD = 0.00202 %\n7 May 2026\n", 1, "malformed currency ticker"),
        ("• KZT/USD = 0.00.202 0%\n7 May 2026\n", 1, "malformed currency ticker"),
        ("• kzt/usd = 0.00202 0%\n7 May 2026\n", 1, "malformed currency ticker"),
        ("• KZT/USD = .5 0%\n7 May 2026\n", 1, "malformed currency ticker"),
        ("• KZT/USD = 0.00000 0%\n7 May 2026\n", 1, "zero"),
        ("• USD/USD = 1 0%\n7 May 2026\n", 1, "against itself"),
        (TICKER + TICKER + "• KGS/USD = 0.01200 0%\n7 May 2026\n", 5, "contradicts"),
        (TICKER + "• TJS/USD = 0.10598 +0.19%\n7 May 2026\n", 3, "line 2"),
        ("\n\n" + TICKER + "\nTitle\n\nBody.\n", 3, "no page date"),
        ("Title\n\nBody.\n\n" + TICKER, 5, "no page date"),
        (TICKER + "\n31 February 2026\n", 4, "no such date"),
        ("29 February 2025\n", 1, "no such date"),
        ("32 March 2026\n", 1, "no such date"),
        (TICKER + "07 Febuary 2026\n\nTitle\n\nBody.\n", 3, "unknown month"),
        (TICKER + "7 May 2026\n\n8 May 2026\n", 5, "second page date"),
        (listing(("Title", "Body.")) + "\nLonely title\n", 11, "no body"),
        ("Just a title\n", 1, "no body"),
        ("Title\n\n[caption id=1]Photo[/caption] ...\n", 1, "no body"),
        (listing(("Title", "Body.")) + "\n" + "x" * 400 + "\n\nT\n\nB\n", 11, "title"),
        ("Viewing results 1 - 6 of 12\n", 1, "no page date, currency rates or articles"),
        ("Title\n\nBody\x01 with a control character\n", 3, "binary"),
    ],
)
def test_bad_pages(text: str, line: int, reason: str) -> None:
    with pytest.raises(PageError) as caught:
        parse_page(text, "bad.txt")
    error = caught.value
    assert (error.name, error.line) == ("bad.txt", line)
    assert reason in error.reason
    assert str(error) == f"bad.txt:{line}: {error.reason}"
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("data", "line", "reason"),
    [
        (random.Random(7).randbytes(4096), 1, "not UTF-8"),
        (b"07 May 2026\n\nTitle\n\nBody \xff\xfe here.\n", 5, "not UTF-8 text (byte 0xff)"),
        (b"Title\nBody\x00\x00\x00\n", 2, "binary"),
        ("Title\n\nBody.\n".encode("utf-16"), 1, "UTF-16"),
    ],
)
def test_unreadable_files(tmp_path: Path, data: bytes, line: int, reason: str) -> None:
    path = tmp_path / "garbage.bin"
    path.write_bytes(data)
    with pytest.raises(PageError) as caught:
        read_page(path)
    assert str(caught.value).startswith(f"garbage.bin:{line}: ")
    assert reason in caught.value.reason


# Ten megabytes


def test_ten_megabytes_of_articles(tmp_path: Path) -> None:
    chunk = "".join(
        f"Статья номер {n} & <co>\n\n"
        f'Body of article {n}. [caption id="attachment_{n}"] Photo {n}[/caption] '
        f"{'Long enough text. ' * 50}...\n\n"
        for n in range(1000)
    )
    count = 10_000_000 // len(chunk.encode()) + 1
    path = tmp_path / "big.txt"
    path.write_text(TICKER + "1 April 2026\n\n" + chunk * count, encoding="utf-8")
    assert path.stat().st_size >= 10_000_000
    page = read_page(path)
    assert len(page.articles) == 1000 * count
    last = page.articles[-1]
    assert last.title == "Статья номер 999 & <co>"
    assert last.body.startswith("Body of article 999. Long enough text.")
    assert last.truncated is True
    assert last.line == 5 + 4 * (1000 * count - 1)
    assert len(page.rates) == 2


GARBAGE: dict[str, tuple[Callable[[], bytes], int, str]] = {
    "random-bytes": (lambda: random.Random(10).randbytes(10_000_000), 1, "not UTF-8"),
    "random-after-text": (
        lambda: b"Title\n\nBody\n" + random.Random(11).randbytes(10_000_000),
        4,
        "not UTF-8",
    ),
    "one-long-line": (
        lambda: ("ж" * 5_000_000).encode(),
        1,
        "5000000-character line where a title should be",
    ),
    "unclosed-captions": (
        lambda: ("Title\n\n" + "[caption " * 1_200_000).encode(),
        1,
        "'Title' has no body",
    ),
    "caption-and-spaces": (
        lambda: ("Title\n\n[caption]" + " " * 10_000_000 + "…").encode(),
        1,
        "'Title' has no body",
    ),
    "endless-number": (
        lambda: ("• KGS/USD = " + "9" * 10_000_000 + "\n").encode(),
        1,
        "malformed currency ticker",
    ),
}


@pytest.mark.parametrize("kind", GARBAGE)
def test_ten_megabytes_of_garbage(tmp_path: Path, kind: str) -> None:
    make, line, reason = GARBAGE[kind]
    path = tmp_path / "garbage.txt"
    path.write_bytes(make())
    with pytest.raises(PageError) as caught:
        read_page(path)
    assert str(caught.value).startswith(f"garbage.txt:{line}: ")
    assert reason in caught.value.reason
