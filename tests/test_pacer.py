"""The pacer: digests take what readers' replies leave of Telegram's 30 messages a second."""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from dataclasses import dataclass, field

import pytest

from bot.delivery.pacer import Pacer

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
        while self.handling and self.handling[0] <= self.now:
            self.handling.popleft()
            self.pacer.replied()

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
                await self.pacer.wait()
                self.digests.append(self.now + ANSWER - STEP)
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


@pytest.mark.parametrize(("readers", "least"), [(0, 28.5), (10, 14.0), (15, 10.0), (25, 0.0)])
async def test_digests_take_what_readers_leave_and_the_second_never_overflows(
    readers: float, least: float
) -> None:
    simulation = Simulation(readers)
    await simulation.run()

    assert simulation.digest_rate() >= least
    assert simulation.busiest_second() <= 30
    if readers <= 15:  # a reply waits at most until one message leaves the second
        assert simulation.longest_reply_wait <= 0.1


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
