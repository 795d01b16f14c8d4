"""Telegram's ~30 messages a second, shared between readers' replies and fan-outs."""

from __future__ import annotations

import asyncio
import math
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable

SEND_RATE = 29.0  # our sends a second at most, when no reader writes
TELEGRAM_LIMIT = 30  # messages in any one second, replies included
WINDOW = 1.0
REPLY_MEMORY = 2.0  # an expected reply not out after this long is forgotten
STALLED = 0.5  # a reply expected for this long is held up: no sends until it is out
MAX_REPLY_WAIT = 0.25  # a reply never waits longer for room (past that, replies alone flood)
_POLL_ROOM = 0.01  # how often a full second looks for room again


class Pacer:
    """The sender's share of Telegram's ~30 messages a second; readers' replies come first.

    Sends are spaced evenly at ``rate`` a second on a fixed schedule (a late wake-up does not
    slow the pace; no slot is taken early). The application tells the pacer of every reader's
    update as it comes in (``admit_reply``) and once it was handled (``replied``). A send waits
    while our sends and the replies of the last second, the replies expected and one message
    of margin would pass Telegram's ``limit``: digests take what readers leave. The replies of
    the last second stand for those of the next one (readers at 15 a second leave digests the
    other 15, less the replies on their way); a reply is counted from the moment its update
    came in, which is before Telegram counts it, so the count errs on the safe side. When
    readers start writing while the second is full of digests, a reply waits the few
    milliseconds until a digest leaves the second, rather than be refused: a 429 would hold
    every reply for a second.
    """

    def __init__(
        self,
        rate: float = SEND_RATE,
        clock: Callable[[], float] = time.monotonic,
        limit: int = TELEGRAM_LIMIT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / rate
        self._limit = limit
        self._clock = clock
        self._sleep = sleep  # ``clock``'s own sleep (tests run on a simulated clock)
        self._next = 0.0
        self._sent: deque[float] = deque()  # our sends of the last WINDOW
        self._replies: deque[float] = deque()  # replies of the last WINDOW
        self._expected: deque[float] = deque()  # updates whose reply is not out yet

    @classmethod
    def unlimited(cls) -> Pacer:
        """No pace at all: for a Bot API server without flood limits (tests, benchmarks)."""
        return cls(rate=math.inf, limit=sys.maxsize)

    async def wait(self) -> None:
        """Wait for the next free slot and take it."""
        while (wait := self.delay()) > 0:
            await self._sleep(wait)
        now = self._clock()
        # Late by less than a slot: keep the schedule. Idle for longer: no burst to catch up.
        self._next = max(self._next, now - self._interval) + self._interval
        self._sent.append(now)

    def delay(self) -> float:
        """Seconds until a send may go (0: now)."""
        now = self._clock()
        if self._room(now) <= 0:
            return _POLL_ROOM
        return max(self._next - now, 0.0)

    async def admit_reply(self) -> None:
        """A reader's update came in: wait until this second has room for its reply (a few
        milliseconds at most, while it is full of digests), and count the reply as coming."""
        deadline = self._clock() + MAX_REPLY_WAIT
        while self._free(now := self._clock()) <= 0 and now < deadline:
            await self._sleep(_POLL_ROOM)
        self._expected.append(self._clock())

    def replied(self) -> None:
        """The oldest expected reply went out."""
        if self._expected:
            self._expected.popleft()
        self._replies.append(self._clock())

    def hold(self, seconds: float) -> None:
        """Take no slot for ``seconds`` (Telegram said: retry after)."""
        self._next = max(self._next, self._clock() + seconds)

    def _free(self, now: float) -> int:
        """Telegram's limit less the messages of the last second and the replies expected."""
        for times, keep in (
            (self._sent, WINDOW),
            (self._replies, WINDOW),
            (self._expected, REPLY_MEMORY),  # an update that got no reply, or was stopped
        ):
            while times and times[0] <= now - keep:
                times.popleft()
        return self._limit - len(self._sent) - len(self._replies) - len(self._expected)

    def _room(self, now: float) -> int:
        """How many more sends of ours this second may take without crowding out replies."""
        free = self._free(now)
        if self._expected and self._expected[0] <= now - STALLED:
            return 0  # replies are held up (flood control?): when they go, they go together
        # One message of margin: for a first reply, and for the milliseconds by which
        # Telegram's clock and ours disagree.
        return free - 1
