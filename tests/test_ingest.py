"""Ingest of the shipped seeds and of pages written here, into a real SQLite file."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.newsroom.ingest import IngestReport, ingest
from bot.newsroom.mentions import MentionFinder
from storage import Store
from storage.articles import AddOutcome
from storage.models import Festival
from tests.conftest import SEEDS

TITLES = {
    "Kazakh Producer Yulia Kim: “We Are Closing the Gap Between Central Asia and World Cinema”",
    "Kazakh-Spanish Film La Tregua to Premiere on Netflix",
    "Kazakh Film Brings History and Culture to the 2nd Golden Panda Awards",
    "Kyrgyzstan: Film Festival Showcases Central Asian Talent, New and Old",
    "Film About Turkmen Poet Wins International Award in London",
    "Where East Meets West: Seventh Eurasian Film Festival Celebrates Cinema in London",
    "Uzbekistan’s Supreme Court Vacates Convictions of 198 Victims of Stalinist Repressions",
}
CURRENCIES = ["KGS", "KZT", "TJS", "TMT", "UZS"]


def page(day: str, articles: list[tuple[str, str]], rates: str = "") -> str:
    """A listing page in the seed format."""
    ticker = "".join(f"  • {line}\n" for line in rates.splitlines() if line.strip())
    body = "\n\n".join(f"{title}\n\n{text}" for title, text in articles)
    return f"{ticker}{day}\n\nViewing results 1 - {len(articles)} of 9\n\n{body}\n"


async def festivals_of(store: Store, title_start: str) -> set[str]:
    """The names of the festivals linked to the article whose title starts so."""
    [article] = [a for a in await store.articles.latest(100) if a.title.startswith(title_start)]
    return {
        (await store.festivals.get(i)).name for i in await store.articles.festival_ids(article.id)
    }


@pytest.fixture
async def seeded(store: Store) -> IngestReport:
    """The store after ingesting the shipped seeds once."""
    return await ingest(store, [SEEDS])


async def test_the_seeds_give_seven_distinct_articles(store: Store, seeded: IngestReport) -> None:
    assert seeded.errors == []
    assert seeded.count(AddOutcome.ADDED) == 7
    assert await store.articles.count() == 7
    articles = await store.articles.latest(100)
    assert {article.title for article in articles} == TITLES
    assert all("[caption" not in a.body and "[/caption]" not in a.body for a in articles)
    assert all(a.source.startswith("seed:") for a in articles)
    # The newest page's new article is the newest article.
    assert articles[0].title.startswith("Uzbekistan’s Supreme Court")
    assert articles[0].seen_on == date(2026, 2, 13)


async def test_the_seeds_give_five_rates_on_two_days(store: Store, seeded: IngestReport) -> None:
    assert seeded.rates_added == 10
    latest = await store.rates.latest()
    assert [rate.currency for rate in latest] == CURRENCIES
    assert {rate.as_of for rate in latest} == {date(2026, 2, 13)}
    for currency in CURRENCIES:
        history = await store.rates.history(currency)
        assert [rate.as_of for rate in history] == [date(2026, 2, 13), date(2026, 2, 7)]
    tjs = await store.rates.history("TJS")
    assert [(r.value, r.change_pct) for r in tjs] == [
        (Decimal("0.10598"), Decimal("-0.19")),
        (Decimal("0.10661"), Decimal("0")),
    ]
    assert str((await store.rates.history("UZS"))[0].value) == "0.00008"
    assert str((await store.rates.history("TMT"))[0].value) == "0.28490"


async def test_articles_are_linked_to_the_festivals_they_name(
    store: Store, seeded: IngestReport
) -> None:
    assert await store.festivals.count() == 9
    assert await festivals_of(store, "Kazakh Film Brings") == {"Golden Panda Awards"}
    assert await festivals_of(store, "Kyrgyzstan: Film Festival") == {
        "Bishkek International Film Festival"
    }
    assert await festivals_of(store, "Film About Turkmen Poet") == {
        "Eurasian Creative Guild Film Festival"
    }
    assert await festivals_of(store, "Where East Meets West") == {
        "Eurasian Film Festival",
        "Romford Film Festival",
    }
    assert await festivals_of(store, "Kazakh-Spanish Film") == {
        "San Sebastian International Film Festival"
    }
    assert await festivals_of(store, "Kazakh Producer Yulia Kim") == {
        "Post Space",
        "Locarno Film Festival",
        "Lisbon Film Festival",
    }
    assert await festivals_of(store, "Uzbekistan’s Supreme Court") == set()
    assert seeded.links == 9


async def test_a_second_run_adds_nothing(store: Store, seeded: IngestReport) -> None:
    again = await ingest(store, [SEEDS])
    assert again.errors == []
    assert (again.count(AddOutcome.ADDED), again.count(AddOutcome.UPDATED)) == (0, 0)
    assert again.count(AddOutcome.SKIPPED) == seeded.count(AddOutcome.SKIPPED) + 7
    assert (again.rates_added, again.links) == (0, 0)
    assert await store.articles.count() == 7
    assert await store.festivals.count() == 9
    [festival_file] = [report for report in again.files if report.path.suffix == ".toml"]
    assert (len(festival_file.festivals_added), len(festival_file.festivals_updated)) == (0, 9)


async def test_each_page_is_logged(store: Store, seeded: IngestReport) -> None:
    last = await store.ingest_runs.last()
    assert last is not None
    assert last.source == str(SEEDS / "001_b13eb6fc9ebbb45b.txt")  # the undated page comes last
    assert (last.articles_added, last.articles_skipped, last.rates_added) == (0, 1, 0)


async def test_a_bad_page_is_reported_and_written_nowhere(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    shutil.copytree(SEEDS, folder)
    (folder / "005_bad.txt").write_text(
        page(
            "20 February 2026",
            [("Unique title of the bad page", "A body that must not be stored.")],
            "KGS/USD = 0.02 0%\nKZT/USD = zero -1%",
        ),
        encoding="utf-8",
    )
    report = await ingest(store, [folder])
    [error] = report.errors
    assert error.startswith("005_bad.txt:2:")
    assert "ticker" in error
    assert await store.articles.count() == 7
    assert await store.search.hits("unique bad page") == []
    assert {rate.as_of for rate in await store.rates.latest()} == {date(2026, 2, 13)}
    [bad] = [file for file in report.files if file.error]
    assert bad.path == folder / "005_bad.txt"
    assert bad.articles == []


async def test_a_page_that_fails_to_write_writes_nothing_and_spares_the_others(
    store: Store, tmp_path: Path
) -> None:
    # Pages are written several to a transaction; a page the database refuses must still be
    # all or nothing. A real trigger makes SQLite refuse one title.
    await store.db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN new.title = 'Refused' "
        "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"
    )
    (tmp_path / "a.txt").write_text(page("01 March 2026", [("Kept before", "A.")]), "utf-8")
    (tmp_path / "b.txt").write_text(
        page(
            "02 March 2026", [("Lost with its page", "B."), ("Refused", "C.")], "KGS/USD = 0.02 0%"
        ),
        "utf-8",
    )
    (tmp_path / "c.txt").write_text(page("03 March 2026", [("Kept after", "D.")]), "utf-8")
    report = await ingest(store, [tmp_path])
    [error] = report.errors
    assert error.startswith("b.txt: ")
    assert "refused by a test trigger" in error
    assert [(f.path.name, f.count(AddOutcome.ADDED)) for f in report.files] == [
        ("a.txt", 1),
        ("b.txt", 0),
        ("c.txt", 1),
    ]
    assert [a.title for a in await store.articles.latest(5)] == ["Kept after", "Kept before"]
    assert await store.rates.latest() == []
    last = await store.ingest_runs.last()
    assert last is not None
    assert last.source == str(tmp_path / "c.txt")


async def test_a_title_without_body_names_its_line(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(page("20 February 2026", [("Fine", "Body.")]) + "\nOrphan title\n", "utf-8")
    report = await ingest(store, [bad])
    [error] = report.errors
    assert error.startswith("bad.txt:9:")
    assert await store.articles.count() == 0


async def test_a_cut_article_is_completed_by_a_later_page(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        page("01 March 2026", [("Snow leopard film", "The story begins...")]), "utf-8"
    )
    (tmp_path / "b.txt").write_text(
        page("02 March 2026", [("Snow Leopard Film", "The story begins and ends.")]), "utf-8"
    )
    report = await ingest(store, [tmp_path])
    assert [(f.count(AddOutcome.ADDED), f.count(AddOutcome.UPDATED)) for f in report.files] == [
        (1, 0),
        (0, 1),
    ]
    [article] = await store.articles.latest(5)
    assert (article.body, article.truncated) == ("The story begins and ends.", False)


async def test_pages_go_oldest_first_and_each_bottom_up(store: Store, tmp_path: Path) -> None:
    (tmp_path / "1.txt").write_text(
        page("05 March 2026", [("Newest on the new page", "B."), ("Older on it", "A.")]), "utf-8"
    )
    (tmp_path / "2.txt").write_text(page("04 March 2026", [("From the old page", "C.")]), "utf-8")
    await ingest(store, [tmp_path / "1.txt", tmp_path / "2.txt"])
    assert [a.title for a in await store.articles.latest(5)] == [
        "Newest on the new page",
        "Older on it",
        "From the old page",
    ]


async def test_cyrillic_pages_are_ingested_and_searchable(store: Store, tmp_path: Path) -> None:
    (tmp_path / "ru.txt").write_text(
        page(
            "14 February 2026",
            [("Кыргызское кино в Берлине", "Фильм «Чёрный, чёрный человек» покажут...")],
            "KGS/USD = 0.01145 +0.09%",
        ),
        "utf-8",
    )
    report = await ingest(store, [tmp_path])
    assert report.errors == []
    [hit] = await store.search.hits("берлине")
    assert (hit.article.title, hit.article.truncated) == ("Кыргызское кино в Берлине", True)
    [kgs] = await store.rates.latest()
    assert (kgs.value, kgs.change_pct, kgs.as_of) == (
        Decimal("0.01145"),
        Decimal("0.09"),
        date(2026, 2, 14),
    )


async def test_a_conflicting_festivals_file_is_refused_whole(store: Store, tmp_path: Path) -> None:
    (tmp_path / "festivals.toml").write_text(
        '[[festival]]\nname = "Golden Panda Awards"\naliases = ["Golden Panda"]\n\n'
        '[[festival]]\nname = "Silver Panda"\naliases = ["golden  panda"]\n',
        "utf-8",
    )
    report = await ingest(store, [tmp_path])
    [error] = report.errors
    assert "festivals.toml" in error
    assert "festival #2 (Silver Panda)" in error
    assert "festival #1 (Golden Panda Awards)" in error
    assert await store.festivals.count() == 0


async def test_a_duplicate_festival_name_is_refused(store: Store, tmp_path: Path) -> None:
    (tmp_path / "festivals.toml").write_text(
        '[[festival]]\nname = "Post Space"\n\n[[festival]]\nname = "POST SPACE"\ncity = "Osh"\n',
        "utf-8",
    )
    [error] = (await ingest(store, [tmp_path])).errors
    assert "'post space' is already used by festival #1" in error
    assert await store.festivals.count() == 0


async def test_a_malformed_festivals_file_names_the_file(store: Store, tmp_path: Path) -> None:
    (tmp_path / "festivals.toml").write_text('[[festival]]\nname = "Open\n', "utf-8")
    (tmp_path / "page.txt").write_text(page("01 March 2026", [("A title", "A body.")]), "utf-8")
    report = await ingest(store, [tmp_path])
    [error] = report.errors
    assert error.startswith(str(tmp_path / "festivals.toml"))
    assert await store.articles.count() == 1  # the good page is still ingested


async def test_a_missing_path_raises(store: Store, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        await ingest(store, [tmp_path / "nope"])


def festival(festival_id: int, name: str, *aliases: str) -> Festival:
    """A stored festival with only its names."""
    return Festival(festival_id, name, aliases, "festival", None, None, None, None, None, "")


FINDER = MentionFinder(
    [
        festival(1, "Golden Panda Awards", "Golden Panda"),
        festival(2, "Post Space", "Post Space film camp"),
        festival(
            3,
            "Eurasian Creative Guild Film Festival",
            "Eurasian Creative Guild (ECG) Film Festival",
        ),
        festival(4, "Lisbon Film Festival", "Lisbon & Sintra Film Festival"),
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Qash at the GOLDEN panda awards in Chengdu", [1]),
        ("the Golden\n  Panda, again", [1]),
        ("Golden Pandas are not it", []),
        ("a golden pandanus", []),
        ("Post Space 2025 and the post space film camp", [2]),
        ("a Post Spacecraft", []),
        ("won at the Eurasian Creative Guild (ECG) Film Festival", [3]),
        ("Lisbon & Sintra Film Festival; Golden Panda", [1, 4]),
        ("nothing here", []),
        ("", []),
    ],
)
def test_mentions_are_whole_names_in_any_case(text: str, expected: list[int]) -> None:
    assert FINDER.find(text) == expected


def test_mentions_look_in_every_text() -> None:
    assert FINDER.find("Golden Panda", "Post Space") == [1, 2]
    assert MentionFinder([]).find("Golden Panda") == []


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("News from Golden", "Panda Awards in Chengdu"), []),  # no name across two texts
        (("Golden Panda\0", "\0Post Space"), [1, 2]),  # a NUL of their own changes nothing
        (("Golden\0Panda", "Post\0 Space"), []),
        (("post space post space", "GOLDEN PANDA golden panda"), [1, 2]),
        (("Lisbon Film Festival", "the Eurasian Creative Guild Film Festival"), [3, 4]),
    ],
)
def test_mentions_are_found_in_each_text_alone(
    texts: tuple[str, ...], expected: list[int]
) -> None:
    assert FINDER.find(*texts) == expected
