"""The sources file and the sources table: the file only adds, admins' changes stay."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import SOURCES_FILE, ConfigError, Settings
from bot.newsroom.sources.registry import (
    SourcesFileError,
    format_every,
    name_for,
    parse_every,
    read_sources,
)
from storage import Store
from storage.errors import Conflict, NotFound
from storage.sources import Origin, SourceKind, SourceSpec, SourceState


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


HOUR = timedelta(hours=1)


def feed(name: str, url: str, every: timedelta = HOUR) -> SourceSpec:
    return SourceSpec(name, SourceKind.FEED, url, every)


def test_the_shipped_file_names_the_three_film_tags_and_the_five_banks() -> None:
    specs = read_sources(SOURCES_FILE)
    assert {spec.url for spec in specs if spec.kind is SourceKind.FEED} == {
        "https://timesca.com/tag/cinema/feed/",
        "https://timesca.com/tag/film-festival/feed/",
        "https://timesca.com/tag/kazakh-films/feed/",
    }
    assert sorted(spec.provider or "" for spec in specs if spec.kind is SourceKind.RATES) == [
        "cbt",
        "cbu",
        "nbk",
        "nbkr",
        "nbt",
    ]


def test_settings_default_to_the_shipped_file_and_none_turns_sources_off(tmp_path: Path) -> None:
    assert Settings.from_env({}, None).sources == SOURCES_FILE
    assert SOURCES_FILE.is_file()
    assert Settings.from_env({"FILMNEWS_SOURCES": "none"}, None).sources is None
    mine = tmp_path / "mine.toml"
    assert Settings.from_env({"FILMNEWS_SOURCES": str(mine)}, None).sources == mine
    assert not Settings.from_env({}, None).private_sources
    assert Settings.from_env({"FILMNEWS_PRIVATE_SOURCES": "allow"}, None).private_sources
    with pytest.raises(ConfigError, match="FILMNEWS_PRIVATE_SOURCES"):
        Settings.from_env({"FILMNEWS_PRIVATE_SOURCES": "sometimes"}, None)


@pytest.mark.parametrize(
    ("text", "every"),
    [("30m", timedelta(minutes=30)), ("1h", HOUR), ("90s", timedelta(seconds=90)),
     ("1h30m", timedelta(minutes=90)), ("2d", timedelta(days=2))],
)  # fmt: skip
def test_intervals(text: str, every: timedelta) -> None:
    assert parse_every(text) == every
    assert parse_every(format_every(every)) == every


@pytest.mark.parametrize("text", ["", "soon", "30", "10s", "8d", "1h and 2m", "-5m"])
def test_bad_intervals(text: str) -> None:
    with pytest.raises(ValueError, match="interval"):
        parse_every(text)


def test_names_made_from_addresses() -> None:
    url = "https://www.timesca.com/tag/cinema/feed/"
    assert name_for(url) == "timesca-com-tag-cinema"
    assert name_for(url, ["timesca-com-tag-cinema"]) == "timesca-com-tag-cinema-2"
    assert len(name_for("https://example.org/" + "x" * 200)) <= 40


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[feeds]]\nurl = 'https://a.example/feed'", "name is missing"),
        ("[[feeds]]\nname = 'A B'\nurl = 'https://a.example/'", "lower-case"),
        ("[[feeds]]\nname = 'a'\nurl = 'ftp://a.example/'", "not an http(s) URL"),
        ("[[feeds]]\nname = 'a'\nurl = 'https://a.example/'\nevery = 'often'", "every"),
        ("[[feeds]]\nname = 'a'\nurl = 'https://a.example/'\ncolour = 'red'", "unknown key"),
        ("[[rates]]\nprovider = 'ecb'", "unknown provider"),
        ("[[rates]]\nprovider = 'nbk'\n[[rates]]\nprovider = 'nbk'", "two sources"),
        ("[[sites]]\nname = 'a'", "unknown section"),
        ("[[feeds]\nname = ", "not valid TOML"),
    ],
)
def test_a_bad_sources_file_is_named_with_the_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(SourcesFileError, match=r"sources\.toml") as raised:
        read_sources(path)
    assert problem in str(raised.value)


async def test_sync_adds_new_sources_and_keeps_their_state(store: Store) -> None:
    assert await store.sources.sync([feed("a", "https://a.example/feed")]) == ["a"]
    await store.sources.save("a", SourceState(etag='"1"', total_added=4, failures=1))

    assert await store.sources.sync([feed("a", "https://a.example/feed")]) == []

    [source] = await store.sources.all()
    assert source.origin is Origin.FILE
    assert source.state.etag == '"1"'
    assert source.state.total_added == 4


async def test_the_file_can_move_its_own_source_which_forgets_old_validators(
    store: Store,
) -> None:
    await store.sources.sync([feed("a", "https://a.example/feed")])
    await store.sources.save("a", SourceState(etag='"1"', last_modified="yesterday"))

    await store.sources.sync([feed("a", "https://a.example/new-feed", timedelta(minutes=5))])

    source = await store.sources.get("a")
    assert source.spec.url == "https://a.example/new-feed"
    assert source.spec.every == timedelta(minutes=5)
    assert source.state.etag is None
    assert source.state.last_modified is None


async def test_a_removed_source_stays_removed_whatever_the_file_says(
    backend_location: Path | str,
) -> None:
    path = backend_location
    store = await Store.open(path)
    await store.sources.sync([feed("a", "https://a.example/feed"), feed("b", "https://b/")])
    await store.sources.remove("a")
    await store.close()

    reopened = await Store.open(path)  # a restart: the file is read again
    try:
        assert await reopened.sources.sync([feed("a", "https://a.example/feed")]) == []
        assert [source.name for source in await reopened.sources.all()] == ["b"]
        with pytest.raises(NotFound):
            await reopened.sources.get("a")
        with pytest.raises(NotFound):
            await reopened.sources.remove("a")
    finally:
        await reopened.close()


async def test_a_source_without_an_address_keeps_its_validators_and_the_order_is_binary(
    store: Store,
) -> None:
    bank = SourceSpec("nbk", SourceKind.RATES, None, HOUR, provider="nbk")
    names = ["b-feed", "B-feed", "a_feed", "a-feed", "ä-feed"]
    await store.sources.sync(
        [bank, *(feed(name, f"https://{i}.example/") for i, name in enumerate(names))]
    )
    await store.sources.save("nbk", SourceState(etag='"7"', last_modified="today"))

    await store.sources.sync([bank])

    source = await store.sources.get("nbk")
    assert (source.state.etag, source.state.last_modified) == ('"7"', "today")
    # Feeds first, then rates, each by name as SQLite's BINARY collation orders it.
    assert [s.name for s in await store.sources.all()] == [
        "B-feed",
        "a-feed",
        "a_feed",
        "b-feed",
        "ä-feed",
        "nbk",
    ]


async def test_the_file_never_overrides_an_admins_source(store: Store) -> None:
    await store.sources.add(feed("mine", "https://mine.example/feed"), 42, SourceState())

    await store.sources.sync([feed("mine", "https://elsewhere.example/feed")])

    source = await store.sources.get("mine")
    assert source.origin is Origin.ADMIN
    assert source.added_by == 42
    assert source.spec.url == "https://mine.example/feed"


async def test_an_admin_cannot_take_a_name_in_use_but_may_bring_back_a_removed_one(
    store: Store,
) -> None:
    await store.sources.sync([feed("a", "https://a.example/feed")])
    with pytest.raises(Conflict):
        await store.sources.add(feed("a", "https://other.example/"), 42, SourceState())
    await store.sources.remove("a")

    back = await store.sources.add(feed("a", "https://a.example/feed"), 7, SourceState())

    assert back.origin is Origin.ADMIN
    assert back.added_by == 7
    assert await store.sources.with_url("https://a.example/feed") == back
