"""Updates of different chats run concurrently; updates of one chat run one after another."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.updates.journal import UpdateJournal
from bot.updates.log import logged
from bot.updates.retry import replying

# Updates handled at once. A Bot API call takes 20-100 ms from a well-placed server, so handling
# one update at a time would cap the bot at 10-50 replies per second for all chats together;
# Telegram itself lets a bot send about 30 messages per second, which 4 updates in flight reach
# up to ~130 ms per call. More would mostly cost CPU: httpx's pool checks every pooled connection
# on each request (bench/bench_commands.py, Bot API answering at once: CPU per update grows from
# ~1.4 ms sequential to ~1.5 ms with 4 in flight, ~1.8 ms with 8, ~2.2 ms with 16).
WORKERS = 4
# Updates admitted at once, most of them waiting for their chat's turn or for a worker.
MAX_PENDING = 1024


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Process updates concurrently across chats, in arrival order within a chat; log each.

    PTB starts one task per update in arrival order. Each task first takes its chat's lock
    (``asyncio.Lock`` serves waiters first come, first served, so a chat's replies keep their
    order), and only then a worker slot: a chat flooding the bot waits for its own turn without
    holding slots that other chats need.
    """

    def __init__(
        self,
        workers: int = WORKERS,
        max_pending: int = MAX_PENDING,
        journal: UpdateJournal | None = None,
    ) -> None:
        super().__init__(max_pending)
        self._workers = asyncio.BoundedSemaphore(workers)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}  # tasks holding or waiting for each chat's lock
        self._journal = journal or UpdateJournal()
        self._in_flight: set[asyncio.Task[Any]] = set()

    @property
    def journal(self) -> UpdateJournal:
        """Where the updates are kept until handled."""
        return self._journal

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await the update's coroutine in its chat's turn, on a free worker slot."""
        if not self._journal.admit(update):  # delivered again: handled, or being replayed
            if inspect.iscoroutine(coroutine):
                coroutine.close()
            return
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            await self._in_turn(update, coroutine)
        finally:
            self._in_flight.discard(task)
        await self._journal.handled(update)

    async def _in_turn(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            async with self._workers:
                await self._handle(update, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock, self._workers:
                await self._handle(update, coroutine)
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    @staticmethod
    async def _handle(update: object, coroutine: Awaitable[Any]) -> None:
        with replying():
            await logged(update, coroutine)

    def cancel_in_flight(self) -> int:
        """Cancel the updates being handled (shutdown ran out of time); how many.

        They stay unhandled in the journal, so the next start handles them again.
        """
        for task in self._in_flight:
            task.cancel()
        return len(self._in_flight)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _chat_key(update: object) -> int | None:
    """The chat an update belongs to (or its user, for chat-less updates)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None
