"""Webhook mode of ``filmnews run``: Telegram POSTs each update to ``FILMNEWS_LISTEN``.

A request is taken only with Telegram's secret token header (else 403, not read further), and
only the first delivery of an update id is handled, whichever process on the database gets it
(Telegram delivers again after a timeout or an error, possibly to another replica behind the
proxy). An update is answered 200 only once it is kept in the update journal as this process's
to handle: if the process dies before handling it, another replays it (bot/updates/journal.py).
The registration is left to ``filmnews webhook set`` (bot/updates/webhook_admin.py).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
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
from bot.updates import runner
from bot.updates.concurrency import PerChatUpdateProcessor
from bot.updates.journal import UpdateJournal
from bot.updates.runner import ThrottledLog
from bot.updates.webhook_admin import SECRET_HEADER, secret_of
from storage import DATABASE_ERRORS

logger = logging.getLogger(__name__)

# An update not taken: the database failed, or is closed (ValueError).
_NOT_TAKEN: tuple[type[Exception], ...] = (*DATABASE_ERRORS, ValueError)

MAX_BODY = 1 << 20  # bytes; an update is a few kilobytes
PRUNE_EVERY = 3600.0  # seconds between two prunings of the updates handled
ORPHANS_EVERY = 60.0  # seconds between two looks for updates left by processes that are gone


class CannotListen(Exception):
    """FILMNEWS_LISTEN cannot be bound (in use, or not this machine's address)."""


class Receiver:
    """What a webhook request gets: checked, kept (once per update id), queued for the handlers."""

    def __init__(self, application: App, secret: str, journal: UpdateJournal) -> None:
        self._application = application
        self._secret = secret.encode()
        self._journal = journal
        self._refused = ThrottledLog()

    async def receive(self, secret: str | None, body: bytes, peer: str = "?") -> HTTPStatus:
        """The HTTP status to answer a request with ``secret`` in its header and ``body``."""
        if secret is None or not hmac.compare_digest(secret.encode(), self._secret):
            self._refused("refused a webhook request without the secret token (from %s)", peer)
            return HTTPStatus.FORBIDDEN
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise TypeError("not an object")
            update_id = int(data["update_id"])
        except (ValueError, KeyError, TypeError):
            logger.warning("refused a webhook request that is not an update (from %s)", peer)
            return HTTPStatus.BAD_REQUEST
        try:
            first = await self._journal.take(data)
        except _NOT_TAKEN as error:
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
    with runner.stop_signals() as stopped:
        if await runner.reachable(settings, stopped):
            await _serve(build(settings), settings, Endpoint(url, *listen), stopped)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where Telegram posts (the public URL) and where this process listens."""

    url: str
    host: str
    port: int


async def _serve(
    application: App, settings: Settings, endpoint: Endpoint, stopped: asyncio.Event
) -> None:
    processor = application.update_processor
    if not isinstance(processor, PerChatUpdateProcessor):
        raise TypeError("webhook mode needs the update processor that keeps the journal")
    server: WebhookServer | None = None
    await application.initialize()
    try:
        if application.post_init:  # opens the journal, queues what dead processes left
            await application.post_init(application)
        if stopped.is_set():
            return
        await _check_registration(application, endpoint.url)
        if application.job_queue is not None:
            application.job_queue.run_repeating(
                _pruning(processor.journal), PRUNE_EVERY, name="forget old updates"
            )
            application.job_queue.run_repeating(
                _replaying(processor.journal),
                ORPHANS_EVERY,
                name="replay updates of processes gone",
            )
        server = WebhookServer(
            Receiver(application, secret_of(settings), processor.journal), url_path(endpoint.url)
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
        await stopped.wait()
        logger.info("stopping")
    finally:
        if server is not None:
            await server.stop()
        await runner.stop(application)


def _pruning(journal: UpdateJournal) -> Callable[[Any], Any]:
    async def prune(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Forget the updates handled over a day ago."""
        if forgotten := await journal.prune():
            logger.debug("forgot %d updates handled over a day ago", forgotten)

    return prune


def _replaying(journal: UpdateJournal) -> Callable[[Any], Any]:
    async def replay(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle the updates that processes now gone took but never handled."""
        try:
            left = await journal.orphans()
        except DATABASE_ERRORS as error:
            logger.warning("could not look for updates left by processes gone: %s", error)
            return
        if left:
            logger.warning(
                "handling %d update(s) a process gone took but never handled", len(left)
            )
        for payload in left:
            await context.application.update_queue.put(Update.de_json(payload, context.bot))

    return replay


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
