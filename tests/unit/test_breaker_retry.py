"""The retry policy that sits outside the breaker: what is repeated, how long it waits, when it stops."""

from __future__ import annotations

import time

import pytest

from segsvc.config.settings import PeerSettings
from segsvc.peers.client import retry_after_seconds
from segsvc.peers.errors import InvalidAnswer, PeerRejected, PeerTimeout, PeerUnavailable
from segsvc.peers.retry import RetryPolicy, retry_delays


def settings(**overrides: object) -> PeerSettings:
    values: dict[str, object] = {"service": "x", "local_bind_port": 1, "max_tries": 3, "backoff_base": 0.01,
                                 "backoff_max": 0.05, **overrides}
    return PeerSettings(**values)


class Flaky:
    """Fails with the given errors in turn, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "answer"


def refused() -> PeerUnavailable:
    return PeerUnavailable("runner", "cannot connect", outcome="connect_error", retryable=True)


async def test_repeats_safe_failures_until_an_answer() -> None:
    retries: list[tuple[str, int]] = []
    policy = RetryPolicy(lambda: settings(), lambda e, tries, wait: retries.append((e.outcome, tries)))
    attempt = Flaky(refused(), PeerUnavailable("runner", "HTTP 503", outcome="http_503", retryable=True))
    assert await policy.run(attempt) == "answer"
    assert attempt.calls == 3
    assert retries == [("connect_error", 1), ("http_503", 2)]


async def test_gives_up_after_max_tries() -> None:
    policy = RetryPolicy(lambda: settings(max_tries=2))
    attempt = Flaky(refused(), refused(), refused())
    with pytest.raises(PeerUnavailable):
        await policy.run(attempt)
    assert attempt.calls == 2


@pytest.mark.parametrize("error", [
    PeerTimeout("ai_orchestrator", "no answer within 1s"),
    PeerUnavailable("ai_orchestrator", "HTTP 500", outcome="http_5xx"),
    InvalidAnswer("ai_orchestrator", "not JSON"),
    PeerRejected("ai_orchestrator", "HTTP 400"),
])
async def test_never_repeats_what_is_unsafe_or_pointless(error: Exception) -> None:
    policy = RetryPolicy(lambda: settings(max_tries=5))
    attempt = Flaky(error)
    with pytest.raises(type(error)):
        await policy.run(attempt)
    assert attempt.calls == 1


async def test_retry_after_is_a_floor_and_a_long_one_gives_up() -> None:
    policy = RetryPolicy(lambda: settings(backoff_max=1.0))
    attempt = Flaky(PeerUnavailable("archive", "HTTP 429", outcome="rate_limited", retryable=True, retry_after=0.3))
    started = time.monotonic()
    assert await policy.run(attempt) == "answer"
    assert time.monotonic() - started >= 0.3
    attempt = Flaky(PeerUnavailable("archive", "HTTP 429", outcome="rate_limited", retryable=True, retry_after=60))
    started = time.monotonic()
    with pytest.raises(PeerUnavailable):
        await policy.run(attempt)
    assert attempt.calls == 1 and time.monotonic() - started < 0.5


def test_delays_are_full_jitter_exponential_and_capped() -> None:
    waits = retry_delays(0.1, 0.4)
    next(waits)
    seen = [waits.send(None) for _ in range(200)]
    assert all(0.0 <= w <= 0.4 for w in seen)
    assert max(seen[:1]) <= 0.1 and max(seen[10:]) > 0.2  # grows, then stays under the cap
    assert len({round(w, 6) for w in seen}) > 150  # jittered, not a fixed schedule


def test_retry_after_header_forms() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: go now


# -- the concurrency limit beside them (segsvc.peers.client.Limiter) -------------------------------------------

async def test_limiter_hands_slots_over_in_order_and_follows_a_live_limit() -> None:
    import asyncio

    from segsvc.peers.client import Limiter

    limit = [2]
    limiter = Limiter(lambda: limit[0])
    assert await limiter.acquire(0.1) and await limiter.acquire(0.1)
    assert await limiter.acquire(0.05) is False  # full: gives up at the timeout
    order: list[int] = []

    async def wait(i: int) -> None:
        assert await limiter.acquire(1.0)
        order.append(i)

    waiters = [asyncio.create_task(wait(i)) for i in range(3)]
    await asyncio.sleep(0.01)
    limiter.release()
    await asyncio.sleep(0.01)
    assert order == [0] and limiter.in_use == 2
    limit[0] = 4  # raised live: the next release lets the rest in
    limiter.release()
    await asyncio.gather(*waiters)
    assert order == [0, 1, 2] and limiter.in_use == 3


async def test_limiter_slot_is_not_lost_when_a_waiter_is_cancelled() -> None:
    import asyncio

    from segsvc.peers.client import Limiter

    limiter = Limiter(lambda: 1)
    assert await limiter.acquire(0.1)
    waiter = asyncio.create_task(limiter.acquire(1.0))
    await asyncio.sleep(0.01)
    limiter.release()  # handed to the waiter...
    waiter.cancel()  # ...which is cancelled before it runs again
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert limiter.in_use == 0
    assert await limiter.acquire(0.1)
