"""Telegram's ~30 messages a second, shared between readers' replies and fan-outs, and between
replicas: every replica answers readers, one of them sends the outbox."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import secrets
import socket
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable

from storage.reply_counts import ReplyCounts

logger = logging.getLogger(__name__)

SEND_RATE = 29.5  # the schedule's pace (the second's count may hold it back further)
TELEGRAM_LIMIT = 30  # messages in any one second, replies included
WINDOW = 1.0
# How long a message is counted: Telegram's second and a little more, for the milliseconds by
# which two messages' requests reach it closer together than they left (a jittery network,
# a busy event loop on either side).
COUNTED = WINDOW + 0.015
REPLY_MEMORY = 2.0  # an expected reply not out after this long is forgotten
STALLED = 0.5  # a reply expected for this long is held up: no sends until it is out
MAX_REPLY_WAIT = 1.0  # a reply never waits longer for room (a 429 would hold it as long)
LATE_SHARE = 0.3  # of a slot that a late send may take from the next one
BUSY_MARGIN = 1  # messages of the second left unused while readers write
TRIPS = 50  # the quickest of this many round trips is the network's own
REQUEST_SHARE = 0.5  # of a round trip, before Telegram counts the message (the way there)
_POLL_ROOM = 0.01  # how often a second held by expected replies looks for room again
_MIN_WAIT = 0.0005
# Replicas: each writes its readers' replies of the last second this often (when they changed),
# and the one that sends reads the others' as often; one round trip each, never one per reply.
SHARE_EVERY = 0.25
KEEP_FRESH = 1.0  # a count unchanged but not zero is written again this often (others drop
# counts older than storage.reply_counts.FRESH)
SENDING_LATELY = 1.0  # a pacer asked for a slot this recently reads the others' counts
# The others' counts read longer ago than this are not used (``wait`` reads them again first),
# so that an old count never holds the sender back for good.
READ_KEPT = 2 * SHARE_EVERY
_STOP_POLL = 0.05  # how soon ``share`` notices that the application stops


class Pacer:
    """The sender's share of Telegram's ~30 messages a second; readers' replies come first.

    Sends are spaced evenly at ``rate`` a second (a send a little late keeps the schedule, a
    later one moves it: no two go close together). The application tells the pacer of every
    reader's update as it comes in (``admit_reply``) and once it was handled (``replied``); the
    sender tells it when each send was answered (``answered``). A send waits while our sends
    and the replies of the last second, the replies expected and the replies waiting for room
    would pass Telegram's ``limit`` (less one message of margin while readers write): digests
    take what readers leave, and all of it while they are idle. The replies of the last second
    stand for those of the next one. A reply is counted from the moment its update came in
    until a second after its answer came (less the way there of our quickest round trip: our
    sends are counted that much after they leave), every message a little longer than a
    second, and a send whose answer was slow longer still, so the count errs on the safe side.
    The room readers need is lent to digests and reclaimed at once: a reply that finds the
    second full waits until the next message leaves it, and no digest takes that place
    meanwhile (a 429 would hold the reply a whole second).

    Several replicas: each pacer hears of its own replica's readers only. With ``counts`` (the
    store's ``reply_counts``, given here or to ``share``) each writes the replies of its last
    second every ``SHARE_EVERY`` while they change, and the pacer that sends reads the other
    replicas' as often and leaves them room as it does its own readers'. Their counts come
    that much late: a burst on another replica may crowd the first half second of it (Telegram
    then holds the excess with a 429, which the replies' retry waits out); in a steady state
    digests take what all the replicas' readers leave.
    """

    def __init__(
        self,
        rate: float = SEND_RATE,
        clock: Callable[[], float] = time.monotonic,
        limit: int = TELEGRAM_LIMIT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        *,
        counts: ReplyCounts | None = None,
    ) -> None:
        self._interval = 1.0 / rate
        self._limit = limit
        self._clock = clock
        self._sleep = sleep  # ``clock``'s own sleep (tests run on a simulated clock)
        self._next = 0.0
        self._sent: deque[float] = deque()  # our sends of the last COUNTED
        self._replies: deque[float] = deque()  # replies of the last COUNTED
        self._expected: deque[float] = deque()  # updates whose reply is not out yet
        self._trips: deque[float] = deque(maxlen=TRIPS)  # our sends' recent round trips
        self._quickest = 0.0  # the quickest of them
        self._answered: list[tuple[float, float]] = []  # sends still counted: taken, round trip
        self._waiting = 0  # replies waiting in ``admit_reply``: the next free places are theirs
        # Replicas: this one's name in ``counts``, the other replicas' replies of their last
        # second (as last read, and when), what this one last wrote (and when), and when a
        # send last asked for a slot.
        self.replica = f"{socket.gethostname()}/{os.getpid()}/{secrets.token_hex(4)}"
        self._counts = counts
        self._elsewhere = 0
        self._read_at = -math.inf
        self._written: tuple[int, bool] = (0, False)
        self._written_at = -math.inf
        self._asked_at = -math.inf
        self._sharing = False

    @classmethod
    def unlimited(cls) -> Pacer:
        """No pace at all: for a Bot API server without flood limits (tests, benchmarks)."""
        return cls(rate=math.inf, limit=sys.maxsize)

    async def wait(self) -> float:
        """Wait for the next free slot and take it; returns when (for ``answered``)."""
        while True:
            if self._counts is not None and self._clock() - self._read_at >= SHARE_EVERY:
                await self._read(self._counts)  # the first send after a pause: not from memory
            if (wait := self.delay()) <= 0:
                break
            await self._sleep(wait if self._counts is None else min(wait, SHARE_EVERY))
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
        counted that much longer. How much is measured against the quickest trip known when
        the second is counted, not when the answer came: the first sends (new connections)
        are slow before any quick one shows what slow is.
        """
        trip = self._clock() - sent_at
        self._trips.append(trip)
        self._quickest = min(self._trips)
        self._answered.append((sent_at, trip))

    def delay(self) -> float:
        """Seconds until a send may go (0: now)."""
        now = self._clock()
        self._asked_at = now
        if self._room(now) <= 0:
            # Until the oldest message leaves the second (an expected reply may go any time).
            return min(self._until_leaving(now), _POLL_ROOM if self._expected else math.inf)
        return max(self._next - now, 0.0)

    async def admit_reply(self) -> None:
        """A reader's update came in: wait until this second has room for its reply (while it is
        full of digests: until one leaves it, which no digest takes meanwhile), and count the
        reply as coming."""
        now = self._clock()
        if self._free(now) <= 0:
            deadline = now + MAX_REPLY_WAIT
            self._waiting += 1
            try:
                while self._free(now) <= 0 and now < deadline:
                    await self._sleep(min(self._until_leaving(now), _POLL_ROOM))
                    now = self._clock()
            finally:
                self._waiting -= 1
        self._expected.append(now)

    def replied(self) -> None:
        """The oldest expected reply went out.

        Its answer came by now, so Telegram counted it by now; a send of ours leaving now will
        be counted once its request reaches Telegram, half our quickest round trip later at
        least: in the time our sends are counted by, the reply leaves the second that much
        sooner.
        """
        if self._expected:
            self._expected.popleft()
        counted = self._clock() - self._quickest * REQUEST_SHARE
        self._replies.append(max(counted, self._replies[-1]) if self._replies else counted)

    def hold(self, seconds: float) -> None:
        """Take no slot for ``seconds`` (Telegram said: retry after)."""
        self._next = max(self._next, self._clock() + seconds)

    async def share(self, counts: ReplyCounts, stopping: Callable[[], bool]) -> None:
        """Share Telegram's second with the other replicas on ``counts``' database until
        ``stopping()``: ``exchange`` every ``SHARE_EVERY``; this replica's count is removed at
        the end. Returns at once if this pacer shares already."""
        if self._sharing:
            return
        self._sharing, self._counts = True, counts
        try:
            while not stopping():
                await self.exchange()
                until = self._clock() + SHARE_EVERY
                while not stopping() and self._clock() < until:
                    await self._sleep(min(_STOP_POLL, SHARE_EVERY))
        finally:
            self._sharing = False
            await counts.leave(self.replica)

    async def exchange(self) -> None:
        """Write this replica's readers' replies of the last second, if they changed (or to keep
        a count above zero fresh); read the other replicas' if this pacer sends."""
        counts = self._counts
        if counts is None:
            return
        now = self._clock()
        self._free(now)  # forget what left the second
        written = (len(self._replies) + len(self._expected), bool(self._sent))
        if written != self._written or (any(written) and now - self._written_at >= KEEP_FRESH):
            await counts.publish(self.replica, written[0], sending=written[1])
            self._written, self._written_at = written, now
        if now - self._asked_at < SENDING_LATELY:
            await self._read(counts)

    async def _read(self, counts: ReplyCounts) -> None:
        """Read the other replicas' replies of their last second."""
        elsewhere = await counts.elsewhere(self.replica)
        if elsewhere.replies != self._elsewhere:
            logger.debug("other replicas' readers: %d replies a second", elsewhere.replies)
        self._elsewhere, self._read_at = elsewhere.replies, self._clock()

    def _free(self, now: float) -> int:
        """Telegram's limit less the messages of the last second and the replies expected (the
        other replicas' replies of their last second too)."""
        for times, keep in (
            (self._sent, COUNTED),
            (self._replies, COUNTED),
            (self._expected, REPLY_MEMORY),  # an update that got no reply, or was stopped
        ):
            while times and times[0] <= now - keep:
                times.popleft()
        quickest = self._quickest
        self._answered = [
            (taken, trip)
            for taken, trip in self._answered
            if taken + COUNTED + trip - quickest > now
        ]
        late = sum(1 for taken, _ in self._answered if taken + COUNTED <= now)
        sent = len(self._sent) + late
        readers = len(self._replies) + len(self._expected) + self._others(now)
        return self._limit - sent - readers

    def _until_leaving(self, now: float) -> float:
        """Seconds until the oldest message of the last second leaves it."""
        leaving = min(
            [times[0] + COUNTED for times in (self._sent, self._replies) if times]
            + [
                taken + COUNTED + trip - self._quickest
                for taken, trip in self._answered
                if taken + COUNTED <= now
            ],
            default=now + _POLL_ROOM,
        )
        return max(leaving - now, _MIN_WAIT)

    def _room(self, now: float) -> int:
        """How many more sends of ours this second may take without crowding out replies."""
        free = self._free(now) - self._waiting
        if self._expected and self._expected[0] <= now - STALLED:
            return 0  # replies are held up (flood control?): when they go, they go together
        # While readers write, one message of margin for the milliseconds by which Telegram
        # may count a message later than we do; idle readers leave the whole second to digests.
        busy = self._replies or self._expected or self._others(now)
        return free - (BUSY_MARGIN if busy else 0)

    def _others(self, now: float) -> int:
        """The other replicas' replies of their last second, as read lately (else none)."""
        return self._elsewhere if now - self._read_at < READ_KEPT else 0
