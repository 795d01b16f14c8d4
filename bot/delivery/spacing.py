"""Telegram's limits for one chat: a message a second to any chat, twenty a minute to a group."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

CHAT_GAP = 1.0  # seconds between two messages to one chat
GROUP_LIMIT = (20, 60.0)  # messages to one group (or channel) in that many seconds
_FORGET_EVERY = 1000  # chats remembered before the ones long quiet are forgotten


def is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids; private chats positive ones."""
    return chat_id < 0


class ChatSpacing:
    """Which chats may get a message now, counting each message from when its answer came.

    A message's answer comes after Telegram counted it, so spacing answers by the limit spaces
    Telegram's counts by at least as much, however long each call took. A chat with a message
    on the wire takes no other until that one is answered.
    """

    def __init__(
        self,
        *,
        gap: float = CHAT_GAP,
        group_limit: tuple[int, float] = GROUP_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._gap = gap
        self._group_count, self._group_period = group_limit
        self._clock = clock
        self._last: dict[int, float] = {}
        self._groups: dict[int, deque[float]] = {}
        self._busy: set[int] = set()

    def delay(self, chat_id: int) -> float:
        """Seconds before ``chat_id`` may get a message (``inf`` while one is on the wire)."""
        if chat_id in self._busy:
            return math.inf
        now = self._clock()
        wait = self._last.get(chat_id, -math.inf) + self._gap - now
        times = self._groups.get(chat_id)
        if times is not None:
            while times and times[0] <= now - self._group_period:
                times.popleft()
            if len(times) >= self._group_count:
                wait = max(wait, times[-self._group_count] + self._group_period - now)
        return max(wait, 0.0)

    def sending(self, chat_id: int) -> None:
        """A message to ``chat_id`` goes on the wire."""
        self._busy.add(chat_id)

    def arrived(self, chat_id: int) -> None:
        """Telegram took the message to ``chat_id`` (or may have: a timeout)."""
        now = self._clock()
        if len(self._last) > _FORGET_EVERY:
            self._forget(now)
        self._last[chat_id] = now
        if is_group(chat_id):
            self._groups.setdefault(chat_id, deque()).append(now)

    def done(self, chat_id: int) -> None:
        """The message to ``chat_id`` is off the wire, whatever became of it."""
        self._busy.discard(chat_id)

    def _forget(self, now: float) -> None:
        self._last = {chat: at for chat, at in self._last.items() if at > now - self._gap}
        self._groups = {
            chat: times
            for chat, times in self._groups.items()
            if times and times[-1] > now - self._group_period
        }
