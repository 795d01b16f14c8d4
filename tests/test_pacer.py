"""The pacer: digests take what readers' replies leave of Telegram's 30 messages a second."""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass, field

import pytest

from bot.delivery.pacer import COUNTED, Pacer

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
