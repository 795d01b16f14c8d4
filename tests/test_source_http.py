"""The sources' HTTP GET against a real aiohttp server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import re
import socket
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from aiohttp.typedefs import Handler

from bot.newsroom.sources.http import (
    USER_AGENT,
    Fetched,
    FetchError,
    _is_private,
    build_client,
    fetch,
    next_attempt,
)

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title></channel></rss>' * 40
ETAG = '"v1"'
LAST_MODIFIED = "Fri, 13 Feb 2026 09:12:44 GMT"


@dataclass
class Site:
    """The running test server, what it has been asked, and a switch to end slow replies."""

    server: TestServer
    requests: list[tuple[str, dict[str, str]]]
    release: asyncio.Event

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on the server."""
        return str(self.server.make_url(path))

    def hits(self, path: str) -> int:
        """How many requests reached ``path``."""
        return sum(1 for seen, _ in self.requests if seen == path)


def make_app(
    requests: list[tuple[str, dict[str, str]]], release: asyncio.Event
) -> web.Application:
    """The routes the tests fetch."""

    async def feed(request: web.Request) -> web.Response:
        validators = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304, headers=validators)
        if request.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return web.Response(status=304, headers=validators)
        return web.Response(body=FEED, headers=validators, content_type="application/rss+xml")

    async def bare_304(request: web.Request) -> web.Response:
        return web.Response(status=304)

    async def gzipped(request: web.Request) -> web.Response:
        return web.Response(body=gzip.compress(FEED), headers={"Content-Encoding": "gzip"})

    async def gzip_bomb(request: web.Request) -> web.Response:
        body = gzip.compress(b"\0" * 3_000_000)
        return web.Response(body=body, headers={"Content-Encoding": "gzip"})

    async def sized(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * int(request.match_info["n"]))

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            for _ in range(10):
                await response.write(b"y" * 500)
        except ConnectionResetError:
            pass
        return response

    async def slow(request: web.Request) -> web.Response:
        await _wait(release, 5.0)
        return web.Response(body=FEED)

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        try:
            while not release.is_set():
                await response.write(b"<")
                await _wait(release, 0.05)
        except ConnectionResetError:
            pass
        return response

    async def status(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]), text="nope")

    async def hops(request: web.Request) -> web.Response:
        left = int(request.match_info["n"])
        location = f"/hops/{left - 1}" if left > 0 else "/feed"
        return web.Response(status=302, headers={"Location": location})

    async def loop(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": "/loop"})

    async def to(request: web.Request) -> web.Response:
        return web.Response(status=307, headers={"Location": request.query["url"]})

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        requests.append((request.path, dict(request.headers)))
        return await handler(request)

    app = web.Application(middlewares=[record])
    app.add_routes(
        [
            web.get("/feed", feed),
            web.get("/bare-304", bare_304),
            web.get("/gzip", gzipped),
            web.get("/gzip-bomb", gzip_bomb),
            web.get("/sized/{n}", sized),
            web.get("/chunked", chunked),
            web.get("/slow", slow),
            web.get("/trickle", trickle),
            web.get("/status/{code}", status),
            web.get("/hops/{n}", hops),
            web.get("/loop", loop),
            web.get("/to", to),
        ]
    )
    return app


async def _wait(event: asyncio.Event, seconds: float) -> None:
    """Wait for ``event`` at most ``seconds``."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    """A fresh server on 127.0.0.1 for one test."""
    requests: list[tuple[str, dict[str, str]]] = []
    release = asyncio.Event()
    server = TestServer(make_app(requests, release), host="127.0.0.1")
    await server.start_server()
    yield Site(server, requests, release)
    release.set()
    await server.close()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The sources' client with short timeouts, so the slow tests stay fast."""
    async with build_client(connect_timeout=1.0, read_timeout=0.3) as made:
        yield made


async def get(client: httpx.AsyncClient, url: str, **options: object) -> Fetched:
    """fetch() with no validators and private addresses allowed (the server is on loopback)."""
    settings: dict[str, object] = {"etag": None, "last_modified": None, "allow_private": True}
    settings.update(options)
    return await fetch(client, url, **settings)  # type: ignore[arg-type]


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_feed_then_304_to_either_validator(site: Site, client: httpx.AsyncClient) -> None:
    first = await get(client, site.url("/feed"))
    assert (first.status, first.body, first.not_modified) == (200, FEED, False)
    assert (first.etag, first.last_modified) == (ETAG, LAST_MODIFIED)
    assert first.final_url == site.url("/feed")

    by_etag = await get(client, site.url("/feed"), etag=first.etag)
    by_date = await get(client, site.url("/feed"), last_modified=first.last_modified)
    for answer in (by_etag, by_date):
        assert (answer.status, answer.body, answer.not_modified) == (304, b"", True)
        assert (answer.etag, answer.last_modified) == (ETAG, LAST_MODIFIED)

    sent = [headers for path, headers in site.requests]
    assert all(headers["User-Agent"] == USER_AGENT for headers in sent)
    validators = [(h.get("If-None-Match"), h.get("If-Modified-Since")) for h in sent]
    assert validators == [(None, None), (ETAG, None), (None, LAST_MODIFIED)]


async def test_304_without_validators_keeps_the_ones_sent(
    site: Site, client: httpx.AsyncClient
) -> None:
    answer = await get(client, site.url("/bare-304"), etag='"old"', last_modified=LAST_MODIFIED)
    assert answer.not_modified
    assert (answer.etag, answer.last_modified) == ('"old"', LAST_MODIFIED)


def test_user_agent_names_the_bot_behind_a_browser_prefix() -> None:
    assert USER_AGENT.startswith("Mozilla/5.0 (compatible; filmnews/")


async def test_gzip_is_decoded(site: Site, client: httpx.AsyncClient) -> None:
    answer = await get(client, site.url("/gzip"))
    assert answer.body == FEED
    assert "gzip" in site.requests[0][1]["Accept-Encoding"]


async def test_body_exactly_at_the_cap_is_read(site: Site, client: httpx.AsyncClient) -> None:
    answer = await get(client, site.url("/sized/1000"), max_bytes=1000)
    assert answer.body == b"x" * 1000


@pytest.mark.parametrize(
    ("path", "cap", "message"),
    [
        ("/sized/1001", 1000, "larger than 1 kB"),
        ("/chunked", 1000, "larger than 1 kB"),
        ("/gzip-bomb", 1_000_000, "larger than 1 MB"),
    ],
)
async def test_bodies_over_the_cap_are_refused(
    site: Site, client: httpx.AsyncClient, path: str, cap: int, message: str
) -> None:
    with pytest.raises(FetchError, match=f"^{message}$"):
        await get(client, site.url(path), max_bytes=cap)


async def test_slow_reply_times_out_on_read(site: Site, client: httpx.AsyncClient) -> None:
    started = time.perf_counter()
    with pytest.raises(FetchError, match=r"^timed out after 0\.3 s$"):
        await get(client, site.url("/slow"))
    assert time.perf_counter() - started < 1.5


async def test_trickling_reply_hits_the_total_timeout(
    site: Site, client: httpx.AsyncClient
) -> None:
    started = time.perf_counter()
    with pytest.raises(FetchError, match=r"^timed out after 0\.5 s$"):
        await get(client, site.url("/trickle"), total_timeout=0.5)
    assert 0.4 < time.perf_counter() - started < 1.5


@pytest.mark.parametrize("code", [500, 503, 404, 403])
async def test_error_statuses_raise_with_the_status(
    site: Site, client: httpx.AsyncClient, code: int
) -> None:
    with pytest.raises(FetchError, match=f"^HTTP {code}$") as raised:
        await get(client, site.url(f"/status/{code}"))
    assert raised.value.status == code


async def test_five_redirects_are_followed(site: Site, client: httpx.AsyncClient) -> None:
    answer = await get(client, site.url("/hops/4"))
    assert answer.body == FEED
    assert answer.final_url == site.url("/feed")
    assert site.hits("/feed") == 1


async def test_a_sixth_redirect_is_refused(site: Site, client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError, match=r"^too many redirects \(5\)$"):
        await get(client, site.url("/hops/5"))
    assert site.hits("/feed") == 0


async def test_redirect_loop_stops_after_five(site: Site, client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError, match=r"^too many redirects \(5\)$"):
        await get(client, site.url("/loop"))
    assert site.hits("/loop") == 6


async def test_connection_refused(client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError, match=r"^could not connect: "):
        await get(client, f"http://127.0.0.1:{closed_port()}/feed")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://localhost/", "localhost (127.0.0.1)"),
        ("http://[::1]/feed", "::1"),
        ("http://10.1.2.3/feed", "10.1.2.3"),
        ("http://192.168.0.1/", "192.168.0.1"),
        ("http://172.16.5.4/", "172.16.5.4"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1"),
        ("http://0.0.0.0/", "0.0.0.0"),
        ("http://224.0.0.1/", "224.0.0.1"),
        ("https://[fe80::1]/", "fe80::1"),
        ("https://[fd12:3456::1]/", "fd12:3456::1"),
    ],
)
async def test_private_addresses_are_refused(
    client: httpx.AsyncClient, url: str, shown: str
) -> None:
    with pytest.raises(FetchError, match=r"^refused: ") as raised:
        await fetch(client, url, etag=None, last_modified=None)
    assert str(raised.value).startswith(f"refused: {shown}")
    assert str(raised.value).endswith("is a private address")


async def test_the_loopback_server_itself_is_refused_unless_allowed(
    site: Site, client: httpx.AsyncClient
) -> None:
    with pytest.raises(FetchError, match=r"^refused: 127\.0\.0\.1 is a private address$"):
        await fetch(client, site.url("/feed"), etag=None, last_modified=None)
    assert site.requests == []
    assert (await get(client, site.url("/feed"))).body == FEED


@pytest.mark.parametrize("url", ["ftp://example.org/feed.xml", "file:///etc/passwd"])
async def test_only_http_and_https(client: httpx.AsyncClient, url: str) -> None:
    with pytest.raises(FetchError, match=r"^refused: only http and https URLs"):
        await fetch(client, url, etag=None, last_modified=None, allow_private=True)


class FakeDns:
    """A resolver that calls localhost public, so the checks on redirect targets can be seen."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.table = {"localhost": ["93.184.215.14"], "intranet.test": ["192.168.1.5"]}

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        return self.table.get(host, [])


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("http://10.1.2.3/feed", "10.1.2.3"),
        ("http://intranet.test/feed", "intranet.test (192.168.1.5)"),
        ("http://[::ffff:192.168.1.1]/feed", "::ffff:192.168.1.1"),
    ],
)
async def test_redirects_to_private_addresses_are_refused(
    site: Site, client: httpx.AsyncClient, target: str, shown: str
) -> None:
    dns = FakeDns()
    start = site.url("/to").replace("127.0.0.1", "localhost")
    with pytest.raises(FetchError, match=f"^refused: {re.escape(shown)} ") as raised:
        await fetch(client, f"{start}?url={target}", etag=None, last_modified=None, resolve=dns)
    assert str(raised.value).endswith("is a private address")
    assert site.hits("/to") == 1  # the first hop was let through: the refusal is the target's
    assert dns.asked[0] == "localhost"


async def test_redirect_to_the_loopback_ip_is_refused_before_it_is_requested(
    site: Site, client: httpx.AsyncClient
) -> None:
    start = site.url("/to").replace("127.0.0.1", "localhost")
    target = site.url("/feed")
    with pytest.raises(FetchError, match=r"^refused: 127\.0\.0\.1 is a private address$"):
        await fetch(
            client, f"{start}?url={target}", etag=None, last_modified=None, resolve=FakeDns()
        )
    assert site.hits("/to") == 1
    assert site.hits("/feed") == 0


async def test_redirect_to_an_allowed_host_is_followed(
    site: Site, client: httpx.AsyncClient
) -> None:
    dns = FakeDns()
    start = site.url("/to").replace("127.0.0.1", "localhost")
    target = site.url("/feed").replace("127.0.0.1", "localhost")
    answer = await fetch(
        client, f"{start}?url={target}", etag=None, last_modified=None, resolve=dns
    )
    assert answer.body == FEED
    assert answer.final_url == target
    assert dns.asked == ["localhost", "localhost"]


async def test_unresolvable_host_is_a_fetch_error(client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError, match=r"^could not connect: cannot resolve nowhere\.test"):
        await fetch(
            client, "http://nowhere.test/", etag=None, last_modified=None, resolve=FakeDns()
        )


@pytest.mark.parametrize(
    ("address", "private"),
    [
        ("8.8.8.8", False),
        ("93.184.215.14", False),
        ("::ffff:8.8.8.8", False),
        ("2a00:1450:4001:82b::200e", False),
        ("127.0.0.2", True),
        ("::ffff:10.0.0.1", True),
        ("64:ff9b::a00:1", True),  # NAT64 of 10.0.0.1
        ("2002:c0a8:101::1", True),  # 6to4 of 192.168.1.1
        ("100.64.0.1", True),  # carrier-grade NAT
        ("239.1.2.3", True),
        ("ff02::1", True),
        ("::", True),
        ("fe80::1%eth0", True),
    ],
)
def test_address_classification(address: str, private: bool) -> None:
    assert _is_private(address) is private


async def test_build_client_defaults() -> None:
    async with build_client() as made:
        assert (made.timeout.connect, made.timeout.read) == (5.0, 15.0)
        assert made.headers["User-Agent"] == USER_AGENT
        assert made.follow_redirects is False


@pytest.mark.parametrize(
    ("failures", "interval", "expected"),
    [
        (0, timedelta(minutes=15), timedelta(minutes=15)),
        (1, timedelta(minutes=15), timedelta(minutes=15)),
        (2, timedelta(minutes=15), timedelta(minutes=30)),
        (4, timedelta(minutes=15), timedelta(hours=2)),
        (6, timedelta(minutes=15), timedelta(hours=6)),
        (10_000, timedelta(minutes=15), timedelta(hours=6)),
        (0, timedelta(days=1), timedelta(days=1)),
        (1, timedelta(days=1), timedelta(hours=6)),
    ],
)
def test_next_attempt_backs_off_to_six_hours(
    failures: int, interval: timedelta, expected: timedelta
) -> None:
    assert next_attempt(failures, interval) == expected
