"""The pacer: digests take what readers' replies leave of Telegram's 30 messages a second."""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass, field

import pytest

from bot.delivery.pacer import COUNTED, SHARE_EVERY, Pacer
from storage import Store

STEP = 0.001  # the simulation's tick
ANSWER = 0.15  # a Bot API round trip: Telegram counts a digest this long after it left
HANDLING = 0.2  # from a reader's update to the answer of its reply: some work, then ANSWER
SECONDS = 8.0
STEADY = 2.0  # readers start at 0.5 s, into a second full of digests; steady from here


@dataclass
class Simulation:
    """Readers writing at a steady rate and a sender taking every slot the pacer gives, on a
    simulated clock; what Telegram would count, and when."""

    readers: float  # updates a second
    now: float = 0.0
    digests: list[float] = field(default_factory=list)  # when Telegram counts each
    replies: list[float] = field(default_factory=list)
    longest_reply_wait: float = 0.0  # a reply held back for room, once readers are steady
    handling: deque[float] = field(default_factory=deque)  # when each expected reply is out
    flying: deque[tuple[float, float]] = field(default_factory=deque)  # digests: answer, taken
    pacer: Pacer = field(init=False)

    def __post_init__(self) -> None:
        self.pacer = Pacer(clock=self.clock, sleep=self.sleep)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """The pacer waits: time goes on, and the replies being handled go out meanwhile."""
        until = self.now + seconds
        while self.now < until:
            self.now += STEP
            self.answer_replies()

    def answer_replies(self) -> None:
        """Replies and digests whose answers came by now: the application and the sender say so."""
        while self.handling and self.handling[0] <= self.now:
            self.handling.popleft()
            self.pacer.replied()
        while self.flying and self.flying[0][0] <= self.now:
            self.pacer.answered(self.flying.popleft()[1])

    async def run(self) -> None:
        next_update = 0.5 if self.readers else SECONDS
        while self.now < SECONDS:
            while next_update <= self.now < SECONDS:
                came = self.now
                await self.pacer.admit_reply()  # may wait (the clock moves on meanwhile)
                if came >= STEADY:
                    self.longest_reply_wait = max(self.longest_reply_wait, self.now - came)
                self.handling.append(self.now + HANDLING)
                self.replies.append(self.now + HANDLING - STEP)
                next_update += 1 / self.readers
            self.answer_replies()
            if self.pacer.delay() == 0:
                taken = await self.pacer.wait()
                self.digests.append(self.now + ANSWER - STEP)
                self.flying.append((self.now + ANSWER, taken))
            self.now += STEP

    def digest_rate(self) -> float:
        """Digests a second Telegram counted once readers are steady."""
        counted = [at for at in self.digests if STEADY <= at < SECONDS]
        return len(counted) / (SECONDS - STEADY)

    def busiest_second(self) -> int:
        """The most messages Telegram counted in any one second (its sliding window)."""
        counted = sorted(self.digests + self.replies)
        return max(
            (bisect_right(counted, at) - bisect_right(counted, at - 1.0) for at in counted),
            default=0,
        )


@pytest.mark.parametrize(
    ("readers", "share"), [(0, 0.975), (5, 0.9), (10, 0.85), (15, 0.75), (25, 0.1)]
)
async def test_digests_take_what_readers_leave_and_the_second_never_overflows(
    readers: float, share: float
) -> None:
    simulation = Simulation(readers)
    await simulation.run()

    # Idle readers leave the whole second (29.5 a second: the schedule's pace); busy ones
    # leave what their replies do not take, less a message of margin.
    assert simulation.digest_rate() >= share * (30 - readers)
    assert simulation.busiest_second() <= 30
    if readers <= 15:  # a reply waits at most until one message leaves the second
        assert simulation.longest_reply_wait <= 0.1


async def test_a_reply_that_finds_the_second_full_takes_the_next_place_before_any_digest() -> None:
    ticks = [0.0]

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(0)  # time moves only when the test says so

    pacer = Pacer(rate=100.0, clock=lambda: ticks[0], limit=5, sleep=sleep)
    for _ in range(5):  # readers idle: digests take the whole second
        async with asyncio.timeout(1):
            await pacer.wait()
        ticks[0] += 0.01
    assert pacer.delay() > 0

    reply = asyncio.create_task(pacer.admit_reply())
    await asyncio.sleep(0.01)
    assert not reply.done()  # it waits for room: the first digest leaves the second
    ticks[0] = COUNTED
    assert pacer.delay() > 0  # and no digest takes that place meanwhile
    async with asyncio.timeout(1):
        await reply
    assert pacer.delay() > 0  # the place is the reply's: a digest waits for the next one
    ticks[0] = COUNTED + 0.02  # two more left; one is kept as margin now that readers write
    assert pacer.delay() == 0


async def test_the_pacer_spaces_sends_and_leaves_room_for_replies() -> None:
    ticks = [100.0]
    pacer = Pacer(rate=10.0, clock=lambda: ticks[0], limit=12)
    pacer.hold(0)  # the schedule starts now

    await pacer.wait()
    assert pacer.delay() == pytest.approx(0.1)  # evenly spaced
    for _ in range(9):
        ticks[0] += 0.1001
        await pacer.wait()
    ticks[0] += 0.1001  # 101.0: nine of our sends in the last second
    assert pacer.delay() == 0
    await pacer.admit_reply()  # two readers' updates came in: their replies take the room
    await pacer.admit_reply()
    assert pacer.delay() > 0
    pacer.replied()
    pacer.replied()  # out: they stay in the second they went in
    assert pacer.delay() > 0
    ticks[0] += 0.35  # three of our sends left the last second
    assert pacer.delay() == 0
    pacer.hold(5.0)  # Telegram said: retry after 5 s
    assert pacer.delay() == pytest.approx(5.0)
    ticks[0] += 10
    assert pacer.delay() == 0


async def test_an_expected_reply_that_never_comes_is_forgotten() -> None:
    ticks = [0.0]
    pacer = Pacer(rate=2.0, clock=lambda: ticks[0], limit=3)
    await pacer.admit_reply()
    await pacer.admit_reply()

    assert pacer.delay() > 0
    ticks[0] += 2.5
    assert pacer.delay() == 0


@dataclass
class TwoReplicas:
    """Replica A sends the outbox, replica B answers readers at a steady rate: two pacers on one
    database, each telling the other of its second through ``exchange`` (every SHARE_EVERY, as
    ``Pacer.share`` does), on a simulated clock; what Telegram would count."""

    store: Store
    readers: float
    now: float = 0.0
    digests: list[float] = field(default_factory=list)
    replies: list[float] = field(default_factory=list)
    handling: deque[float] = field(default_factory=deque)
    flying: deque[tuple[float, float]] = field(default_factory=deque)
    exchanged: float = -SHARE_EVERY
    sender: Pacer = field(init=False)
    answering: Pacer = field(init=False)

    def __post_init__(self) -> None:
        counts = self.store.reply_counts
        self.sender = Pacer(clock=self.clock, sleep=self.sleep, counts=counts)
        self.answering = Pacer(clock=self.clock, sleep=self.sleep, counts=counts)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        until = self.now + seconds
        while self.now < until:
            self.now += STEP
            await self.tick()

    async def tick(self) -> None:
        while self.handling and self.handling[0] <= self.now:
            self.handling.popleft()
            self.answering.replied()
        while self.flying and self.flying[0][0] <= self.now:
            self.sender.answered(self.flying.popleft()[1])
        if self.now - self.exchanged >= SHARE_EVERY:
            self.exchanged = self.now
            await self.answering.exchange()
            await self.sender.exchange()

    async def run(self) -> None:
        next_update = 0.5
        while self.now < SECONDS:
            while next_update <= self.now < SECONDS:
                await self.answering.admit_reply()
                self.handling.append(self.now + HANDLING)
                self.replies.append(self.now + HANDLING - STEP)
                next_update += 1 / self.readers
            await self.tick()
            if self.sender.delay() == 0:
                taken = await self.sender.wait()
                self.digests.append(self.now + ANSWER - STEP)
                self.flying.append((self.now + ANSWER, taken))
            self.now += STEP

    def digest_rate(self) -> float:
        counted = [at for at in self.digests if STEADY <= at < SECONDS]
        return len(counted) / (SECONDS - STEADY)

    def busiest_second(self, since: float) -> int:
        """The most messages Telegram counted in any one second ending after ``since``."""
        counted = sorted(self.digests + self.replies)
        return max(
            bisect_right(counted, at) - bisect_right(counted, at - 1.0)
            for at in counted
            if at >= since
        )


@pytest.mark.parametrize(("readers", "share"), [(5, 0.85), (15, 0.65)])
async def test_the_sender_leaves_room_for_another_replicas_readers(
    backend_store: Store, readers: float, share: float
) -> None:
    replicas = TwoReplicas(backend_store, readers)
    await replicas.run()

    # Once the other replica's count is known, digests take what its readers leave.
    assert replicas.busiest_second(since=STEADY) <= 30
    assert replicas.digest_rate() >= share * (30 - readers)
    assert replicas.digest_rate() <= 30 - readers


async def test_another_replicas_replies_take_their_room_until_it_stops(
    backend_store: Store,
) -> None:
    ticks = [0.0]

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(0)  # time moves only when the test says so

    counts = backend_store.reply_counts
    sender = Pacer(rate=1000.0, clock=lambda: ticks[0], limit=30, sleep=sleep, counts=counts)
    answering = Pacer(clock=lambda: ticks[0], sleep=sleep)
    for _ in range(12):
        await answering.admit_reply()
    for _ in range(12):
        answering.replied()
    stop = asyncio.Event()
    sharing = asyncio.create_task(answering.share(counts, stop.is_set))
    try:
        async with asyncio.timeout(5):
            while (await counts.elsewhere(sender.replica)).replies != 12:  # noqa: ASYNC110
                await asyncio.sleep(0.01)

        await sender.wait()  # the first send reads the others' count
        taken = 1
        ticks[0] += 0.002
        while sender.delay() == 0:
            await sender.wait()
            taken += 1
            ticks[0] += 0.002
        assert taken == 30 - 12 - 1  # the others' 12 replies, and a message of margin
    finally:
        stop.set()  # replica B stops: its count goes
        await sharing

    assert await backend_store.db.fetch_all("SELECT replica FROM reply_counts") == []
    ticks[0] += COUNTED + SHARE_EVERY
    async with asyncio.timeout(5):
        for _ in range(30):  # the whole second is the sender's again (readers idle everywhere)
            await sender.wait()
            ticks[0] += 0.002
    assert sender.delay() > 0


async def test_an_old_count_of_the_others_never_holds_the_sender(backend_store: Store) -> None:
    ticks = [0.0]

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(0)

    counts = backend_store.reply_counts
    sender = Pacer(rate=1000.0, clock=lambda: ticks[0], limit=30, sleep=sleep, counts=counts)
    await counts.publish("b", 28, sending=False)
    await sender.wait()  # reads replica b's 28: with a message of margin, the second is full
    ticks[0] += 0.002
    assert sender.delay() > 0

    await counts.publish("b", 5, sending=False)  # b's readers calm down
    ticks[0] += 0.6  # nothing read since: the 28 is not believed any more
    assert sender.delay() == 0
    taken = 0
    while sender.delay() == 0:
        await sender.wait()  # the first reads b's 5
        taken += 1
        ticks[0] += 0.002
    assert taken == 30 - 1 - 5 - 1
