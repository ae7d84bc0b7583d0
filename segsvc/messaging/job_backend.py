"""The jobs backend on NATS (DESIGN §8): KV bucket for state, a work-queue stream for work, events stream.

Layout (created idempotently by every instance on every connection):

- stream ``SEGSVC_JOBS`` (work queue, file storage): ``segsvc.jobs.submit`` (message id = job id) read by
  the durable consumer ``segsvc-workers``; ``segsvc.jobs.callback`` (message id = ``<job id>.callback``)
  read by ``segsvc-callbacks``. Both consumers are shared by every instance, ack explicitly, redeliver
  after ``jobs.ack_wait`` and stop after a bounded number of deliveries.
- KV bucket ``segsvc_jobs``: one key per job (its id, the JSON job with its event history) and one per
  idempotency key (``idem.<sha256 of the key>`` → job id), all expiring after ``jobs.ttl``.
- stream ``SEGSVC_EVENTS``: ``segmentation.status_changed`` for every change, ``segmentation.completed``
  and ``segmentation.failed`` for those ends (message ids ``<job id>.<sequence>``/``<job id>.<status>``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from nats.js import JetStreamContext

from segsvc.config.settings import JobsSettings, NatsSettings
from segsvc.jobs.model import Job, JobEvent
from segsvc.jobs.ports import RevisionConflict, Versioned
from segsvc.messaging.client import NatsClient
from segsvc.messaging.errors import KeyExists, WrongRevision
from segsvc.messaging.jetstream import (
    ConsumerSpec,
    KvBucket,
    PullQueue,
    StreamSpec,
    ensure_bucket,
    ensure_consumer,
    ensure_stream,
    publish,
)

JOBS_STREAM = "SEGSVC_JOBS"
SUBMIT_SUBJECT = "segsvc.jobs.submit"
CALLBACK_SUBJECT = "segsvc.jobs.callback"
WORKERS = "segsvc-workers"
CALLBACK_WORKERS = "segsvc-callbacks"
BUCKET = "segsvc_jobs"
EVENTS_STREAM = "SEGSVC_EVENTS"
EVENT_SUBJECTS = ("segmentation.*",)


class NatsJobStore:
    def __init__(self, bucket: KvBucket) -> None:
        self.bucket = bucket

    async def get(self, job_id: str) -> Versioned | None:
        entry = await self.bucket.get(job_id)
        if entry is None or not entry[0]:
            return None
        return Versioned(Job.model_validate_json(entry[0]), entry[1])

    async def create(self, job: Job) -> Versioned | None:
        try:
            revision = await self.bucket.create(job.job_id, job.model_dump_json().encode())
        except KeyExists:
            return None
        return Versioned(job, revision)

    async def replace(self, job: Job, revision: int) -> Versioned:
        try:
            new_revision = await self.bucket.update(job.job_id, job.model_dump_json().encode(), revision)
        except WrongRevision:
            raise RevisionConflict(job.job_id) from None
        return Versioned(job, new_revision)

    async def claim(self, key: str, value: str) -> str:
        try:
            await self.bucket.create(key, value.encode())
            return value
        except KeyExists:
            entry = await self.bucket.get(key)
            if entry is None:  # expired between the two calls: claim it now
                return await self.claim(key, value)
            return entry[0].decode()

    async def watch(self, job_id: str, stop: asyncio.Event) -> AsyncIterator[Job]:
        async for value, _ in self.bucket.watch(job_id, stop):
            yield Job.model_validate_json(value)

    async def aclose(self) -> None:
        return None


class NatsEventSink:
    def __init__(self, client: NatsClient) -> None:
        self.client = client

    async def publish(self, job: Job, event: JobEvent) -> None:
        body = event.model_dump()
        if event.status == "completed" and job.document is not None:
            body["alt_id"] = job.document["id"]
        if event.status == "failed" and job.error is not None:
            body["error"] = job.error
        data = json.dumps(body, ensure_ascii=False).encode()
        await publish(self.client, "segmentation.status_changed", data, msg_id=f"{job.job_id}.{event.sequence}")
        if event.status in ("completed", "failed"):
            await publish(self.client, f"segmentation.{event.status}", data, msg_id=f"{job.job_id}.{event.status}")


class NatsJobBackend:
    """Store, queues and event sink over one :class:`NatsClient`; registers its set-up with the client."""

    def __init__(self, client: NatsClient, jobs: JobsSettings, nats: NatsSettings) -> None:
        self.client = client
        self.jobs_settings = jobs
        self.replicas = nats.replicas
        self.workers = ConsumerSpec(JOBS_STREAM, WORKERS, SUBMIT_SUBJECT, ack_wait=jobs.ack_wait,
                                    max_deliver=jobs.max_deliveries + 1)
        self.callback_workers = ConsumerSpec(JOBS_STREAM, CALLBACK_WORKERS, CALLBACK_SUBJECT, ack_wait=jobs.ack_wait,
                                             max_deliver=jobs.callbacks.max_attempts + 2)
        self.store = NatsJobStore(KvBucket(client, BUCKET))
        self.queue = PullQueue(client, SUBMIT_SUBJECT, self.workers)
        self.callbacks = PullQueue(client, CALLBACK_SUBJECT, self.callback_workers)
        self.events = NatsEventSink(client)
        client.on_connect(self.set_up)

    async def set_up(self, js: JetStreamContext) -> None:
        ttl = self.jobs_settings.ttl
        await ensure_stream(js, StreamSpec(JOBS_STREAM, (SUBMIT_SUBJECT, CALLBACK_SUBJECT), work_queue=True,
                                           max_age=ttl, replicas=self.replicas,
                                           max_msgs=self.jobs_settings.max_queued))
        await ensure_stream(js, StreamSpec(EVENTS_STREAM, EVENT_SUBJECTS, work_queue=False, max_age=ttl,
                                           replicas=self.replicas))
        await ensure_consumer(js, self.workers)
        await ensure_consumer(js, self.callback_workers)
        await ensure_bucket(js, BUCKET, ttl, self.replicas)
