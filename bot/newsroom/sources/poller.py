"""Polling the live sources: fetch, store, keep each source's state, alert the admins once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol

import httpx

from bot.newsroom.sources.banks import BankPayloadError
from bot.newsroom.sources.feeds import Feed, FeedError, parse_feed
from bot.newsroom.sources.http import FetchError, fetch, next_attempt
from bot.newsroom.sources.intake import Intake, store_feed
from bot.newsroom.sources.outcomes import Alert, AlertKind, Outcome, Watch
from bot.newsroom.sources.registry import name_for
from storage import Store
from storage.outbox import Outgoing
from storage.sources import Origin, Source, SourceKind, SourceSpec, SourceState

logger = logging.getLogger(__name__)

ALERT_AFTER = 3  # consecutive failures before the admins hear of it
CONCURRENCY = 4  # sources fetched at once
LAYOUT_CHANGED = "it used to have items and now parses to none: has the feed's layout changed?"


class RatesFetcher(Protocol):
    """``bot.newsroom.sources.rates.fetch_rates``: store a bank's rates, return how many."""

    async def __call__(
        self,
        client: httpx.AsyncClient,
        store: Store,
        provider: str,
        url: str | None,
        today: date,
        *,
        allow_private: bool = False,
    ) -> int: ...


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


class Poller:
    """Fetches sources and records how each went; one per fetch run (or per running bot)."""

    def __init__(
        self,
        store: Store,
        client: httpx.AsyncClient,
        *,
        zone: tzinfo,
        private_sources: bool = False,
        rates: RatesFetcher | None = None,
        watch: Watch | None = None,
        clock: Callable[[], datetime] = utc_now,
        concurrency: int = CONCURRENCY,
        parser: Executor | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.zone = zone
        self.private_sources = private_sources
        self.rates = rates
        self.watch = watch
        self.clock = clock
        self._slots = asyncio.Semaphore(concurrency)
        self._parser = parser
        self._parsing = asyncio.Semaphore(1)

    async def poll(self, sources: Iterable[Source]) -> list[Outcome]:
        """Fetch the sources, a few at a time; one that breaks never stops the others."""
        chosen = list(sources)
        results = await asyncio.gather(
            *(self._slotted(source) for source in chosen), return_exceptions=True
        )
        outcomes = []
        for source, result in zip(chosen, results, strict=True):
            if isinstance(result, Outcome):
                outcomes.append(result)
            elif isinstance(result, Exception):
                logger.error("source %s", source.name, exc_info=result)
                outcomes.append(await self._failed(source, self.clock(), f"bug: {result!r}"))
            else:
                raise result
        return outcomes

    async def poll_one(self, source: Source) -> Outcome:
        """Fetch one source, store what it brought, and record how it went."""
        if source.spec.kind is SourceKind.RATES:
            return await self._poll_rates(source)
        return await self._poll_feed(source)

    async def add_feed(
        self, url: str, every: timedelta, added_by: int
    ) -> tuple[Source, Feed, Intake]:
        """An admin's feed: fetched once, kept only if it is a feed, its items stored."""
        fetched = await fetch(
            self.client, url, etag=None, last_modified=None, allow_private=self.private_sources
        )
        feed = await self._parse(fetched.body, fetched.final_url)
        now = self.clock()
        spec = SourceSpec(
            name_for(url, sorted(await self.store.sources.names())), SourceKind.FEED, url, every
        )
        async with self.store.transaction():
            intake = await store_feed(self.store, feed, url, self.zone)
            state = SourceState(
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                last_fetch_at=now,
                last_ok_at=now,
                last_added=len(intake.added),
                total_added=len(intake.added),
                yielded=bool(feed.items),
                next_at=now + every,
            )
            source = await self.store.sources.add(spec, added_by, state)
        return source, feed, intake

    async def _parse(self, payload: bytes, url: str) -> Feed:
        """Parse off the event loop, one feed at a time (in ``parser``: a process pool keeps
        the parser from holding the interpreter lock while readers are answered)."""
        async with self._parsing:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._parser, parse_feed, payload, url)

    async def _slotted(self, source: Source) -> Outcome:
        async with self._slots:
            return await self.poll_one(source)

    def _allow_private(self, source: Source) -> bool:
        # The operator's own file may name an intranet server; an admin's chat message may not.
        return source.origin is Origin.FILE or self.private_sources

    async def _poll_feed(self, source: Source) -> Outcome:
        now, spec, state = self.clock(), source.spec, source.state
        assert spec.url is not None, "a feed has an address"
        try:
            fetched = await fetch(
                self.client,
                spec.url,
                etag=state.etag,
                last_modified=state.last_modified,
                allow_private=self._allow_private(source),
            )
            feed = None
            if not fetched.not_modified:
                feed = await self._parse(fetched.body, fetched.final_url)
        except (FetchError, FeedError) as error:
            return await self._failed(source, now, str(error))
        if feed is not None and not feed.items and state.yielded:
            return await self._failed(source, now, LAYOUT_CHANGED)
        async with self.store.transaction():
            intake = (
                Intake()
                if feed is None
                else await store_feed(self.store, feed, spec.url, self.zone)
            )
            if intake.added:
                await self.store.ingest_runs.record(
                    f"feed:{spec.url}",
                    articles_added=len(intake.added),
                    articles_skipped=intake.skipped,
                    rates_added=0,
                )
            new_state = replace(
                state,
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                yielded=state.yielded or bool(feed and feed.items),
            )
            alert = await self._succeeded(source, new_state, now, len(intake.added))
        return Outcome(
            spec.name,
            spec.kind,
            added=intake.added,
            completed=intake.completed,
            not_modified=feed is None,
            alert=alert,
        )

    async def _poll_rates(self, source: Source) -> Outcome:
        now, spec = self.clock(), source.spec
        assert spec.provider is not None, "a rates source has a provider"
        if self.rates is None:
            return await self._failed(source, now, "rates are not available in this version")
        try:
            count = await self.rates(
                self.client,
                self.store,
                spec.provider,
                spec.url,
                now.astimezone(self.zone).date(),
                allow_private=self._allow_private(source),
            )
        except (FetchError, BankPayloadError) as error:
            return await self._failed(source, now, str(error))
        async with self.store.transaction():
            alert = await self._succeeded(source, replace(source.state, yielded=True), now, count)
        return Outcome(spec.name, spec.kind, rates=count, alert=alert)

    async def _succeeded(
        self, source: Source, state: SourceState, now: datetime, added: int
    ) -> AlertKind | None:
        """Record a good fetch; tell the admins if the source had been reported failing."""
        state = replace(
            state,
            last_fetch_at=now,
            last_ok_at=now,
            last_added=added,
            total_added=state.total_added + added,
            failures=0,
            last_error=None,
            next_at=now + source.spec.every,
        )
        alert = None
        if state.alerting:
            alert = AlertKind.RECOVERED
            state = replace(state, alerting=False, alerts=state.alerts + 1)
            await self._alert(source, state, alert)
        await self.store.sources.save(source.name, state)
        return alert

    async def _failed(self, source: Source, now: datetime, error: str) -> Outcome:
        """Record a failed fetch, back off, and alert the admins once at ``ALERT_AFTER``."""
        failures = source.state.failures + 1
        state = replace(
            source.state,
            last_fetch_at=now,
            failures=failures,
            last_error=error,
            next_at=now + next_attempt(failures, source.spec.every),
        )
        alert = None
        if failures >= ALERT_AFTER and not state.alerting:
            alert = AlertKind.FAILING
            state = replace(state, alerting=True, alerts=state.alerts + 1)
        logger.warning("source %s failed (%d in a row): %s", source.name, failures, error)
        async with self.store.transaction():
            if alert is not None:
                await self._alert(source, state, alert)
            await self.store.sources.save(source.name, state)
        return Outcome(source.name, source.spec.kind, error=error, alert=alert)

    async def _alert(self, source: Source, state: SourceState, kind: AlertKind) -> None:
        """Queue one message to every admin (the outbox keeps each alert to one per admin)."""
        if self.watch is None or not self.watch.admin_ids:
            return
        # A recovery reports the streak that ended; a new alert, the one that started it.
        failures = state.failures if kind is AlertKind.FAILING else source.state.failures
        error = state.last_error if kind is AlertKind.FAILING else source.state.last_error
        admins = sorted(self.watch.admin_ids)
        alert = Alert(kind, source.spec, failures, error, state.next_at)
        texts = await self.watch.texts(alert, admins)
        await self.store.outbox.add(
            self.watch.outbox_kind,
            f"{source.name}:{state.alerts}",
            (Outgoing(admin_id, texts[admin_id]) for admin_id in admins),
            self.clock(),
        )


def pick(sources: Sequence[Source], names: Sequence[str]) -> tuple[list[Source], list[str]]:
    """The sources named (all when none are), and the names that match none."""
    if not names:
        return list(sources), []
    by_name = {source.name: source for source in sources}
    unknown = [name for name in names if name not in by_name]
    return [by_name[name] for name in dict.fromkeys(names) if name in by_name], unknown
