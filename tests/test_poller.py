"""Polling live feeds against a real server on 127.0.0.1 into a real SQLite file: storage,
dedupe, completion, conditional requests, failures, backoff and the admins' alerts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.newsroom.ingest import ingest
from bot.newsroom.sources.http import build_client
from bot.newsroom.sources.outcomes import Alert, Outcome, Watch
from bot.newsroom.sources.poller import ALERT_AFTER, LAYOUT_CHANGED, Poller
from storage import Store
from storage.models import NewArticle, NewFestival
from storage.sources import Origin, SourceKind, SourceSpec, SourceState
from tests.conftest import SEEDS
from tests.source_server import FEEDS, Item, SourceServer, rss, serving


@pytest.fixture
def store(backend_store: Store) -> Store:
    """Each test on SQLite and on PostgreSQL."""
    return backend_store


ZONE = ZoneInfo("Asia/Almaty")
ADMINS = frozenset({42, 7})
START = datetime(2026, 2, 13, 9, 0, tzinfo=UTC)
ALERT_KIND = "source"


@dataclass
class Clock:
    """A clock the tests move."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def forward(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Desk:
    """A store, a source server and a poller, wired as the bot wires them."""

    store: Store
    site: SourceServer
    poller: Poller
    clock: Clock

    async def follow(self, name: str, path: str, every: timedelta = timedelta(minutes=30)) -> str:
        """Add a feed from the file at ``path`` of the server; returns its URL."""
        url = self.site.url(path)
        await self.store.sources.sync([SourceSpec(name, SourceKind.FEED, url, every)])
        return url

    async def poll(self, *names: str) -> list[Outcome]:
        """Poll the named sources now."""
        return await self.poller.poll([await self.store.sources.get(name) for name in names])

    async def alerts(self) -> list[tuple[int, str]]:
        """(chat, text) of every alert queued for the admins, oldest first."""
        rows = await self.store.db.fetch_all(
            "SELECT chat_id, text FROM outbox WHERE kind = ? ORDER BY id", (ALERT_KIND,)
        )
        return [(row[0], row[1]) for row in rows]


async def alert_text(alert: Alert, admin_ids: Sequence[int]) -> dict[int, str]:
    text = f"{alert.kind} {alert.source.name} after {alert.failures}: {alert.error}"
    return dict.fromkeys(admin_ids, text)


@pytest.fixture
async def desk(store: Store) -> AsyncIterator[Desk]:
    clock = Clock()
    async with (
        serving() as site,
        build_client(connect_timeout=1, read_timeout=0.5) as client,
    ):
        poller = Poller(
            store,
            client,
            zone=ZONE,
            watch=Watch(ADMINS, ALERT_KIND, alert_text),
            clock=clock,
        )
        yield Desk(store, site, poller, clock)


def item(n: int, text: str = "A paragraph about the film.", day: int = 13) -> Item:
    return Item(
        f"Film story {n}",
        f"https://example.org/story-{n}/",
        datetime(2026, 2, day, 8, tzinfo=UTC),
        text,
    )


async def titles(store: Store) -> list[str]:
    rows = await store.db.fetch_all("SELECT title FROM articles ORDER BY id")
    return [row[0] for row in rows]


async def test_feed_items_become_articles_with_title_link_date_text_and_source(desk: Desk) -> None:
    url = desk.site.put_fixture("/tag/cinema/feed/", FEEDS / "wordpress-tag-cinema.xml")
    await desk.follow("cinema", "/tag/cinema/feed/")

    [outcome] = await desk.poll("cinema")

    assert outcome.error is None
    assert len(outcome.added) == 3
    busan = next(a for a in await desk.store.articles.latest(10) if "Busan" in a.title)
    assert busan.title == "Kyrgyz Film “Black, Red, Yellow” Wins at Busan & Heads to Berlin"
    assert busan.url == "https://timesca.com/kyrgyz-film-black-red-yellow-wins-at-busan/"
    assert busan.seen_on == date(2026, 2, 13)
    assert busan.source == f"feed:{url}"
    assert "New Currents" in busan.body
    assert "<p>" not in busan.body
    assert not busan.truncated
    source = await desk.store.sources.get("cinema")
    assert source.state.last_added == 3
    assert source.state.total_added == 3
    assert source.state.failures == 0
    assert source.state.last_ok_at == START
    assert source.state.next_at == START + timedelta(minutes=30)


async def test_newest_item_gets_the_highest_id(desk: Desk) -> None:
    desk.site.put("/f", rss("Desk", [item(3), item(2), item(1)]))
    await desk.follow("f", "/f")
    await desk.poll("f")
    assert await titles(desk.store) == ["Film story 1", "Film story 2", "Film story 3"]


async def test_feed_items_are_linked_to_the_festivals_they_name(desk: Desk) -> None:
    festival, _ = await desk.store.festivals.upsert(
        NewFestival("Busan International Film Festival", aliases=("Busan",))
    )
    desk.site.put_fixture("/c", FEEDS / "wordpress-tag-cinema.xml")
    await desk.follow("cinema", "/c")
    await desk.poll("cinema")
    [article] = await desk.store.articles.mentioning(festival.id, 5)
    assert "Busan" in article.title


async def test_second_poll_is_conditional_and_adds_nothing(desk: Desk) -> None:
    desk.site.put("/f", rss("Desk", [item(2), item(1)]))
    await desk.follow("f", "/f")
    await desk.poll("f")
    desk.clock.forward(timedelta(minutes=31))

    [again] = await desk.poll("f")

    first, second = desk.site.hits("/f")
    assert "If-None-Match" not in first
    assert second["If-None-Match"] == desk.site.pages["/f"].etag
    assert second["If-Modified-Since"]
    assert again.not_modified
    assert again.added == ()
    assert await desk.store.articles.count() == 2
    assert (await desk.store.sources.get("f")).state.last_ok_at == desk.clock.now


async def test_the_same_items_fetched_in_full_again_are_stored_once(desk: Desk) -> None:
    desk.site.put("/f", rss("Desk", [item(2), item(1)]))
    await desk.follow("f", "/f")
    await desk.poll("f")
    desk.site.put("/f", rss("Desk v2", [item(3), item(2), item(1)]))  # new ETag: a full fetch

    [outcome] = await desk.poll("f")

    assert outcome.added == ("Film story 3",)
    assert await titles(desk.store) == ["Film story 1", "Film story 2", "Film story 3"]


async def test_an_item_in_two_feeds_is_stored_once(desk: Desk) -> None:
    desk.site.put("/a", rss("A", [item(1), item(2)]))
    desk.site.put("/b", rss("B", [item(2), item(3)]))
    await desk.follow("a", "/a")
    await desk.follow("b", "/b")

    outcomes = await desk.poll("a", "b")

    assert sorted(len(outcome.added) for outcome in outcomes) == [1, 2]
    assert sorted(await titles(desk.store)) == ["Film story 1", "Film story 2", "Film story 3"]


async def test_same_url_with_a_new_title_is_the_same_article(desk: Desk) -> None:
    desk.site.put("/f", rss("Desk", [item(1)]))
    await desk.follow("f", "/f")
    await desk.poll("f")
    retitled = replace(item(1), title="Film story 1 (updated)")
    desk.site.put("/f", rss("Desk", [retitled]))

    [outcome] = await desk.poll("f")

    assert outcome.added == ()
    assert await titles(desk.store) == ["Film story 1"]


async def test_an_item_on_a_seed_page_is_not_stored_again(desk: Desk) -> None:
    await ingest(desk.store, [SEEDS])
    before = await desk.store.articles.count()
    desk.site.put_fixture("/c", FEEDS / "wordpress-tag-cinema.xml")
    await desk.follow("cinema", "/c")

    [outcome] = await desk.poll("cinema")

    assert all("Yulia Kim" not in title for title in outcome.added)
    assert await desk.store.articles.count() == before + len(outcome.added) == before + 2
    rows = await desk.store.db.fetch_all(
        "SELECT source FROM articles WHERE title LIKE '%Yulia Kim%'"
    )
    assert [row[0] for row in rows] == [row[0] for row in rows if row[0].startswith("seed:")]
    assert len(rows) == 1


async def test_an_admin_post_is_not_stored_again_from_a_feed(desk: Desk) -> None:
    posted = await desk.store.articles.create(
        NewArticle("FILM STORY 1", "Written by the newsroom, in full.", "admin:42")
    )
    desk.site.put("/f", rss("Desk", [item(2), item(1)]))
    await desk.follow("f", "/f")

    [outcome] = await desk.poll("f")

    assert outcome.added == ("Film story 2",)
    assert (await desk.store.articles.get(posted.id)).body == "Written by the newsroom, in full."
    assert await desk.store.articles.count() == 2


async def test_a_cut_item_is_completed_when_a_feed_carries_the_full_text(desk: Desk) -> None:
    full_text = "The whole story of the premiere, from the first scene to the last ovation. " * 5
    desk.site.put("/cut", rss("Summaries", [item(1, full_text)], full=False))
    desk.site.put("/full", rss("Full", [item(1, full_text)]))
    await desk.follow("cut", "/cut")
    await desk.follow("full", "/full")
    await desk.poll("cut")
    [stored] = await desk.store.articles.latest(5)
    assert stored.truncated
    assert len(stored.body) < 100

    [outcome] = await desk.poll("full")

    assert outcome.completed == 1
    assert outcome.added == ()
    completed = await desk.store.articles.get(stored.id)
    assert not completed.truncated
    assert "last ovation" in completed.body


async def test_a_seed_article_without_url_takes_the_feeds_link_when_completed(desk: Desk) -> None:
    await desk.store.articles.add(NewArticle("Film story 1", "The start...", "seed:x.txt", True))
    desk.site.put("/f", rss("Full", [item(1, "The start and the whole rest of it. " * 4)]))
    await desk.follow("f", "/f")
    await desk.poll("f")
    [article] = await desk.store.articles.latest(1)
    assert article.url == "https://example.org/story-1/"
    assert "whole rest" in article.body


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ("500", "HTTP 500"),
        ("timeout", "timed out"),
        ("garbage", "not a feed"),
        ("html", "HTML page"),
        ("empty", "empty"),
        ("loop", "too many redirects"),
    ],
)
async def test_a_bad_fetch_is_recorded_and_writes_nothing(
    desk: Desk, fault: str, says: str
) -> None:
    desk.site.fail("/f", fault)
    await desk.follow("f", "/f")

    [outcome] = await desk.poll("f")

    assert outcome.error is not None
    assert says in outcome.error
    assert await desk.store.articles.count() == 0
    state = (await desk.store.sources.get("f")).state
    assert state.failures == 1
    assert state.last_error == outcome.error
    assert state.last_ok_at is None
    assert state.etag is None


async def test_an_xml_bomb_and_a_huge_feed_are_refused(desk: Desk) -> None:
    from tests.test_feeds import BILLION_LAUGHS

    desk.site.put("/bomb", BILLION_LAUGHS)
    desk.site.put("/huge", b"<rss>" + b" " * 5_100_000 + b"</rss>")
    await desk.follow("bomb", "/bomb")
    await desk.follow("huge", "/huge")

    bomb, huge = await desk.poll("bomb", "huge")

    assert bomb.error is not None
    assert "entities" in bomb.error
    assert huge.error is not None
    assert "larger than 5 MB" in huge.error
    assert await desk.store.articles.count() == 0


async def test_a_healthy_source_keeps_what_it_brought_beside_a_failing_one(desk: Desk) -> None:
    desk.site.put("/good", rss("Good", [item(1)]))
    desk.site.fail("/bad", "500")
    await desk.follow("good", "/good")
    await desk.follow("bad", "/bad")

    good, bad = await desk.poll("good", "bad")

    assert good.added == ("Film story 1",)
    assert bad.error == "HTTP 500"
    assert await titles(desk.store) == ["Film story 1"]


async def test_failures_back_off_and_alert_the_admins_once_then_once_on_recovery(
    desk: Desk,
) -> None:
    desk.site.put("/f", rss("Desk", [item(1)]))
    await desk.follow("f", "/f")
    desk.site.fail("/f", *["500"] * 5)
    waits = []
    for attempt in range(1, 6):
        [outcome] = await desk.poll("f")
        state = (await desk.store.sources.get("f")).state
        waits.append(state.next_at - desk.clock.now)
        assert state.failures == attempt
        assert (outcome.alert is not None) == (attempt == ALERT_AFTER)
        desk.clock.forward(timedelta(hours=1))

    # 30 min doubled per failure, at most 6 hours.
    assert waits == [timedelta(minutes=m) for m in (30, 60, 120, 240, 360)]
    alerts = await desk.alerts()
    assert alerts == [
        (7, "failing f after 3: HTTP 500"),
        (42, "failing f after 3: HTTP 500"),
    ]

    [recovered] = await desk.poll("f")
    [again] = await desk.poll("f")

    assert recovered.alert is not None
    assert again.alert is None
    assert recovered.added == ("Film story 1",)
    assert (await desk.alerts())[2:] == [
        (7, "recovered f after 5: HTTP 500"),
        (42, "recovered f after 5: HTTP 500"),
    ]
    state = (await desk.store.sources.get("f")).state
    assert state.failures == 0
    assert state.last_error is None
    assert not state.alerting


async def test_a_feed_that_used_to_have_items_and_now_has_none_alerts(desk: Desk) -> None:
    desk.site.put("/f", rss("Desk", [item(1)]))
    await desk.follow("f", "/f")
    await desk.poll("f")
    desk.site.put("/f", rss("Desk, redesigned", []))

    for _ in range(ALERT_AFTER):
        [outcome] = await desk.poll("f")
        assert outcome.error == LAYOUT_CHANGED

    assert [chat for chat, _ in await desk.alerts()] == [7, 42]
    assert "layout" in (await desk.alerts())[0][1]


async def test_a_new_feed_without_items_is_not_a_failure(desk: Desk) -> None:
    desk.site.put("/f", rss("Quiet desk", []))
    await desk.follow("f", "/f")
    [outcome] = await desk.poll("f")
    assert outcome.error is None
    assert not (await desk.store.sources.get("f")).state.yielded


async def test_rates_sources_call_the_rates_fetcher_with_the_provider_and_url(
    store: Store,
) -> None:
    calls: list[tuple[str, str | None, date, bool]] = []

    async def fetch_rates(
        client: httpx.AsyncClient,
        store: Store,
        provider: str,
        url: str | None,
        today: date,
        *,
        allow_private: bool = False,
    ) -> int:
        calls.append((provider, url, today, allow_private))
        return 5

    await store.sources.sync(
        [SourceSpec("nbk", SourceKind.RATES, "http://127.0.0.1:1/r", timedelta(hours=1), "nbk")]
    )
    async with build_client() as client:
        poller = Poller(store, client, zone=ZONE, rates=fetch_rates, clock=Clock())
        [outcome] = await poller.poll([await store.sources.get("nbk")])

    assert outcome.rates == 5
    assert outcome.error is None
    # The file's own sources may be on the operator's network; 09:00 UTC is 14:00 in Almaty.
    assert calls == [("nbk", "http://127.0.0.1:1/r", date(2026, 2, 13), True)]
    assert (await store.sources.get("nbk")).state.total_added == 5


async def test_admin_sources_on_private_addresses_are_refused_at_every_poll(desk: Desk) -> None:
    url = desk.site.put("/f", rss("Desk", [item(1)]))
    spec = SourceSpec("mine", SourceKind.FEED, url, timedelta(hours=1))
    source = await desk.store.sources.add(spec, 42, SourceState())
    assert source.origin is Origin.ADMIN

    [outcome] = await desk.poll("mine")

    assert outcome.error is not None
    assert "private address" in outcome.error
