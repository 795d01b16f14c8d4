"""A reverse proxy on 127.0.0.1 in front of webhook replicas, as a load balancer would be.

Each request goes to the next replica in turn; a replica that refuses the connection or drops
it is skipped for the next one (nginx's ``proxy_next_upstream error``), and when none answers
Telegram gets a 502 and delivers the update again later.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from types import TracebackType

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from tests.test_webhook_process import free_port


class Balancer:
    """``async with Balancer(ports) as balancer``: ``balancer.url`` spreads over the replicas."""

    def __init__(self, ports: Sequence[int], path: str = "/telegram") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}{path}"
        self.forwarded: list[int] = []  # the port each answered request went to
        self._path = path
        self._ports = list(ports)
        self._turn = itertools.cycle(range(len(self._ports)))
        self._session: ClientSession | None = None
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> Balancer:
        self._session = ClientSession(timeout=ClientTimeout(total=30))
        app = web.Application()
        app.router.add_post(self._path, self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host",)}
        first = next(self._turn)
        for offset in range(len(self._ports)):
            port = self._ports[(first + offset) % len(self._ports)]
            url = f"http://127.0.0.1:{port}{self._path}"
            try:
                async with self._session.post(url, data=body, headers=headers) as answer:
                    payload = await answer.read()
                    self.forwarded.append(port)
                    return web.Response(status=answer.status, body=payload)
            except (ClientError, OSError):
                continue
        return web.Response(status=502, text="no replica answered")
