"""What the jobs layer needs from the outside: a store, a queue and an event sink.

Two implementations of each exist: NATS (``segsvc.messaging.job_backend``: KV bucket, JetStream work queue,
event stream) for any number of instances, and the in-process one (:mod:`segsvc.jobs.memory`) for a single
instance. Adapters raise only the errors defined here or :class:`~segsvc.service.errors.Unavailable`, so
nothing above them sees a foreign exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from segsvc.jobs.model import Job, JobEvent
from segsvc.service.errors import Unavailable


class RevisionConflict(Exception):
    """Someone else changed the job since it was read; read again and retry the change."""


class QueueFull(Unavailable):
    code = "queue_full"
    title = "Job queue full"


@dataclass(frozen=True)
class Versioned:
    job: Job
    revision: int


class JobStore(Protocol):
    async def get(self, job_id: str) -> Versioned | None:
        """The job and its revision, or None when unknown (or expired)."""

    async def create(self, job: Job) -> Versioned | None:
        """Store a new job; None when a job with that id already exists."""

    async def replace(self, job: Job, revision: int) -> Versioned:
        """Store ``job`` if the stored revision is still ``revision``, else raise :class:`RevisionConflict`."""

    async def claim(self, key: str, value: str) -> str:
        """Store ``value`` under ``key`` unless a value is there already; return the value that is stored."""

    def watch(self, job_id: str, stop: asyncio.Event) -> AsyncIterator[Job]:
        """The job now, then after each change, until the caller stops iterating or ``stop`` is set."""

    async def aclose(self) -> None: ...


class Delivery(Protocol):
    """One delivery of a queued item to this instance; exactly one of ack/nak should follow."""

    @property
    def item_id(self) -> str: ...

    @property
    def attempt(self) -> int:
        """1 for the first delivery, 2 for the first redelivery, ..."""

    async def ack(self) -> None: ...

    async def nak(self, delay: float) -> None: ...

    async def in_progress(self) -> None: ...


class WorkQueue(Protocol):
    """A work queue shared by every instance: each item goes to one worker at a time until acknowledged."""

    async def publish(self, item_id: str, *, dedup_id: str | None = None) -> None:
        """Enqueue ``item_id``; a second publish with the same ``dedup_id`` (default: the id) is dropped."""

    async def fetch(self, max_items: int, timeout: float) -> Sequence[Delivery]:
        """Up to ``max_items`` deliveries, waiting at most ``timeout`` seconds for the first one."""


class EventSink(Protocol):
    async def publish(self, job: Job, event: JobEvent) -> None:
        """Announce a state change (``segmentation.*``); publishing the same event twice is harmless."""
