"""Telegram's ~30 messages a second, shared between readers' replies and fan-outs."""

from __future__ import annotations

import asyncio
import math
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable

SEND_RATE = 29.5  # the schedule's pace; the second itself never holds more than 29 of ours
TELEGRAM_LIMIT = 30  # messages in any one second, replies included
WINDOW = 1.0
REPLY_MEMORY = 2.0  # an expected reply not out after this long is forgotten
STALLED = 0.5  # a reply expected for this long is held up: no sends until it is out
MAX_REPLY_WAIT = 1.0  # a reply never waits longer for room (a 429 would hold it as long)
LATE_SHARE = 0.3  # of a slot that a late send may take from the next one
TRIPS = 50  # the quickest of this many round trips is the network's own
_POLL_ROOM = 0.01  # how often a second held by expected replies looks for room again
_MIN_WAIT = 0.0005


class Pacer:
    """The sender's share of Telegram's ~30 messages a second; readers' replies come first.

    Sends are spaced evenly at ``rate`` a second (a send a little late keeps the schedule, a
    later one moves it: no two go close together). The application tells the pacer of every
    reader's update as it comes in (``admit_reply``) and once it was handled (``replied``); the
    sender tells it when each send was answered (``answered``). A send waits while our sends
    and the replies of the last second, the replies expected and a margin (one message, two
    while readers write) would pass Telegram's ``limit``: digests take what readers leave. The
    replies of the last second stand for those of the next one; a reply is counted from the
    moment its update came in until a second after it went out, and a send whose answer was
    slow a little longer, so the count errs on the safe side. When readers start writing while
    the second is full of digests, a reply waits until a digest leaves the second rather than
    be refused: a 429 would hold it a whole second, and the replies behind it too.
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
        self._trips: deque[float] = deque(maxlen=TRIPS)  # our sends' recent round trips
        self._late: list[tuple[float, float]] = []  # sends counted on past WINDOW: from, until

    @classmethod
    def unlimited(cls) -> Pacer:
        """No pace at all: for a Bot API server without flood limits (tests, benchmarks)."""
        return cls(rate=math.inf, limit=sys.maxsize)

    async def wait(self) -> float:
        """Wait for the next free slot and take it; returns when (for ``answered``)."""
        while (wait := self.delay()) > 0:
            await self._sleep(wait)
        now = self._clock()
        # A little late: keep the schedule. Later: the schedule moves, rather than two sends
        # go close together (Telegram counts them a little apart from where we do).
        self._next = max(self._next, now - self._interval * LATE_SHARE) + self._interval
        self._sent.append(now)
        return now

    def answered(self, sent_at: float) -> None:
        """The send that took its slot at ``sent_at`` was answered now.

        A round trip longer than the quickest of late (the event loop was busy, the network
        slow) may mean that Telegram counted the message that much later than we did: it is
        counted that much longer.
        """
        now = self._clock()
        self._trips.append(now - sent_at)
        late = now - sent_at - min(self._trips)
        if late > 0:
            self._late.append((sent_at + WINDOW, sent_at + WINDOW + late))

    def delay(self) -> float:
        """Seconds until a send may go (0: now)."""
        now = self._clock()
        if self._room(now) <= 0:
            # Until the oldest message leaves the second (an expected reply may go any time).
            leaving = min(
                [times[0] + WINDOW for times in (self._sent, self._replies) if times]
                + [until for start, until in self._late if start <= now],
                default=now + _POLL_ROOM,
            )
            return min(max(leaving - now, _MIN_WAIT), _POLL_ROOM if self._expected else math.inf)
        return max(self._next - now, 0.0)

    async def admit_reply(self) -> None:
        """A reader's update came in: wait until this second has room for its reply (while it is
        full of digests: until one leaves it), and count the reply as coming."""
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
        self._late = [(start, until) for start, until in self._late if until > now]
        late = sum(1 for start, _ in self._late if start <= now)
        sent = len(self._sent) + late
        return self._limit - sent - len(self._replies) - len(self._expected)

    def _room(self, now: float) -> int:
        """How many more sends of ours this second may take without crowding out replies."""
        free = self._free(now)
        if self._expected and self._expected[0] <= now - STALLED:
            return 0  # replies are held up (flood control?): when they go, they go together
        # One message of margin for a first reply, or for the milliseconds by which Telegram
        # counts a message later than we do; while readers write, both at once.
        return free - (2 if self._replies or self._expected else 1)
