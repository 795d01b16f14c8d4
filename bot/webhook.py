"""Webhook mode of ``filmnews run``: Telegram POSTs each update to ``FILMNEWS_LISTEN``.

A request is taken only with Telegram's secret token header (else 403, not read further), and
only the first delivery of an update id is handled, whichever process on the database gets it
(Telegram delivers again after a timeout or an error, possibly to another replica behind the
proxy). The registration is left to ``filmnews webhook set`` (bot/webhook_admin.py).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import ContextTypes
from tornado.httpserver import HTTPServer
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler

from bot.config import Settings
from bot.context import App
from bot.updates.dedupe import Dedupe
from bot.updates.runner import ThrottledLog, _reachable, _stop
from bot.webhook_admin import SECRET_HEADER, secret_of
from storage import StorageError

logger = logging.getLogger(__name__)

MAX_BODY = 1 << 20  # bytes; an update is a few kilobytes
PRUNE_EVERY = 3600.0  # seconds between two prunings of the update ids taken


class CannotListen(Exception):
    """FILMNEWS_LISTEN cannot be bound (in use, or not this machine's address)."""


class Receiver:
    """What a webhook request gets: checked, deduplicated, queued for the handlers."""

    def __init__(self, application: App, secret: str, dedupe: Dedupe) -> None:
        self._application = application
        self._secret = secret.encode()
        self._dedupe = dedupe
        self._refused = ThrottledLog()

    async def receive(self, secret: str | None, body: bytes, peer: str = "?") -> HTTPStatus:
        """The HTTP status to answer a request with ``secret`` in its header and ``body``."""
        if secret is None or not hmac.compare_digest(secret.encode(), self._secret):
            self._refused("refused a webhook request without the secret token (from %s)", peer)
            return HTTPStatus.FORBIDDEN
        try:
            data = json.loads(body)
            update_id = int(data["update_id"])
        except (ValueError, KeyError, TypeError):
            logger.warning("refused a webhook request that is not an update (from %s)", peer)
            return HTTPStatus.BAD_REQUEST
        try:
            first = await self._dedupe.first(update_id)
        except (StorageError, sqlite3.Error, ValueError) as error:
            # Not taken: Telegram delivers it again, here or to another replica.
            logger.warning("update %d not taken, left to Telegram to resend: %s", update_id, error)
            return HTTPStatus.SERVICE_UNAVAILABLE
        if first:
            update = Update.de_json(data, self._application.bot)
            await self._application.update_queue.put(update)
        else:
            logger.info("update %d delivered again: already taken, not handled twice", update_id)
        return HTTPStatus.OK


class _Handler(RequestHandler):
    """Tornado's side of the webhook: one POST, one status."""

    def initialize(self, receiver: Receiver) -> None:
        """Keep the receiver (Tornado calls this with the route's arguments)."""
        self._receiver = receiver

    async def post(self) -> None:
        """Answer Telegram's POST with the receiver's status and an empty body."""
        status = await self._receiver.receive(
            self.request.headers.get(SECRET_HEADER),
            self.request.body,
            self.request.remote_ip or "?",
        )
        self.set_status(status)
        await self.finish()


class WebhookServer:
    """The HTTP server on FILMNEWS_LISTEN, serving the webhook URL's path."""

    def __init__(self, receiver: Receiver, path: str) -> None:
        routes = [(path, _Handler, {"receiver": receiver})]
        # No access log: a line for every update would cost more than handling some of them.
        app = TornadoApplication(routes, log_function=_no_log)
        self._server = HTTPServer(app, max_body_size=MAX_BODY)

    def listen(self, host: str, port: int) -> None:
        """Start accepting connections; ``CannotListen`` when the address cannot be bound."""
        try:
            self._server.listen(port, address=host)
        except OSError as error:
            raise CannotListen(f"cannot listen on {host}:{port}: {error.strerror}") from error

    async def stop(self) -> None:
        """Stop accepting requests; wait for those being answered."""
        self._server.stop()
        await self._server.close_all_connections()


def _no_log(handler: RequestHandler) -> None:
    """Tornado's access log, left out."""


def url_path(url: str) -> str:
    """The path Telegram POSTs to: that of FILMNEWS_WEBHOOK_URL (``/`` when it has none)."""
    return urlsplit(url).path or "/"


async def run(settings: Settings, build: Callable[[Settings], App]) -> None:
    """``filmnews run`` in webhook mode: serve until SIGTERM or SIGINT, then stop gracefully."""
    url, listen = settings.webhook_url, settings.listen
    if url is None or listen is None:
        raise ValueError("webhook mode needs FILMNEWS_WEBHOOK_URL and FILMNEWS_LISTEN")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for number in signals:
        loop.add_signal_handler(number, stop.set)
    try:
        if await _reachable(settings, stop):
            await _serve(build(settings), settings, Endpoint(url, *listen), stop)
    finally:
        for number in signals:
            loop.remove_signal_handler(number)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where Telegram posts (the public URL) and where this process listens."""

    url: str
    host: str
    port: int


async def _serve(
    application: App, settings: Settings, endpoint: Endpoint, stop: asyncio.Event
) -> None:
    dedupe = Dedupe()
    server: WebhookServer | None = None
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        if stop.is_set():
            return
        await dedupe.open(settings.database)
        await _check_registration(application, endpoint.url)
        if application.job_queue is not None:
            application.job_queue.run_repeating(
                _pruning(dedupe), PRUNE_EVERY, name="forget old update ids"
            )
        server = WebhookServer(
            Receiver(application, secret_of(settings), dedupe), url_path(endpoint.url)
        )
        server.listen(endpoint.host, endpoint.port)
        await application.start()
        logger.info(
            "serving as @%s: webhook %s, listening on %s:%d",
            application.bot.username,
            endpoint.url,
            endpoint.host,
            endpoint.port,
        )
        await stop.wait()
        logger.info("stopping")
    finally:
        if server is not None:
            await server.stop()
        await _stop(application)
        await dedupe.close()


def _pruning(dedupe: Dedupe) -> Callable[[Any], Any]:
    async def prune(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Forget the update ids taken over a day ago."""
        await dedupe.prune()

    return prune


async def _check_registration(application: App, url: str) -> None:
    """Warn when Telegram sends the updates elsewhere (``filmnews webhook set`` not run yet)."""
    info = await application.bot.get_webhook_info()
    if info.url != url:
        logger.warning(
            "Telegram's webhook is %s, not FILMNEWS_WEBHOOK_URL (%s): no update comes here "
            "until `filmnews webhook set` is run",
            info.url or "not set",
            url,
        )
