"""The feed parser: the two example feeds, feeds written here, and hostile payloads."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from pathlib import Path

import feedparser  # type: ignore[import-untyped]  # no stubs: used to show its own behaviour
import pytest

from bot.newsroom.sources.feeds import Feed, FeedError, FeedItem, html_to_text, parse_feed

FEEDS = Path(__file__).resolve().parent / "fixtures" / "feeds"
WORDPRESS_URL = "https://timesca.com/tag/cinema/feed/"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>laughs</title>
<item><title>&lol9;</title><link>https://example.org/lol</link></item>
</channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title>
<item><title>&secret;</title><link>https://example.org/x</link></item>
</channel></rss>"""


def rss(items: str, *, channel_title: str = "Film desk", encoding: str = "utf-8") -> bytes:
    """An RSS 2.0 document around ``items``, encoded as declared."""
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{channel_title}</title><link>https://example.org/</link>"
        f"{items}</channel></rss>"
    )
    return text.encode(encoding)


def item(title: str, link: str, summary: str, **extra: str) -> str:
    """One RSS item with an HTML summary in CDATA, and any further elements given."""
    more = "".join(f"<{tag}>{value}</{tag}>" for tag, value in extra.items())
    return (
        f"<item><title>{title}</title><link>{link}</link>"
        f"<description><![CDATA[{summary}]]></description>{more}</item>"
    )


@pytest.fixture
def wordpress() -> Feed:
    """The WordPress tag feed fixture, parsed."""
    return parse_feed((FEEDS / "wordpress-tag-cinema.xml").read_bytes(), WORDPRESS_URL)


@pytest.fixture
def atom() -> Feed:
    """The Atom fixture, parsed."""
    return parse_feed(
        (FEEDS / "atom-example.xml").read_bytes(), "https://example.org/film/atom.xml"
    )


def test_wordpress_titles_decode_entities(wordpress: Feed) -> None:
    assert wordpress.title == "cinema – The Times Of Central Asia"
    assert [i.title for i in wordpress.items] == [
        "Kyrgyz Film “Black, Red, Yellow” Wins at Busan & Heads to Berlin",
        "В Ташкенте открылся кинофестиваль «Шёлковый путь»",
        "Kazakh Producer Yulia Kim: “We Are Closing the Gap Between Central Asia and World"
        " Cinema”",
    ]


def test_wordpress_links_are_the_links_not_the_guids(wordpress: Feed) -> None:
    assert [i.url for i in wordpress.items] == [
        "https://timesca.com/kyrgyz-film-black-red-yellow-wins-at-busan/",
        "https://timesca.com/ru/tashkent-silk-road-festival/",
        "https://timesca.com/kazakh-producer-yulia-kim-we-are-closing-the-gap/",
    ]
    assert not any("?p=" in i.url for i in wordpress.items)


def test_wordpress_dates_are_utc(wordpress: Feed) -> None:
    assert [i.published for i in wordpress.items] == [
        datetime(2026, 2, 13, 8, 30, tzinfo=UTC),
        datetime(2026, 2, 12, 17, 5, tzinfo=UTC),
        datetime(2026, 2, 7, 10, 0, tzinfo=UTC),
    ]


def test_wordpress_full_content_is_clean_paragraphs(wordpress: Feed) -> None:
    first = wordpress.items[0]
    assert first.text == (
        "A drama by a young Kyrgyz director took the top prize in Busan’s New Currents section"
        " on Friday.\n\nThe film will screen next at the Berlinale in its Generation section."
    )
    assert first.truncated is False
    assert first.categories == ("Culture", "Kyrgyzstan", "cinema")


def test_no_markup_or_shortcode_left_in_any_text(wordpress: Feed, atom: Feed) -> None:
    texts = [i.text for i in wordpress.items + atom.items]
    assert all(texts)
    for text in texts:
        for leftover in ("<", ">", "[caption", "[/caption]", "&#", "&amp;", "Still from the film"):
            assert leftover not in text, (leftover, text)


def test_wordpress_summary_only_items_are_truncated(wordpress: Feed) -> None:
    cyrillic = wordpress.items[1]
    assert cyrillic.text == "Фестиваль продлится до 18 февраля и покажет 40 фильмов из 12 стран…"
    assert cyrillic.truncated is True
    assert cyrillic.categories == ("Uzbekistan",)
    assert wordpress.items[2].truncated is True


def test_atom_html_title_becomes_plain_text(atom: Feed) -> None:
    assert atom.title == "Regional Film Desk"
    assert [i.title for i in atom.items] == [
        "Almaty <Short Film> Week announces its jury",
        "Dushanbe cinema reopens after restoration",
    ]


def test_atom_links_dates_and_texts(atom: Feed) -> None:
    jury, cinema = atom.items
    assert (jury.url, cinema.url) == (
        "https://example.org/film/1201",
        "https://example.org/film/1199",
    )
    assert jury.published == datetime(2026, 2, 14, 5, 40, tzinfo=UTC)  # from <updated>
    assert cinema.published == datetime(2026, 2, 13, 12, 0, tzinfo=UTC)
    assert jury.text == "Five critics from three countries will judge 38 shorts."
    assert jury.truncated is False  # a full sentence, even though it is a summary
    assert cinema.text.startswith("The Soviet-era Vatan cinema reopened")
    assert cinema.truncated is False


def test_items_are_frozen(atom: Feed) -> None:
    with pytest.raises(AttributeError):
        atom.items[0].title = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("summary", "expected_text"),
    [
        ("<p>The jury met on Friday and&#8230;</p>", "The jury met on Friday and…"),
        ("<p>The jury met on Friday and...</p>", "The jury met on Friday and..."),
        ("<p>The jury met on Friday and [&#8230;]</p>", "The jury met on Friday and […]"),
        ("<p>The jury met on Friday and [...]</p>", "The jury met on Friday and [...]"),
        (
            '<p>The jury met on Friday.</p><p><a href="https://example.org/1">Continue reading'
            ' <span class="screen-reader-text">Jury</span> &rarr;</a></p>',
            "The jury met on Friday.",
        ),
        (
            "<p>The jury met on Friday.</p><p>The post <a href='https://example.org/1'>Jury</a>"
            " appeared first on <a href='https://example.org'>Film Desk</a>.</p>",
            "The jury met on Friday.",
        ),
    ],
)
def test_summary_only_feed_marks_cut_items(summary: str, expected_text: str) -> None:
    feed = parse_feed(rss(item("Jury", "https://example.org/1", summary)), "https://example.org/")
    (only,) = feed.items
    assert only.text == expected_text
    assert only.truncated is True


def test_a_complete_summary_is_not_truncated() -> None:
    payload = rss(item("Jury", "https://example.org/1", "<p>Critics should read more books.</p>"))
    (only,) = parse_feed(payload, "https://example.org/").items
    assert only.text == "Critics should read more books."
    assert only.truncated is False


def test_full_content_is_never_truncated_even_with_a_footer() -> None:
    content = (
        "<content:encoded><![CDATA[<p>Whole story&#8230;</p><p>The post <a href='x'>Jury</a>"
        " appeared first on <a href='y'>Desk</a>.</p>]]></content:encoded>"
    )
    payload = rss(
        "<item><title>Jury</title><link>https://example.org/1</link>"
        f"<description>Short…</description>{content}</item>"
    )
    (only,) = parse_feed(payload, "https://example.org/").items
    assert only.text == "Whole story…"
    assert only.truncated is False


def test_guid_that_is_not_a_permalink_is_never_the_url() -> None:
    payload = rss(
        '<item><title>No link</title><guid isPermaLink="false">https://example.org/?p=1</guid>'
        "</item>"
        "<item><title>Permalink guid</title><guid>https://example.org/permalink</guid></item>"
        + item("Linked", "https://example.org/linked", "x")
    )
    feed = parse_feed(payload, "https://example.org/")
    assert [(i.title, i.url) for i in feed.items] == [
        ("Permalink guid", "https://example.org/permalink"),
        ("Linked", "https://example.org/linked"),
    ]


def test_items_without_title_or_link_are_skipped_and_order_kept() -> None:
    payload = rss(
        item("First", "https://example.org/1", "a")
        + "<item><link>https://example.org/untitled</link><description>b</description></item>"
        + "<item><title>Unlinked</title><description>c</description></item>"
        + item("Script link", "javascript:alert(1)", "d")
        + item("Relative", "/film/2", "e")
        + item("Last", "https://example.org/3", "f")
    )
    feed = parse_feed(payload, "https://example.org/feed/")
    assert [(i.title, i.url) for i in feed.items] == [
        ("First", "https://example.org/1"),
        ("Relative", "https://example.org/film/2"),
        ("Last", "https://example.org/3"),
    ]


def test_a_feed_with_no_items_is_fine() -> None:
    feed = parse_feed(rss("", channel_title="Quiet desk"), "https://example.org/")
    assert feed == Feed(title="Quiet desk", items=())


def test_windows_1251_feed_is_decoded() -> None:
    payload = rss(
        item("Кино в Бишкеке", "https://example.org/1", "Премьера"), encoding="windows-1251"
    )
    assert "Кино".encode() not in payload
    (only,) = parse_feed(payload, "https://example.org/").items
    assert (only.title, only.text) == ("Кино в Бишкеке", "Премьера")


def test_categories_are_stripped_and_unique() -> None:
    payload = rss(
        "<item><title>T</title><link>https://example.org/1</link>"
        "<category> Kazakhstan </category><category>Cinema</category>"
        "<category>Kazakhstan</category><category> </category></item>"
    )
    (only,) = parse_feed(payload, "https://example.org/").items
    assert only.categories == ("Kazakhstan", "Cinema")
    assert only.published is None


def test_html_to_text_blocks_breaks_and_dropped_elements() -> None:
    html = (
        "<div>Opening <b>night</b>\n   in  Almaty<br/>second&nbsp;line"
        "<script>alert('x')</script><style>p{}</style><!-- a comment -->"
        "<figure><img src='still.jpg' alt='still'><figcaption>A still</figcaption></figure>"
        "<h2>Jury</h2><ul><li>Critics &amp; directors</li><li>Five</li></ul></div>"
    )
    assert html_to_text(html) == (
        "Opening night in Almaty\nsecond line\n\nJury\n\nCritics & directors\n\nFive"
    )


def test_html_to_text_strips_shortcodes_but_not_editorial_brackets() -> None:
    html = (
        '<p>[caption id="a" width="800"]<img src="x.jpg"> A still[/caption]He said [sic] so.</p>'
        '<p>[gallery ids="1,2,3"] [su_quote]Cinema is life[/su_quote] [embed]https://y.be/1[/embed]</p>'
        "<p>[caption id='b']unclosed</p>"
    )
    assert html_to_text(html) == "He said [sic] so.\n\nCinema is life\n\nunclosed"


def test_html_to_text_survives_deep_nesting() -> None:
    assert html_to_text("<div>" * 20_000 + "deep" + "</div>" * 20_000) == "deep"


@pytest.mark.parametrize("payload", [b"", b"   \n\t "])
def test_empty_payload_is_refused(payload: bytes) -> None:
    with pytest.raises(FeedError, match="empty payload"):
        parse_feed(payload, "https://example.org/feed/")


@pytest.mark.parametrize(
    "payload",
    [
        b"<!DOCTYPE html><html><head><title>Film news</title></head>"
        b"<body><p>Welcome</p></body></html>",
        b"\n  <html lang='ru'><body><h1>404</h1><p>Not found &nbsp;</p></body></html>",
    ],
)
def test_html_page_is_refused(payload: bytes) -> None:
    with pytest.raises(FeedError, match="this is an HTML page, not a feed"):
        parse_feed(payload, "https://example.org/feed/")


@pytest.mark.parametrize(
    "payload",
    [b"<rss version='2.0'><channel><title>Broken</title></chan", b'{"items": []}', b"\x00\xff"],
)
def test_invalid_xml_is_refused(payload: bytes) -> None:
    with pytest.raises(FeedError, match=r"invalid XML|not a feed"):
        parse_feed(payload, "https://example.org/feed/")


def test_slightly_broken_feed_with_items_is_still_read() -> None:
    payload = rss(item("Kept", "https://example.org/1", "Body")).replace(b"</rss>", b"")
    (only,) = parse_feed(payload, "https://example.org/").items
    assert only.title == "Kept"


@pytest.mark.parametrize(
    ("payload", "name"), [(BILLION_LAUGHS, "lol"), (EXTERNAL_ENTITY, "secret")]
)
def test_entity_declarations_are_refused_quickly(payload: bytes, name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(FeedError, match=f"refused: the feed declares XML entities.*{name}"):
        parse_feed(payload, "https://example.org/feed/")
    assert time.perf_counter() - started < 1.0


def test_feedparser_alone_would_not_expand_the_bomb_either() -> None:
    """Defence in depth: feedparser drops the DTD, so the entity stays an unexpanded name."""
    parsed = feedparser.parse(io.BytesIO(BILLION_LAUGHS))
    assert [len(e.get("title", "")) for e in parsed.entries] == [len("&lol9;")]


def test_old_rss_with_an_external_dtd_reference_is_accepted() -> None:
    payload = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC'
        b' "-//Netscape Communications//DTD RSS 0.91//EN" "http://127.0.0.1:9/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>Old</title>'
        b"<item><title>Caf&eacute;</title><link>https://example.org/1</link></item></channel></rss>"
    )
    feed = parse_feed(payload, "https://example.org/")
    assert [i.title for i in feed.items] == ["Café"]


def test_a_payload_naming_a_local_file_is_not_read_from_disk() -> None:
    """feedparser opens a bytes argument that names a path: parse_feed must not let it."""
    path = bytes(FEEDS / "atom-example.xml")
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(path, "https://example.org/")


def test_feed_item_equality_is_by_value() -> None:
    made = FeedItem("T", "https://example.org/1", None, "", False, ())
    payload = rss("<item><title>T</title><link>https://example.org/1</link></item>")
    assert parse_feed(payload, "https://example.org/").items == (made,)
