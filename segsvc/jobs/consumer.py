"""The pull loop shared by the job worker and the callback sender.

It fetches only as many items as it has free slots (``limit``), so an instance never holds more work
than it can do: the rest waits in the shared queue for whichever instance frees a slot first. That is the
backpressure. A failing queue (NATS away) is retried with a growing pause, never given up on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from segsvc.jobs.ports import Delivery, WorkQueue
from segsvc.service.errors import ServiceError

log = logging.getLogger(__name__)


class QueueConsumer:
    def __init__(self, name: str, queue: WorkQueue, handle: Callable[[Delivery], Coroutine[Any, Any, None]],
                 limit: Callable[[], int], *, fetch_timeout: float = 1.0) -> None:
        self.name = name
        self.queue = queue
        self.handle = handle
        self.limit = limit
        self.fetch_timeout = fetch_timeout
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()

    @property
    def in_flight(self) -> int:
        return len(self._running)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=f"{self.name}-pull")

    async def _loop(self) -> None:
        failures = 0
        while True:
            free = self.limit() - len(self._running)
            if free <= 0:
                await asyncio.wait(set(self._running), return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                deliveries = await self.queue.fetch(free, self.fetch_timeout)
            except ServiceError as exc:
                failures += 1
                if failures == 1 or failures % 50 == 0:
                    log.warning("cannot fetch from the queue; retrying", extra={"consumer": self.name,
                                                                                "failures": failures,
                                                                                "error": exc.detail})
                await asyncio.sleep(min(2.0, 0.1 * 2 ** min(failures, 5)))
                continue
            if failures:
                log.info("fetching from the queue again", extra={"consumer": self.name, "failures": failures})
                failures = 0
            for delivery in deliveries:
                task = asyncio.create_task(self.handle(delivery))
                self._running.add(task)
                task.add_done_callback(self._running.discard)

    async def stop(self, grace: float) -> None:
        """Stop fetching, give running items ``grace`` seconds, then cancel them (unacknowledged, so redelivered)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._running:
            _, pending = await asyncio.wait(set(self._running), timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
