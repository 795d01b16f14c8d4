"""`filmnews fetch [NAME...]` against a local feed server: what it prints, its exit code, what
it keeps, and its lock beside the database."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import fetch_command
from bot.config import Settings
from bot.live import WORKER_FROM, fetch_once, poll, sync_file
from storage import Store
from storage.runner_locks import FileLock
from tests.bank_server import serve_banks
from tests.source_server import Item, SourceServer, many_items, rss, serving, sources_file

NBK_DAY = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)  # 11:00 in Almaty, the payloads' day


@pytest.fixture
async def site() -> AsyncIterator[SourceServer]:
    async with serving() as running:
        yield running


def settings_for(tmp_path: Path, sources: Path | None) -> Settings:
    return Settings(database=tmp_path / "data" / "filmnews.db", sources=sources)


async def filmnews(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """``python -m bot ARGS`` as a subprocess, while this loop keeps serving the feeds."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FILMNEWS_", "TELEGRAM_"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env={**clean, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_fetch_prints_what_each_source_added_and_exits_1_naming_the_failing_one(
    tmp_path: Path, site: SourceServer
) -> None:
    site.put("/good/feed/", rss("Good desk", many_items(2, "good")))
    site.fail("/bad/feed/", "500")
    toml = sources_file(
        tmp_path / "sources.toml",
        {"good": site.url("/good/feed/"), "bad": site.url("/bad/feed/")},
    )
    database = tmp_path / "data" / "filmnews.db"
    env = {"FILMNEWS_DATABASE": str(database), "FILMNEWS_SOURCES": str(toml)}

    code, out, err = await filmnews("fetch", env=env)

    assert code == 1
    assert "good: 2 articles added, 0 completed" in out
    assert "  + good film news 2" in out
    assert "bad: FAILED: HTTP 500" in out
    assert "Total: 2 articles and 0 rates added from 2 sources; 1 failed." in out
    assert "filmnews fetch: bad failed: HTTP 500" in err
    store = await Store.open(database)
    try:
        assert await store.articles.count() == 2  # the healthy source's articles are kept
    finally:
        await store.close()

    site.put("/bad/feed/", rss("Bad desk, mended", many_items(1, "bad")))
    code, out, err = await filmnews("fetch", env=env)

    assert code == 0, err
    assert "good: not modified since the last fetch" in out
    assert "bad: 1 article added" in out
    assert site.hits("/good/feed/")[-1]["If-None-Match"]


async def test_fetch_by_name_and_an_unknown_name(tmp_path: Path, site: SourceServer) -> None:
    site.put("/a", rss("A", many_items(1, "a")))
    site.put("/b", rss("B", many_items(1, "b")))
    settings = settings_for(
        tmp_path, sources_file(tmp_path / "s.toml", {"a": site.url("/a"), "b": site.url("/b")})
    )

    result = await fetch_once(settings, ["b", "zz"])

    assert result is not None
    outcomes, unknown = result
    assert [outcome.name for outcome in outcomes] == ["b"]
    assert unknown == ["zz"]
    assert not site.hits("/a")
    assert await fetch_command(settings, ["b"]) == 0
    assert await fetch_command(settings, ["zz"]) == 1


async def test_fetch_waits_for_another_fetcher_of_the_same_database(
    tmp_path: Path, site: SourceServer
) -> None:
    site.put(
        "/a", rss("A", [Item("One", "https://example.org/1", many_items(1, "x")[0].published)])
    )
    settings = settings_for(tmp_path, sources_file(tmp_path / "s.toml", {"a": site.url("/a")}))
    held = FileLock.beside(settings.database, "fetch")
    assert await held.acquire()
    try:
        assert await fetch_once(settings, [], lock_wait=0) is None
        assert not site.hits("/a")
    finally:
        await held.release()
    assert await fetch_once(settings, [], lock_wait=0) is not None


async def test_fetch_with_a_bad_sources_file_or_sources_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "s.toml"
    bad.write_text("[[feeds]]\nname = 'x'\n", "utf-8")

    assert await fetch_command(settings_for(tmp_path, bad), []) == 2
    assert await fetch_command(settings_for(tmp_path, None), []) == 2

    err = capsys.readouterr().err
    assert "s.toml: feeds entry 1: url is missing" in err
    assert "live sources are off" in err


async def test_fetch_brings_feeds_and_bank_rates_and_a_second_run_adds_nothing(
    tmp_path: Path, site: SourceServer
) -> None:
    site.put("/desk/feed/", rss("Desk", many_items(3, "desk")))
    async with serve_banks() as banks:
        toml = sources_file(
            tmp_path / "sources.toml",
            {"desk": site.url("/desk/feed/")},
            {"nbk": banks.url("/nbk/get_rates.cfm"), "cbu": banks.url("/cbu/")},
        )
        settings = replace(settings_for(tmp_path, toml), timezone=ZoneInfo("Asia/Almaty"))
        store = await Store.open(settings.database)
        try:
            await sync_file(store, toml)
            # The recorded payloads are of 1 April 2026: fetch as on that day.
            first = await poll(settings, store, await store.sources.all(), clock=lambda: NBK_DAY)
            again = await poll(settings, store, await store.sources.all(), clock=lambda: NBK_DAY)
            kzt = [rate for rate in await store.rates.latest() if rate.currency == "KZT"]
            uzs = [rate for rate in await store.rates.latest() if rate.currency == "UZS"]
        finally:
            await store.close()

    added = {o.name: (len(o.added), o.rates, o.error) for o in first}
    assert added["desk"] == (3, 0, None)
    assert added["nbk"][2] is None
    assert added["cbu"][2] is None
    assert added["nbk"][1] > 0
    assert added["cbu"][1] > 0
    assert [(o.name, len(o.added), o.rates, o.error) for o in again] == [
        ("desk", 0, 0, None),
        ("cbu", 0, 0, None),
        ("nbk", 0, 0, None),
    ]
    assert again[0].not_modified
    assert [(rate.source, rate.as_of) for rate in kzt] == [("nbk", NBK_DAY.date())]
    assert [rate.source for rate in uzs] == ["cbu"]


async def test_a_round_of_several_feeds_is_parsed_in_a_worker_process(
    tmp_path: Path, site: SourceServer
) -> None:
    urls = {f"d{n}": site.put(f"/d{n}", rss(f"D{n}", many_items(2, f"d{n}"))) for n in range(3)}
    settings = settings_for(tmp_path, sources_file(tmp_path / "s.toml", urls))
    assert len(urls) >= WORKER_FROM

    result = await fetch_once(settings, [])

    assert result is not None
    assert sorted(len(outcome.added) for outcome in result[0]) == [2, 2, 2]
