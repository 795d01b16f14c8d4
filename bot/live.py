"""The live sources of a running bot and of ``filmnews fetch``: the sources file synced at
start, the due sources polled under the fetch lock, the admins' alerts queued in the outbox.

``bot.app`` schedules one ``LiveSources`` per application (no handler registers jobs); the
fetching itself is ``bot.newsroom.sources.poller``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.context import App, Context, application_of
from bot.delivery.kinds import OutboxKind
from bot.i18n import DEFAULT, Catalogs
from bot.newsroom.sources.http import build_client
from bot.newsroom.sources.outcomes import Alert, Outcome, Watch
from bot.newsroom.sources.poller import Poller, RatesFetcher, pick, utc_now
from bot.newsroom.sources.rates import fetch_rates
from bot.newsroom.sources.registry import read_sources
from bot.render import sources as render
from storage import Store
from storage.runner_locks import RunnerLock
from storage.sources import Source, SourceKind

logger = logging.getLogger(__name__)

JOB = "live sources"
TICK = timedelta(seconds=30)  # how often the due sources are looked for
STOP_POLL = 0.05  # how soon a fetch in progress notices that the application stops
LOCK = "fetch"  # the fetcher's runner lock: one fetcher per database
WORKER_FROM = 3  # feeds in one round from which they are parsed in a worker process


def fetch_lock(store: Store) -> RunnerLock:
    """The lock that keeps two processes from fetching the sources of one database at once."""
    return store.runner_lock(LOCK)


def rates_fetcher() -> RatesFetcher:
    """The banks' rates fetcher."""
    return fetch_rates


class AdminAlerts:
    """The alert in each admin's language (their /language choice, else English), rendered
    once per language."""

    def __init__(self, store: Store, catalogs: Catalogs) -> None:
        self.store = store
        self.catalogs = catalogs

    async def __call__(self, alert: Alert, admin_ids: Sequence[int]) -> Mapping[int, str]:
        chosen = await self.store.languages.get_many(admin_ids)
        by_language: dict[str, str] = {}
        texts = {}
        for admin_id in admin_ids:
            code = chosen.get(admin_id, DEFAULT)
            if code not in by_language:
                by_language[code] = render.alert(self.catalogs.get(code), alert)
            texts[admin_id] = by_language[code]
        return texts


def watch(settings: Settings, store: Store, catalogs: Catalogs) -> Watch:
    """Failing sources are reported to the admins through the outbox."""
    return Watch(settings.admin_ids, OutboxKind.SOURCE_ALERT, AdminAlerts(store, catalogs))


async def sync_file(store: Store, path: Path | None) -> list[str]:
    """Add the sources of the file that are new (``SourcesFileError`` if it is unusable)."""
    if path is None:
        return []
    if not await asyncio.to_thread(path.exists):
        logger.warning("no sources file at %s: only the sources admins added are fetched", path)
        return []
    specs = await asyncio.to_thread(read_sources, path)
    return await store.sources.sync(specs)


async def poll(
    settings: Settings,
    store: Store,
    sources: Sequence[Source],
    *,
    clock: Callable[[], datetime] = utc_now,
    parser: Executor | None = None,
    catalogs: Catalogs | None = None,
) -> list[Outcome]:
    """Fetch ``sources`` once and record how each went (feeds parsed in ``parser``, or in a
    worker process of their own when there are several; the admins' alerts in their languages,
    from ``catalogs``, loaded here if not given)."""
    if not sources:
        return []
    catalogs = catalogs or Catalogs.load()
    feeds = sum(1 for source in sources if source.spec.kind is SourceKind.FEED)
    with contextlib.ExitStack() as stack:
        if parser is None and feeds >= WORKER_FROM:
            parser = stack.enter_context(worker())
        async with build_client() as client:
            poller = Poller(
                store,
                client,
                zone=settings.timezone,
                private_sources=settings.private_sources,
                rates=rates_fetcher(),
                watch=watch(settings, store, catalogs),
                clock=clock,
                parser=parser,
            )
            return await poller.poll(sources)


def worker() -> ProcessPoolExecutor:
    """One process that parses feeds: a parse in a thread would hold the interpreter lock
    in turns with the event loop and make readers' replies wait (see bench/bench_sources.py)."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


class LiveSources:
    """The job that fetches what is due, every ``TICK``, in a running bot."""

    def __init__(self, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.clock = clock
        self._round = asyncio.Lock()  # a round still going when the next tick comes

    def schedule(self, application: App) -> None:
        """Sync the file and fetch what is due at start, then every ``TICK``; nothing when
        live sources are off."""
        if application.bot_data.settings.sources is None:
            return
        queue = application.job_queue
        if queue is None:
            raise RuntimeError("live sources need PTB's job queue")
        options = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
        queue.run_once(self.start, when=0, name=f"{JOB} start", job_kwargs=options)
        queue.run_repeating(self.tick, interval=TICK, first=TICK, name=JOB, job_kwargs=options)

    async def start(self, context: Context) -> None:
        """The start job: read the sources file, then fetch what is due."""
        application = application_of(context)
        settings = application.bot_data.settings
        try:
            added = await sync_file(application.bot_data.store, settings.sources)
        except ValueError as error:  # SourcesFileError: the bot still runs on what it has
            logger.error("live sources file not read: %s", error)
        else:
            if added:
                logger.info("live sources added from %s: %s", settings.sources, ", ".join(added))
        await self.poll_due(application)

    async def tick(self, context: Context) -> None:
        """The repeating job: fetch the sources that are due."""
        await self.poll_due(application_of(context))

    async def poll_due(self, application: App) -> list[Outcome] | None:
        """Fetch every due source (None when another process is fetching); a fetch in
        progress is abandoned, rolled back, when the application stops."""
        if self._round.locked():
            return None
        async with self._round:
            return await self._poll_due(application)

    async def _poll_due(self, application: App) -> list[Outcome] | None:
        settings = application.bot_data.settings
        store = application.bot_data.store
        lock = fetch_lock(store)
        try:  # released even when refused: a PostgreSQL lock holds a connection while it tries
            if not await lock.acquire():
                logger.info("another process is fetching the sources of this database")
                return None
            due = await store.sources.due(self.clock())
            catalogs = application.bot_data.catalogs
            cycle = asyncio.ensure_future(
                poll(settings, store, due, clock=self.clock, catalogs=catalogs)
            )
            while not cycle.done():
                await asyncio.wait({cycle}, timeout=STOP_POLL)
                if not application.running and not cycle.done():
                    cycle.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await cycle  # its transaction rolls back before the lock goes
                    logger.info("fetching stopped: the bot stops")
                    return None
            outcomes = cycle.result()
        finally:
            await lock.release()
        if any(outcome.alert for outcome in outcomes):
            application.bot_data.delivery.wake(application)
        return outcomes


LOCK_WAIT = 30.0  # seconds `filmnews fetch` waits for a fetch in another process to end


async def fetch_once(
    settings: Settings, names: Sequence[str], *, lock_wait: float = LOCK_WAIT
) -> tuple[list[Outcome], list[str]] | None:
    """``filmnews fetch [NAME...]``: sync the file, fetch the named sources (all without
    names); the outcomes and the names no source has, or None if another process kept
    fetching for ``lock_wait`` seconds. ``SourcesFileError`` for a bad sources file."""
    store = await Store.open(settings.store_location)
    try:
        await sync_file(store, settings.sources)
        lock = fetch_lock(store)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + lock_wait
        try:
            while not await lock.acquire():
                if loop.time() >= deadline:
                    return None
                await asyncio.sleep(0.2)
            chosen, unknown = pick(await store.sources.all(), names)
            return await poll(settings, store, chosen), unknown
        finally:
            await lock.release()
    finally:
        await store.close()
