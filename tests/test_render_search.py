"""Rendering search results: counts, marks, numbered and paging buttons, "Did you mean", limits."""

from __future__ import annotations

from bot.render import search as render
from storage.models import MATCH_END, MATCH_START, SearchHit, SearchPage
from tests.telegram_html import utf16_len
from tests.test_render import EN, article, buttons, visible


def mark(word: str) -> str:
    return f"{MATCH_START}{word}{MATCH_END}"


def page(hits: list[SearchHit], *, offset: int = 0, total: int | None = None) -> SearchPage:
    count = len(hits) if total is None else total
    return SearchPage(tuple(hits), offset, count, more=False, ranked=count)


def test_highlight_escapes_first_then_marks() -> None:
    snippet = f"…the {mark('<Golden>')} & {mark('Panda')}\nawards…"
    assert render.highlight(snippet) == "…the <b>&lt;Golden&gt;</b> &amp; <b>Panda</b> awards…"
    assert render.highlight(f"stray {MATCH_START}marker") == "stray marker"


def test_results_count_number_and_mark_the_hits() -> None:
    hits = [
        SearchHit(
            article(3, "Кино & фестиваль"), f"{mark('Кино')} & фестиваль", "в Бишкеке", -2.5
        ),
        SearchHit(article(1, "Second", "Body."), "Second", f"about {mark('кино')}", -1.0),
    ]
    text, markup = render.results(EN, "кино", page(hits), page_size=5, search_id=None)
    assert "<b><u>Кино</u> &amp; фестиваль</b>" in text
    assert "about <b>кино</b>" in text
    shown = visible(text)
    assert shown.startswith("🔎 2 matches for “кино”")
    assert "1. Кино & фестиваль" in shown
    assert "2. Second" in shown
    assert buttons(markup) == [("1", "art:3"), ("2", "art:1")]


def test_a_title_only_match_shows_the_start_of_the_body() -> None:
    hit = SearchHit(article(3, "Golden <Panda>", "Body text here.\nMore."), "x", "", -3.0)
    text, _ = render.results(EN, "panda", page([hit]), page_size=5, search_id=None)
    assert "Body text here. More." in visible(text)


def test_paging_buttons_and_page_numbers() -> None:
    hits = [SearchHit(article(n, f"T{n}"), f"T{n}", "", -1.0) for n in range(6, 11)]
    text, markup = render.results(
        EN, "w", page(hits, offset=5, total=12), page_size=5, search_id=9
    )
    assert "12 matches for “w” · page 2 of 3" in visible(text)
    assert "6. T6" in visible(text)
    assert buttons(markup)[-2:] == [("◂ Previous", "srs:9:1"), ("Next ▸", "srs:9:3")]
    assert buttons(markup)[0] == ("6", "art:6")


def test_many_matches_say_how_many_are_ranked() -> None:
    hits = [SearchHit(article(1, "T"), "T", "", -1.0)]
    result = SearchPage(tuple(hits), 0, 1000, more=True, ranked=200)
    text, _ = render.results(EN, "film", result, page_size=5, search_id=4)
    assert "1,000+ matches for “film” · page 1 of 40" in visible(text)
    assert "The best of the newest 200 are shown." in visible(text)


def test_nothing_found_with_and_without_a_suggestion() -> None:
    text, markup = render.nothing_found(EN, "<b>&", None, None)
    assert markup is None
    assert visible(text).startswith("Nothing found for “<b>&”. Try fewer")
    text, markup = render.nothing_found(EN, "fesival", "festival", 12)
    assert visible(text) == "Nothing found for “fesival”. Did you mean festival?"
    assert buttons(markup) == [("🔎 festival", "srs:12:1")]


def test_a_page_of_long_hits_fits_in_one_message() -> None:
    long_title = "Title " * 400
    hits = [
        SearchHit(
            article(n, long_title, "Body " * 2000), long_title, mark("w") + " x" * 3000, -1.0
        )
        for n in range(1, 6)
    ]
    text, _ = render.results(EN, "w" * 60, page(hits), page_size=5, search_id=1)
    assert utf16_len(text) <= 4096
    visible(text)
    assert all(
        len(data.encode()) <= 64
        for _, data in buttons(
            render.results(EN, "w", page(hits, total=10**6), page_size=5, search_id=10**17)[1]
        )
    )
