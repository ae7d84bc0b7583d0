"""The in-process job store, work queue and event sink: one instance, no NATS.

Used when ``NATS_URL`` is not set (the service says so at start-up). They keep the same contracts as the
NATS adapters (revisions, claim-once keys, deduplicated publishes, redelivery after a nak, TTL), so the job
service and the worker cannot tell them apart; what they cannot give is survival of a restart or sharing
between instances.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass, field
from typing import Any

from segsvc.jobs.model import Job, JobEvent
from segsvc.jobs.ports import Delivery, QueueFull, RevisionConflict, Versioned

log = logging.getLogger(__name__)


class MemoryJobStore:
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._jobs: dict[str, tuple[Versioned, float]] = {}
        self._keys: dict[str, tuple[str, float]] = {}
        self._revision = 0
        self._changed: dict[str, asyncio.Event] = {}

    def _expire(self) -> None:
        now = time.monotonic()
        for table in (self._jobs, self._keys):
            for key in [k for k, (_, expires) in table.items() if expires <= now]:
                del table[key]

    def _put(self, job: Job) -> Versioned:
        self._revision += 1
        stored = Versioned(job, self._revision)
        self._jobs[job.job_id] = (stored, time.monotonic() + self.ttl)
        changed = self._changed.pop(job.job_id, None)
        if changed is not None:
            changed.set()
        return stored

    async def get(self, job_id: str) -> Versioned | None:
        self._expire()
        entry = self._jobs.get(job_id)
        return entry[0] if entry else None

    async def create(self, job: Job) -> Versioned | None:
        self._expire()
        if job.job_id in self._jobs:
            return None
        return self._put(job)

    async def replace(self, job: Job, revision: int) -> Versioned:
        entry = self._jobs.get(job.job_id)
        if entry is None or entry[0].revision != revision:
            raise RevisionConflict(job.job_id)
        return self._put(job)

    async def claim(self, key: str, value: str) -> str:
        self._expire()
        stored = self._keys.setdefault(key, (value, time.monotonic() + self.ttl))
        return stored[0]

    async def watch(self, job_id: str, stop: asyncio.Event) -> AsyncIterator[Job]:
        seen = 0
        while not stop.is_set():
            entry = self._jobs.get(job_id)
            if entry is None:
                return
            if entry[0].revision != seen:
                seen = entry[0].revision
                yield entry[0].job
                continue
            changed = self._changed.setdefault(job_id, asyncio.Event())
            await _first(changed.wait(), stop.wait())

    async def aclose(self) -> None:
        self._jobs.clear()
        self._keys.clear()


async def _first(*waits: Coroutine[Any, Any, Any]) -> None:
    """Wait until the first of the given coroutines finishes; cancel the others."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


@dataclass
class _MemoryDelivery:
    queue: MemoryQueue
    item_id: str
    attempt: int
    done: bool = field(default=False)

    async def ack(self) -> None:
        self.done = True

    async def nak(self, delay: float) -> None:
        if not self.done:
            self.done = True
            self.queue._redeliver(self.item_id, self.attempt + 1, delay)

    async def in_progress(self) -> None:
        return None


class MemoryQueue:
    """A FIFO with deduplication of pending items and delayed redelivery after a nak."""

    def __init__(self, max_queued: int, dedup_window: float = 120.0) -> None:
        self.max_queued = max_queued
        self.dedup_window = dedup_window
        self._items: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
        self._recent: OrderedDict[str, float] = OrderedDict()

    async def publish(self, item_id: str, *, dedup_id: str | None = None) -> None:
        now = time.monotonic()
        while self._recent and next(iter(self._recent.values())) <= now:
            self._recent.popitem(last=False)
        key = dedup_id or item_id
        if key in self._recent:
            return
        if self._items.qsize() >= self.max_queued:
            raise QueueFull(f"{self._items.qsize()} jobs are waiting (jobs.max_queued); retry later")
        self._recent[key] = now + self.dedup_window
        self._items.put_nowait((item_id, 1))

    async def fetch(self, max_items: int, timeout: float) -> list[Delivery]:
        try:
            async with asyncio.timeout(timeout):
                first = await self._items.get()
        except TimeoutError:
            return []
        batch = [first]
        while len(batch) < max_items and not self._items.empty():
            batch.append(self._items.get_nowait())
        return [_MemoryDelivery(self, item_id, attempt) for item_id, attempt in batch]

    def _redeliver(self, item_id: str, attempt: int, delay: float) -> None:
        asyncio.get_running_loop().call_later(delay, self._items.put_nowait, (item_id, attempt))


class LogEventSink:
    """Without NATS nobody outside this process can subscribe to events; they go to the DEBUG log."""

    async def publish(self, job: Job, event: JobEvent) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("job event", extra={"job_id": job.job_id, "sequence": event.sequence,
                                          "status": event.status})
