"""WatchPlan's index rules, de-duplication, rate limit and back-off, with a fake fetcher and clock."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from segsvc.discovery.watch import WatchPlan, backoff_delay, next_index


@pytest.mark.parametrize("previous, returned, expected", [(0, 5, 5), (5, 5, 5), (5, 9, 9), (9, 3, 0), (0, 0, 1),
                                                          (3, -1, 0)])
def test_index_rules(previous: int, returned: int, expected: int) -> None:
    assert next_index(previous, returned) == expected


def test_backoff_grows_quadratically_and_is_capped() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(n, base=0.5, cap=30.0, rng=rng) for n in range(1, 12)]
    assert 0.25 <= delays[0] <= 0.5 and 1.0 <= delays[1] <= 2.0 and 2.25 <= delays[2] <= 4.5
    assert all(d <= 30.0 for d in delays) and delays[-1] >= 15.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def plan_with(answers: list[Any]) -> tuple[WatchPlan[str], list[tuple[int, str]], list[int], FakeClock]:
    seen: list[tuple[int, str]] = []
    asked: list[int] = []
    clock = FakeClock()

    async def fetch(index: int) -> tuple[int, str]:
        asked.append(index)
        if not answers:
            raise asyncio.CancelledError  # ends run(): the fake has nothing more to say
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    plan: WatchPlan[str] = WatchPlan("t", fetch, lambda i, r: seen.append((i, r)), clock=clock.time,
                                     sleep=clock.sleep, min_interval=0.1)
    return plan, seen, asked, clock


async def test_handler_runs_only_when_index_moves_and_resets_when_backwards() -> None:
    plan, seen, asked, _ = plan_with([(5, "a"), (5, "a"), (7, "b"), (3, "c"), (4, "d"), (0, "e")])
    for _ in range(6):
        await plan.run_once()
    # 5 → handled; 5 again → skipped; 7 → handled; 3 → backwards: reset to 0, not handled; 4 → handled from 0;
    # 0 from index 4 → backwards again: reset.
    assert seen == [(5, "a"), (7, "b"), (4, "d")]
    assert asked == [0, 5, 5, 7, 0, 4]
    assert plan.index == 0


async def test_errors_back_off_and_success_resets() -> None:
    plan, seen, asked, clock = plan_with([OSError("down"), OSError("down"), OSError("down"), (2, "x")])
    errors: list[int] = []
    plan.on_error = lambda exc, n: errors.append(n)
    for _ in range(4):
        started = clock.now
        await plan.run_once()
        if plan.failures:
            await clock.sleep(backoff_delay(plan.failures, base=plan.retry_base, cap=plan.retry_cap))
        assert clock.now >= started
    assert errors == [1, 2, 3] and plan.failures == 0 and seen == [(2, "x")]
    assert clock.sleeps[0] < clock.sleeps[1] < clock.sleeps[2]


async def test_loop_is_rate_limited_when_answers_come_back_instantly() -> None:
    answers = [(i, str(i)) for i in range(1, 30)]
    plan, seen, _, clock = plan_with(answers)
    with pytest.raises(asyncio.CancelledError):  # the fake runs out of answers: the loop ends there
        await plan.run()
    assert len(seen) == 29
    assert clock.now >= 0.1 * 28  # never faster than min_interval per call


async def test_stop_ends_the_loop_even_when_a_fetch_swallows_the_cancellation() -> None:
    """Python 3.11's asyncio.wait_for returns a result that arrived in the same instant as a cancellation
    instead of raising it; a fetch below us doing that must not keep the watch (and shutdown) alive."""
    arrived = asyncio.Event()
    swallowed = []

    async def fetch(index: int) -> tuple[int, str]:
        try:
            await asyncio.sleep(3600)  # a blocking query
        except asyncio.CancelledError:
            if swallowed:
                raise  # only the first time, so that a failing run ends at the timeout below
            swallowed.append(index)  # the answer "arrived in the same instant": returned, cancel lost
            return index + 1, "late answer"
        return index, "never"

    async def handler(index: int, result: str) -> None:
        arrived.set()

    plan: WatchPlan[str] = WatchPlan("swallowing", fetch, handler, min_interval=0.0)
    plan.start()
    await asyncio.sleep(0.01)
    await asyncio.wait_for(plan.stop(), 2)
    assert swallowed == [0] and arrived.is_set()  # the late answer was still handled...
    assert plan.calls == 1  # ...and the loop ended there instead of starting another blocking query
