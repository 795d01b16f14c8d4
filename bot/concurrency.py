"""Updates of different chats run concurrently; updates of one chat run one after another."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.update_log import logged

# Enough that a slow Bot API answering one chat does not hold up the others; few enough that a
# flood cannot start unbounded work (PTB's own semaphore enforces it).
MAX_CONCURRENT_UPDATES = 64


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Process updates concurrently across chats, in arrival order within a chat; log each.

    PTB creates one task per update in arrival order; each task takes its chat's lock, and
    ``asyncio.Lock`` wakes waiters first come, first served: one chat's replies keep their order.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}  # tasks holding or waiting for each lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await the update's coroutine while holding its chat's lock."""
        key = _chat_key(update)
        if key is None:
            await logged(update, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await logged(update, coroutine)
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

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
