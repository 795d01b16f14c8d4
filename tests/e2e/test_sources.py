"""Live sources in the running bot: polled into /latest, watched in /sources, alerts to the
admins, /addsource and /removesource, and readers never waiting for a slow source."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.live import JOB, LiveSources
from tests.e2e.conftest import ADMIN_ID, Launcher, RunningBot
from tests.source_server import Item, SourceServer, rss, serving, sources_file

READER = 5


def fresh(n: int, title: str | None = None) -> Item:
    """An item published now, so that it is the newest article of /latest."""
    return Item(
        title or f"Festival dispatch {n}",
        f"https://example.org/dispatch-{n}/",
        datetime.now(UTC) - timedelta(minutes=n),
        f"Dispatch {n} from the festival: a premiere, a jury, a prize.",
    )


@pytest.fixture
async def site() -> AsyncIterator[SourceServer]:
    async with serving() as running:
        yield running


@pytest.fixture
def sources_toml(tmp_path: Path, site: SourceServer) -> Path:
    site.put("/desk/feed/", rss("Film desk", [fresh(2), fresh(3)]))
    return sources_file(tmp_path / "sources.toml", {"desk": site.url("/desk/feed/")})


async def started_sources(bot: RunningBot) -> None:
    """Wait until the start job has read the file and fetched every source once."""
    async with asyncio.timeout(5):
        while True:
            listed = await bot.store.sources.all()
            if listed and all(source.state.last_fetch_at for source in listed):
                return
            await asyncio.sleep(0.01)


async def poll_now(bot: RunningBot) -> list[object]:
    """Make every source due and run the polling job as the job queue would."""
    for source in await bot.store.sources.all():
        await bot.store.sources.save(source.name, replace(source.state, next_at=None))
    [job] = bot.app.job_queue.get_jobs_by_name(JOB)  # type: ignore[union-attr]
    service = job.callback.__self__  # type: ignore[attr-defined]
    assert isinstance(service, LiveSources)
    # None: a round (the start's, or the minute job's) was still going; poll once it is over.
    async with asyncio.timeout(10):
        while (outcomes := await service.poll_due(bot.app)) is None:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    return outcomes  # type: ignore[return-value]


async def test_a_running_bot_picks_up_a_new_feed_item_into_latest(
    launch: Launcher, site: SourceServer, sources_toml: Path
) -> None:
    async with launch(sources=sources_toml) as bot:
        await started_sources(bot)
        first = await bot.private(READER).send("/latest")
        assert "Festival dispatch 2" in first.text

        site.put(
            "/desk/feed/", rss("Film desk", [fresh(1, "Golden Panda goes to Almaty"), fresh(2)])
        )
        await poll_now(bot)
        replies = await bot.private(READER).send("/latest")

    assert replies.texts[0].index("Golden Panda goes to Almaty") < replies.texts[0].index(
        "Festival dispatch 2"
    )
    assert site.hits("/desk/feed/")[-1].get("If-None-Match")  # asked conditionally


async def test_feed_articles_are_searchable_and_go_into_the_digest(
    launch: Launcher, site: SourceServer, sources_toml: Path
) -> None:
    async with launch(sources=sources_toml) as bot:
        await started_sources(bot)
        await bot.private(ADMIN_ID).send("/subscribe 08:30 Asia/Almaty")
        site.put("/desk/feed/", rss("Film desk", [fresh(1, "Tashkent jury names its winners")]))
        await poll_now(bot)
        found = await bot.private(READER).send("/search Tashkent jury")
        digest = await bot.private(ADMIN_ID).send("/digest")

    assert "Tashkent jury names its winners" in found.text
    assert "Tashkent jury names its winners" in digest.text


async def test_sources_shows_each_source_and_alerts_admins_once_then_on_recovery(
    launch: Launcher, site: SourceServer, sources_toml: Path
) -> None:
    async with launch(sources=sources_toml, admin_ids={ADMIN_ID, 43}) as bot:
        await started_sources(bot)
        site.fail("/desk/feed/", "500", "500", "500", "500")
        for _ in range(4):
            await poll_now(bot)
        await bot.emulator.wait_for_messages(43, 1)
        listing = await bot.private(ADMIN_ID).send("/sources")
        site.put("/desk/feed/", rss("Film desk", [fresh(4), fresh(2)]))
        await poll_now(bot)
        await poll_now(bot)
        await bot.emulator.wait_for_messages(43, 2)
        await bot.settle()

    assert "desk" in listing.text
    assert "4 failures in a row" in listing.text
    assert "HTTP 500" in listing.text
    assert "last fetch" in listing.text
    assert "2 items" in listing.text  # what the last good fetch added
    alerts = [message.plain for message in bot.emulator.sent(43)]
    assert len(alerts) == 2
    assert "failed 3 times in a row" in alerts[0]
    assert "HTTP 500" in alerts[0]
    assert "works again" in alerts[1]


async def test_sources_is_for_admins_only(launch: Launcher, sources_toml: Path) -> None:
    async with launch(sources=sources_toml) as bot:
        replies = await bot.private(READER).send("/sources")
        refused = await bot.private(READER).send("/addsource https://example.org/feed")
    assert "admins only" in replies.text
    assert "admins only" in refused.text


async def test_a_slow_source_never_delays_a_readers_reply(
    launch: Launcher, site: SourceServer, sources_toml: Path
) -> None:
    async with launch(sources=sources_toml) as bot:
        await started_sources(bot)
        site.slow("/desk/feed/", 3600)  # hangs until released
        polling = asyncio.create_task(poll_now(bot))
        await site.reached("/desk/feed/", 2)  # the start's fetch, then this one

        replies = await bot.private(READER).send("/latest")

        assert "Festival dispatch 2" in replies.text
        assert not polling.done()  # the reply came while the fetch still hung
        site.release.set()
        await polling


async def test_addsource_refuses_private_addresses_unless_allowed(
    launch: Launcher, site: SourceServer, sources_toml: Path
) -> None:
    url = site.put("/club/feed/", rss("Club", [fresh(5)]))
    async with launch(sources=sources_toml) as bot:
        await started_sources(bot)
        replies = await bot.private(ADMIN_ID).send(f"/addsource {url}")
        listed = [source.name for source in await bot.store.sources.all()]
    assert "Not added" in replies.text
    assert "private address" in replies.text
    assert listed == ["desk"]
    assert not site.hits("/club/feed/")  # refused before any request


async def test_addsource_refuses_what_is_not_a_feed(
    launch: Launcher, site: SourceServer, sources_toml: Path
) -> None:
    page = site.put("/shop", b"<!DOCTYPE html><html><body>Shop</body></html>", "text/html")
    async with launch(sources=sources_toml, private_sources=True) as bot:
        html = await bot.private(ADMIN_ID).send(f"/addsource {page}")
        bad = await bot.private(ADMIN_ID).send("/addsource not-a-url")
        count = len(await bot.store.sources.all())
    assert "HTML page" in html.text
    assert "not an http(s) address" in bad.text
    assert count == 1


async def test_addsource_then_removesource_and_both_survive_a_restart(
    launch: Launcher, site: SourceServer, sources_toml: Path
) -> None:
    url = site.put("/club/feed/", rss("Cinema <Club>", [fresh(5), fresh(6), fresh(7)]))
    async with launch(sources=sources_toml, private_sources=True) as bot:
        added = await bot.private(ADMIN_ID).send(f"/addsource {url} 2h")
        again = await bot.private(ADMIN_ID).send(f"/addsource {url}")
        latest = await bot.private(READER).send("/latest")
        removed = await bot.private(ADMIN_ID).send("/removesource desk")
        unknown = await bot.private(ADMIN_ID).send("/removesource nowhere")

    assert "Cinema <Club>" in added.text  # the feed's title, escaped as HTML
    assert "3 items" in added.text
    assert "every 2h" in added.text
    assert "already followed" in again.text
    assert "Festival dispatch 5" in latest.text
    assert "Removed desk" in removed.text
    assert "No source is named nowhere" in unknown.text

    async with launch(sources=sources_toml, private_sources=True) as restarted:
        await started_sources(restarted)
        listing = await restarted.private(ADMIN_ID).send("/sources")
    names = [line for line in listing.texts[0].splitlines() if " · " in line]
    assert len(names) == 1
    assert "127-0-0-1-club" in names[0]
    assert "every 2h" in names[0]


async def test_live_sources_off_says_so(launch: Launcher) -> None:
    async with launch(sources=None) as bot:
        listing = await bot.private(ADMIN_ID).send("/sources")
        refused = await bot.private(ADMIN_ID).send("/addsource https://example.org/feed/")
        assert not bot.app.job_queue.get_jobs_by_name(JOB)  # type: ignore[union-attr]
    assert "Live sources are off" in listing.text
    assert "Live sources are off" in refused.text
