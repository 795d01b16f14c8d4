"""A live-sources server on 127.0.0.1 for tests and benchmarks: feeds and bank payloads with
ETag/Last-Modified, and injected faults (500, timeout, garbage, slow, redirect loop)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestServer

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FEEDS = FIXTURES / "feeds"
RATES = FIXTURES / "rates"
LAST_MODIFIED = "Fri, 13 Feb 2026 09:12:44 GMT"
GARBAGE = b"\x00\x01 this is not XML at all <<<<"
HTML_PAGE = b"<!DOCTYPE html><html><head><title>Shop</title></head><body><p>Hi</p></body></html>"


@dataclass(frozen=True)
class Item:
    """One item of a feed written by ``rss``."""

    title: str
    link: str
    published: datetime
    text: str = "A paragraph about the film."


def rss(title: str, items: Sequence[Item], *, full: bool = True) -> bytes:
    """An RSS 2.0 feed (with ``content:encoded`` when ``full``; else a cut summary only)."""
    entries = []
    for item in items:
        body = f"<p>{html.escape(item.text)}</p>"
        content = (
            f"<content:encoded><![CDATA[{body}]]></content:encoded>"
            if full
            else f"<description><![CDATA[<p>{html.escape(item.text[:40])} […]</p>]]></description>"
        )
        entries.append(
            f"<item><title>{html.escape(item.title)}</title><link>{html.escape(item.link)}</link>"
            f"<pubDate>{format_datetime(item.published)}</pubDate>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{html.escape(title)}</title><link>https://example.org/</link>"
        f"{''.join(entries)}</channel></rss>"
    ).encode()


def many_items(count: int, prefix: str, day: datetime | None = None) -> list[Item]:
    """``count`` distinct items (titles ``{prefix} film news N``), newest first."""
    when = day or datetime(2026, 2, 13, 8, 0, tzinfo=UTC)
    return [
        Item(
            f"{prefix} film news {n}",
            f"https://example.org/{prefix}/{n}/",
            when,
            f"Story {n} of {prefix}: a premiere in Almaty, a jury in Bishkek. " * 6,
        )
        for n in range(count, 0, -1)
    ]


@dataclass
class Page:
    """What the server answers at one path."""

    body: bytes
    content_type: str = "application/rss+xml"
    etag: str | None = None


@dataclass
class SourceServer:
    """The running server: put pages, inject faults, read what was asked."""

    server: TestServer
    pages: dict[str, Page] = field(default_factory=dict)
    faults: dict[str, list[str]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)  # ends every hung reply
    _asked: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str) -> str:
        """The absolute URL of ``path``."""
        return str(self.server.make_url(path))

    def put(self, path: str, body: bytes, content_type: str = "application/rss+xml") -> str:
        """Serve ``body`` at ``path`` (its ETag changes with it); returns the URL."""
        etag = f'"{hashlib.sha1(body).hexdigest()[:12]}"'
        self.pages[path] = Page(body, content_type, etag)
        return self.url(path)

    def put_fixture(self, path: str, fixture: Path) -> str:
        """Serve a fixture file at ``path``; returns the URL."""
        kind = "application/json" if fixture.suffix == ".json" else "application/xml"
        return self.put(path, fixture.read_bytes(), kind)

    def fail(self, path: str, *faults: str) -> None:
        """The next requests of ``path`` fail, one fault each: ``500``, ``404``, ``timeout``
        (never answers), ``garbage``, ``html``, ``empty``, ``loop`` (redirects to itself, for
        good)."""
        self.faults.setdefault(path, []).extend(faults)

    def slow(self, path: str, seconds: float) -> None:
        """Answer ``path`` only after ``seconds``."""
        self.delays[path] = seconds

    def hits(self, path: str) -> list[dict[str, str]]:
        """The headers of every request of ``path``."""
        return [headers for seen, headers in self.requests if seen == path]

    async def reached(self, path: str, n: int = 1, within: float = 5.0) -> None:
        """Wait until ``path`` has been requested ``n`` times."""
        async with asyncio.timeout(within):
            while len(self.hits(path)) < n:
                self._asked.clear()
                await self._asked.wait()

    async def _hang(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.release.wait(), seconds)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.requests.append((path, dict(request.headers)))
        self._asked.set()
        if path in self.delays:
            await self._hang(self.delays[path])
        pending = self.faults.get(path)
        if pending:
            fault = pending.pop(0)
            match fault:
                case "timeout":
                    await self._hang(3600)
                    return web.Response(status=504, text="gave up")
                case "garbage":
                    return web.Response(body=GARBAGE, content_type="application/xml")
                case "html":
                    return web.Response(body=HTML_PAGE, content_type="text/html")
                case "empty":
                    return web.Response(body=b"", content_type="application/xml")
                case "loop":  # for good: every hop leads back here
                    pending.insert(0, fault)
                    raise web.HTTPFound(path)
                case status:
                    return web.Response(status=int(status), text="server error")
        page = self.pages.get(path)
        if page is None:
            return web.Response(status=404, text="not found")
        validators = {"ETag": page.etag or "", "Last-Modified": LAST_MODIFIED}
        if page.etag and request.headers.get("If-None-Match") == page.etag:
            return web.Response(status=304, headers=validators)
        return web.Response(body=page.body, headers=validators, content_type=page.content_type)


@asynccontextmanager
async def serving() -> AsyncIterator[SourceServer]:
    """A ``SourceServer`` on a free port of 127.0.0.1."""
    app = web.Application()
    holder: list[SourceServer] = []

    async def handle(request: web.Request) -> web.StreamResponse:
        return await holder[0]._handle(request)

    app.router.add_route("GET", "/{tail:.*}", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    site = SourceServer(server)
    holder.append(site)
    try:
        yield site
    finally:
        site.release.set()
        await server.close()


def sources_file(path: Path, feeds: dict[str, str], rates: dict[str, str] | None = None) -> Path:
    """Write a sources.toml naming ``feeds`` (name → URL) and ``rates`` (provider → URL)."""
    lines = [f'[[feeds]]\nname = "{name}"\nurl = "{url}"\n' for name, url in feeds.items()]
    lines += [
        f'[[rates]]\nprovider = "{provider}"\nurl = "{url}"\n'
        for provider, url in (rates or {}).items()
    ]
    path.write_text("\n".join(lines), "utf-8")
    return path
