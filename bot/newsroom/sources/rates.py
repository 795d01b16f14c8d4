"""One central bank's rates for a day: fetch, parse, normalise against USD, store by precedence.

The poller calls ``fetch_rates`` for every ``[[rates]]`` entry of sources.toml; intervals,
validators and alerts are its business. A 404 on a weekend is a normal gap (0 rates, no error);
CBT that cannot be reached on a day it publishes falls back on the manat's official peg.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from urllib.parse import urljoin

import httpx

from bot.newsroom.sources.banks import (
    PROVIDERS,
    BankPayload,
    BankPayloadError,
    UsdRate,
    cbt,
    merge,
    nbkr,
    normalise,
)
from bot.newsroom.sources.http import FetchError, fetch
from storage import Store
from storage.models import Rate
from storage.rates import BankLine, Entry, Standing

logger = logging.getLogger(__name__)

_SATURDAY = 5
# The fetch of one address: its body, or None for a weekend 404.
_Getter = Callable[[str], Awaitable[bytes | None]]
# A payload may be dated the next day (NBKR dates its file the day the rates take effect).
_AHEAD = timedelta(days=1)


async def fetch_rates(
    client: httpx.AsyncClient,
    store: Store,
    provider: str,
    url: str | None,
    today: date,
    *,
    allow_private: bool = False,
) -> int:
    """Fetch ``provider``'s rates for ``today`` (``url`` replaces its endpoint), store them;
    how many rates were stored or changed. ``FetchError`` / ``BankPayloadError`` on failure."""
    spec = PROVIDERS.get(provider)
    if spec is None:
        known = ", ".join(PROVIDERS)
        raise BankPayloadError(provider, f"no such rate provider (known: {known})")

    async def get(address: str) -> bytes | None:
        """The body, or None for a weekend 404 (no file that day)."""
        try:
            fetched = await fetch(
                client, address, etag=None, last_modified=None, allow_private=allow_private
            )
        except FetchError as error:
            if error.status == 404 and today.weekday() >= _SATURDAY:
                logger.info("%s: no rates on %s (%s)", provider, today, error)
                return None
            raise FetchError(f"{provider}: {error}", status=error.status) from error
        return fetched.body

    if provider == cbt.NAME:
        payload = await _cbt(get, spec.url(today, url), today)
    else:
        body = await get(spec.url(today, url))
        if body is None:
            return 0
        payload = spec.parse(body, today)
        if provider == nbkr.NAME:
            payload = await _with_weekly(get, payload, url, today)
    if payload is None:
        return 0
    if payload.as_of > today + _AHEAD:
        raise BankPayloadError(provider, f"the payload is dated {payload.as_of}, after {today}")
    if payload.skipped:
        logger.info("%s: left out %s", provider, "; ".join(payload.skipped))
    return await store.rates.record([_entry(rate, payload) for rate in normalise(payload)])


async def _cbt(get: _Getter, address: str, today: date) -> BankPayload | None:
    """CBT's file, or the peg when the bank cannot be reached on a day it publishes."""
    try:
        body = await get(address)
    except FetchError as error:
        logger.warning("%s; using the manat's official peg", error)
        return cbt.pegged(today)
    return None if body is None else cbt.parse(body, today)


async def _with_weekly(
    get: _Getter, daily: BankPayload, url: str | None, today: date
) -> BankPayload:
    """NBKR's daily file merged with its weekly one (TJS, UZS, TMT); the daily alone if the
    weekly cannot be had: KGS, its own currency, is in the daily."""
    address = nbkr.weekly_url(today, urljoin(url, "weekly.xml") if url else None)
    try:
        body = await get(address)
        return daily if body is None else merge(daily, nbkr.parse_weekly(body, today))
    except (FetchError, BankPayloadError) as error:
        logger.warning("nbkr weekly rates left out: %s", error)
        return daily


def _entry(rate: UsdRate, payload: BankPayload) -> Entry:
    """A normalised rate as stored: its standing by precedence, the bank's own line beside it."""
    if rate.currency != payload.home:
        standing = Standing.FILL
    elif rate.provider == cbt.PEG_PROVIDER:
        standing = Standing.PEG
    else:
        standing = Standing.BANK
    quote = rate.quote
    stored = Rate(
        rate.currency,
        "USD",
        rate.usd_value,
        None,
        rate.as_of,
        rate.provider,
        per_usd=rate.per_usd,
        digits=rate.digits,
    )
    return Entry(stored, standing, BankLine(quote.value, quote.nominal, quote.code, payload.home))
