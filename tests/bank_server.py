"""A server of the central banks' recorded payloads on 127.0.0.1, with faults to inject."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestServer

RATES = Path(__file__).resolve().parent / "fixtures" / "rates"


@dataclass
class Banks:
    """A server of bank payloads: path → (status, body); ``slow`` paths never answer in time."""

    server: TestServer
    pages: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    slow: set[str] = field(default_factory=set)
    agents: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        """The address of ``path`` on this server."""
        return str(self.server.make_url(path))

    async def handle(self, request: web.Request) -> web.Response:
        """Answer from ``pages`` (404 elsewhere), slowly for ``slow`` paths."""
        self.agents.append(request.headers.get("User-Agent", ""))
        if request.path in self.slow:
            await asyncio.sleep(5)
        status, body = self.pages.get(request.path, (404, b"Not Found"))
        return web.Response(status=status, body=body)


def recorded(name: str) -> bytes:
    """A recorded payload's bytes."""
    return (RATES / name).read_bytes()


@asynccontextmanager
async def serve_banks() -> AsyncIterator[Banks]:
    """The six recorded payloads at /nbk/, /nbkr/, /cbu/, /nbt/ and /cbt/ paths."""
    app = web.Application()
    server = TestServer(app, host="127.0.0.1")
    served = Banks(server)
    app.router.add_get("/{tail:.*}", served.handle)
    served.pages.update(
        {
            "/nbk/get_rates.cfm": (200, recorded("nbk-get_rates-2026-04-01.xml")),
            "/nbkr/daily.xml": (200, recorded("nbkr-daily-2026-07-03.xml")),
            "/nbkr/weekly.xml": (200, recorded("nbkr-weekly-2026-05-23.xml")),
            "/cbu/2026-04-01/": (200, recorded("cbu-all-2026-04-01.json")),
            "/nbt/export_xml.php": (200, recorded("nbt-2026-05-18.xml")),
            "/cbt/2026/20052026.xml": (200, recorded("cbt-2026-05-20.xml")),
        }
    )
    await server.start_server()
    try:
        yield served
    finally:
        await server.close()
