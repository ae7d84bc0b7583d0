"""One blocking-query watch loop for every Consul watch (KV configuration, peer health).

Modelled on Consul's own ``api/watch`` plan: a fetch function, a handler, and a loop that owns Consul's
index rules (https://developer.hashicorp.com/consul/api-docs/features/blocking):

* the index must move forward: when it goes backwards the watch resets to 0 and reads afresh;
* an index below 1 is treated as 1, so a broken answer cannot turn the loop into a busy poll;
* an unchanged index means nothing changed: the handler is not called again;
* consecutive calls are spaced by a minimum interval (rate limit), and failures back off with the
  square of the number of consecutive failures, jittered and capped.

The loop takes its clock and sleep as arguments so the rules are unit-tested without Consul or time.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)

Fetch = Callable[[int], Awaitable[tuple[int, T]]]
Handler = Callable[[int, T], Awaitable[None] | None]
ErrorHandler = Callable[[Exception, int], None]


def next_index(previous: int, returned: int) -> int:
    """Consul's index rules: reset when it goes backwards, never below 1."""
    if returned < previous:
        return 0
    return max(returned, 1)


def backoff_delay(failures: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Quadratic back-off with full jitter in the upper half: ``base * failures²`` capped at ``cap``."""
    delay = min(cap, base * failures * failures)
    jitter = (rng or random).uniform(0.5, 1.0)
    return delay * jitter


@dataclass
class WatchPlan(Generic[T]):
    name: str
    fetch: Fetch[T]
    handler: Handler[T]
    on_error: ErrorHandler | None = None
    min_interval: float = 0.05
    retry_base: float = 0.5
    retry_cap: float = 10.0
    clock: Callable[[], float] = field(default=lambda: asyncio.get_running_loop().time())
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
    index: int = 0
    failures: int = 0
    calls: int = 0
    _task: asyncio.Task[None] | None = field(default=None, init=False, repr=False)
    _stopping: bool = field(default=False, init=False, repr=False)

    async def run_once(self) -> None:
        """One fetch and, when the index moved, one handler call; failures are counted, not raised."""
        self.calls += 1
        try:
            returned, result = await self.fetch(self.index)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.failures += 1
            if self.on_error is not None:
                self.on_error(exc, self.failures)
            return
        self.failures = 0
        new = next_index(self.index, returned)
        if new == 0:
            log.info("watch index went backwards; reading afresh", extra={"watch": self.name})
            self.index = 0
            return
        if new == self.index:
            return
        self.index = new
        try:
            outcome = self.handler(new, result)
            if outcome is not None:
                await outcome
        except Exception:  # a handler bug must not end the watch
            log.exception("watch handler failed", extra={"watch": self.name})

    async def run(self) -> None:
        """Loop until cancelled.

        A cancellation can be lost on the way down (Python 3.11's ``asyncio.wait_for`` returns a result that
        arrived in the same instant instead of raising; the code here uses ``asyncio.timeout`` for that
        reason, but a library below may not), so the loop also ends at its next turn once :meth:`stop` began.
        """
        while not self._stopping:
            started = self.clock()
            await self.run_once()
            if self.failures:
                await self.sleep(backoff_delay(self.failures, base=self.retry_base, cap=self.retry_cap))
            else:
                spent = self.clock() - started
                if spent < self.min_interval:
                    await self.sleep(self.min_interval - spent)

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self.run(), name=f"watch:{self.name}")

    async def stop(self) -> None:
        """Cancel the loop, including a blocking request in flight."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
