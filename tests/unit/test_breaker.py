"""The breaker adapter: pybreaker's state machine driven from asyncio, one half-open trial at a time."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from segsvc.config.settings import BreakerSettings
from segsvc.peers.breaker import Breaker
from segsvc.peers.errors import BreakerOpen, PeerRejected, PeerTimeout, PeerUnavailable


class Settings:
    def __init__(self, fail_max: int = 3, reset_timeout: float = 0.2) -> None:
        self.value = BreakerSettings(fail_max=fail_max, reset_timeout=reset_timeout)

    def __call__(self) -> BreakerSettings:
        return self.value


def make(fail_max: int = 3, reset_timeout: float = 0.2) -> tuple[Breaker, Settings, list[tuple[str, str]]]:
    settings = Settings(fail_max, reset_timeout)
    changes: list[tuple[str, str]] = []
    breaker = Breaker("ai_orchestrator", settings, lambda b, old, new: changes.append((old, new)))
    return breaker, settings, changes


async def fail() -> None:
    raise PeerUnavailable("ai_orchestrator", "HTTP 500", outcome="http_5xx")


async def ok() -> str:
    return "fine"


async def trip(breaker: Breaker, times: int) -> None:
    for _ in range(times):
        with pytest.raises(PeerUnavailable):
            await breaker.call(fail)


async def test_opens_after_fail_max_and_refuses_without_calling() -> None:
    breaker, _, changes = make(fail_max=3)
    await trip(breaker, 2)
    assert breaker.state == "closed"
    with pytest.raises(PeerUnavailable):  # the failure that trips it is reported as itself
        await breaker.call(fail)
    assert breaker.state == "open" and changes == [("closed", "open")]
    called = []

    async def spy() -> None:
        called.append(1)

    with pytest.raises(BreakerOpen):
        await breaker.call(spy)
    assert called == []
    assert breaker.describe()["last_failure"] == "http_5xx: HTTP 500"


async def test_successful_trial_after_reset_closes_it() -> None:
    breaker, _, changes = make(fail_max=1, reset_timeout=0.1)
    await trip(breaker, 1)
    with pytest.raises(BreakerOpen):
        await breaker.call(ok)
    await asyncio.sleep(0.12)
    assert await breaker.call(ok) == "fine"
    assert breaker.state == "closed"
    assert changes == [("closed", "open"), ("open", "half-open"), ("half-open", "closed")]


async def test_failed_trial_reopens_for_another_period() -> None:
    breaker, _, _ = make(fail_max=1, reset_timeout=0.1)
    await trip(breaker, 1)
    await asyncio.sleep(0.12)
    with pytest.raises(PeerUnavailable):
        await breaker.call(fail)
    assert breaker.state == "open"
    with pytest.raises(BreakerOpen):
        await breaker.call(ok)
    assert breaker.describe()["retry_in_seconds"] > 0.05


async def test_half_open_admits_one_trial_at_a_time() -> None:
    breaker, _, _ = make(fail_max=1, reset_timeout=0.05)
    await trip(breaker, 1)
    await asyncio.sleep(0.07)
    entered = []
    release = asyncio.Event()

    async def slow_trial() -> str:
        entered.append(1)
        await release.wait()
        return "fine"

    trial = asyncio.create_task(breaker.call(slow_trial))
    await asyncio.sleep(0.01)
    assert breaker.state == "half-open" and breaker.describe()["trial_in_progress"] is True
    others = await asyncio.gather(*(breaker.call(slow_trial) for _ in range(20)), return_exceptions=True)
    assert all(isinstance(o, BreakerOpen) for o in others)
    assert entered == [1]
    release.set()
    assert await trial == "fine"
    assert breaker.state == "closed"
    assert await breaker.call(ok) == "fine"


async def test_rejections_do_not_count_but_timeouts_do() -> None:
    breaker, _, _ = make(fail_max=2)

    async def reject() -> None:
        raise PeerRejected("ai_orchestrator", "HTTP 400")

    async def slow() -> None:
        raise PeerTimeout("ai_orchestrator", "no answer within 1s")

    for _ in range(5):
        with pytest.raises(PeerRejected):
            await breaker.call(reject)
    assert breaker.state == "closed"
    for _ in range(2):
        with pytest.raises(PeerTimeout):
            await breaker.call(slow)
    assert breaker.state == "open"


async def test_settings_are_read_live() -> None:
    breaker, settings, _ = make(fail_max=5, reset_timeout=30)
    await trip(breaker, 2)
    settings.value = BreakerSettings(fail_max=3, reset_timeout=0.05)
    with pytest.raises(PeerUnavailable):
        await breaker.call(fail)
    assert breaker.state == "open"
    assert breaker.describe()["fail_max"] == 3
    await asyncio.sleep(0.07)  # the shorter reset applies to a breaker that is already open
    assert await breaker.call(ok) == "fine"


async def test_cancelled_trial_reopens_but_cancelled_call_does_not_count() -> None:
    breaker, _, _ = make(fail_max=2, reset_timeout=0.05)

    async def hang() -> Any:
        await asyncio.sleep(10)

    task = asyncio.create_task(breaker.call(hang))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert breaker.state == "closed" and breaker.describe()["failures"] == 0
    await trip(breaker, 2)
    await asyncio.sleep(0.07)
    task = asyncio.create_task(breaker.call(hang))
    await asyncio.sleep(0.01)
    assert breaker.state == "half-open"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert breaker.state == "open"  # an unfinished trial proves nothing good


async def test_check_refuses_fast_only_while_no_trial_is_due() -> None:
    breaker, _, _ = make(fail_max=1, reset_timeout=0.05)
    breaker.check()  # closed: nothing to say
    await trip(breaker, 1)
    with pytest.raises(BreakerOpen, match=r"last failure: http_5xx: HTTP 500"):
        breaker.check()
    await asyncio.sleep(0.07)
    breaker.check()  # a trial is due: let the caller build its request
