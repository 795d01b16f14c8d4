"""Nothing received is lost: each update is kept before Telegram is told it arrived.

Long polling: Telegram forgets an update once a later getUpdates call's offset confirms it, and
PTB makes that call as soon as the batch is queued, long before it is handled.
:class:`JournalingRequest` wraps the getUpdates HTTP client: a batch is written to the database
before PTB even sees it, so whatever Telegram may forget is already kept. Updates Telegram
delivers again (not confirmed before the crash) are dropped. Webhook mode: each update is taken
(kept, its id claimed) before the request is answered 200.

Each update is kept with the process answering for it (its owner), and marked once handled. The
ones kept but never handled by a process that is gone (a crash, SIGKILL, a handler cut short at
shutdown) are claimed by another, one statement per former owner so that two processes never
both claim one, and handled: at start, and in webhook mode every minute.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

from bot.updates.owners import alive, this_process
from storage import DATABASE_ERRORS
from storage.updates import Owner, Updates, journal_path

logger = logging.getLogger(__name__)

# Handled updates not marked: the database failed, or is closed (ValueError).
_NOT_MARKED: tuple[type[Exception], ...] = (*DATABASE_ERRORS, ValueError)

# Fetched updates not kept: the database failed, or an update is malformed.
_NOT_KEPT: tuple[type[Exception], ...] = (*DATABASE_ERRORS, ValueError, KeyError, TypeError)

# Handled updates are kept this long to recognise redeliveries (these come within seconds).
KEEP_HANDLED = timedelta(days=1)


class UpdateJournal:
    """The application's update journal, attached to the store while it is open."""

    def __init__(self, owner: Owner | None = None) -> None:
        self._owner = owner or this_process()
        self._updates: Updates | None = None
        self._redelivered: set[int] = set()
        self._to_mark: list[int] = []  # handled, not yet marked
        self._marking = asyncio.Lock()

    async def open(self, database: Path | str) -> list[dict[str, Any]]:
        """Open the journal of ``database`` (a SQLite file, or a PostgreSQL URL: the journal is
        its ``updates`` table); return the updates kept but never handled by processes that are
        gone (or by this one, before: a journal closed and opened again), now this process's
        to handle."""
        location = database if isinstance(database, str) else journal_path(database)
        updates = await Updates.open(location)
        try:
            await updates.announce(self._owner)
            await updates.prune(datetime.now(UTC) - KEEP_HANDLED)
            left = await self._claim(updates, also_mine=True)
        except BaseException:
            await updates.close()
            raise
        self._updates = updates
        return left

    async def orphans(self) -> list[dict[str, Any]]:
        """Claim the updates kept but never handled by processes that are gone; those."""
        if self._updates is None:
            return []
        return await self._claim(self._updates, also_mine=False)

    async def _claim(self, updates: Updates, also_mine: bool) -> list[dict[str, Any]]:
        claimed = []
        for owner in await updates.owners():
            if (also_mine and owner == self._owner) or not await _alive(updates, owner):
                claimed += await updates.claim(owner, self._owner)
        return [kept.payload for kept in sorted(claimed, key=lambda kept: kept.update_id)]

    async def prune(self) -> int:
        """Forget the updates handled over a day ago; how many."""
        if self._updates is None:
            return 0
        return await self._updates.prune(datetime.now(UTC) - KEEP_HANDLED)

    async def close(self) -> None:
        """Stop keeping updates and close the journal."""
        updates, self._updates = self._updates, None
        if updates is not None:
            await updates.close()

    async def keep(self, updates: list[dict[str, Any]]) -> None:
        """Write a fetched batch; remember which of it were delivered before."""
        if self._updates is None or not updates:
            return
        fresh = await self._updates.keep(updates, owner=self._owner)
        self._redelivered |= {int(u["update_id"]) for u in updates} - fresh

    async def take(self, update: dict[str, Any]) -> bool:
        """Webhook mode: keep an update as this process's to handle; True if no process on the
        database had taken its id (else it is a redelivery: drop it).

        ``ValueError`` when closed; storage errors as they come (the caller refuses the update,
        so that Telegram delivers it again).
        """
        if self._updates is None:
            raise ValueError("the update journal is not open")
        return await self._updates.take(update, self._owner)

    def admit(self, update: object) -> bool:
        """False for an update Telegram delivered again (already handled, or being replayed)."""
        if isinstance(update, Update) and update.update_id in self._redelivered:
            self._redelivered.discard(update.update_id)
            return False
        return True

    async def handled(self, update: object) -> None:
        """Mark an update handled; a failure is logged (the update may then be handled twice).

        Returns once the mark is written. The updates handled while one mark is being written
        are marked together next, in one statement: under load, one write marks several.
        """
        if self._updates is None or not isinstance(update, Update):
            return
        self._to_mark.append(update.update_id)
        async with self._marking:
            marks, self._to_mark = self._to_mark, []
            if not marks:  # written meanwhile, with those of another update
                return
            try:
                await self._updates.mark_all_handled(marks)
            except _NOT_MARKED as error:  # ValueError: closed
                logger.warning("updates %s handled but not marked: %s", marks, error)


async def _alive(updates: Updates, owner: Owner | None) -> bool:
    """Whether ``owner`` still answers for its updates: present on the shared journal, else
    (SQLite) running on this machine."""
    if owner is None:
        return False
    present = await updates.present(owner)
    return alive(owner) if present is None else present


class JournalingRequest(BaseRequest):
    """The getUpdates HTTP client: each batch goes into the journal before PTB reads it."""

    def __init__(self, inner: BaseRequest, journal: UpdateJournal) -> None:
        self._inner = inner
        self._journal = journal

    @property
    def read_timeout(self) -> float | None:
        """The wrapped client's read timeout."""
        return self._inner.read_timeout

    async def initialize(self) -> None:
        """Open the wrapped client."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Close the wrapped client."""
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make the call; keep the updates of a successful getUpdates before returning them."""
        code, payload = await self._inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if code == 200 and url.rsplit("/", 1)[-1].lower() == "getupdates":
            try:
                answer = json.loads(payload)
                updates = answer.get("result") if isinstance(answer, dict) else None
                if isinstance(updates, list):
                    await self._journal.keep(updates)
            except _NOT_KEPT as error:
                # Not handed to PTB, so not confirmed: Telegram delivers the batch again.
                raise NetworkError(f"updates not kept, fetched again later: {error}") from error
        return code, payload
