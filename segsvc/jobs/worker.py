"""The job worker: takes jobs from the shared queue and moves them to a terminal state.

Crash safety rests on two rules. A delivery is acknowledged only after the state it led to is stored, so a
worker that dies mid-job leaves the message to be redelivered (after ``jobs.ack_wait``) to any instance,
which carries on from the stored state. And every step is a guarded transition (see
:meth:`JobService.change`), so a job delivered twice cannot be completed twice. After
``jobs.max_deliveries`` deliveries without an end the job is failed with the reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from segsvc.config.store import ConfigStore
from segsvc.jobs.consumer import QueueConsumer
from segsvc.jobs.model import Job, advance
from segsvc.jobs.ports import Delivery, WorkQueue
from segsvc.jobs.service import JobService
from segsvc.lifecycle import Stage
from segsvc.service.errors import ServiceError, problem_body
from segsvc.service.health import Health

log = logging.getLogger(__name__)
# Takes a "segmented" job with dispatch set and moves it on itself (dispatched, failed, or kept waiting).
Dispatcher = Callable[[Job], Awaitable[None]]


class JobWorker:
    name = "job-worker"
    stage: Stage = "background"

    def __init__(self, jobs: JobService, queue: WorkQueue, config: ConfigStore, health: Health, *,
                 dispatcher: Dispatcher | None = None) -> None:
        self.jobs = jobs
        self.config = config
        self.health = health
        self.dispatcher = dispatcher
        self.consumer = QueueConsumer("job-worker", queue, self._handle, lambda: config.settings.jobs.max_in_flight)

    async def start(self) -> None:
        if self.jobs.backend == "memory":
            log.warning("jobs use the in-process queue and store (NATS_URL is not set): they stay in this "
                        "instance and are lost when it stops")
            self.health.report("jobs", "ok", "in-process queue and store (single instance, no NATS)")
        else:
            self.health.report("jobs", "ok", "NATS JetStream queue and KV store")
        self.consumer.start()
        log.info("job worker started", extra={"backend": self.jobs.backend,
                                              "max_in_flight": self.config.settings.jobs.max_in_flight})

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        await self.consumer.stop(self.config.settings.shutdown.grace_seconds)

    async def _handle(self, delivery: Delivery) -> None:
        gauge = self.jobs.metrics.jobs_in_flight
        gauge.inc()
        heartbeat = asyncio.create_task(self._keep_alive(delivery))
        try:
            await self.process(delivery.item_id, delivery.attempt)
        except Exception as exc:
            if isinstance(exc, ServiceError):
                log.warning("job attempt failed; it will be redelivered",
                            extra={"job_id": delivery.item_id, "attempt": delivery.attempt, "error": exc.detail})
            else:
                log.exception("job attempt failed; it will be redelivered",
                              extra={"job_id": delivery.item_id, "attempt": delivery.attempt})
            await self._remember_error(delivery.item_id, exc)
            await _quietly(delivery.nak(self.config.settings.jobs.retry_delay))
            return
        finally:
            heartbeat.cancel()
            gauge.dec()
        await _quietly(delivery.ack())

    async def _keep_alive(self, delivery: Delivery) -> None:
        """Tell the queue a long job is still being worked on, so it is not redelivered meanwhile."""
        interval = max(0.5, self.config.settings.jobs.ack_wait / 3)
        while True:
            await asyncio.sleep(interval)
            await _quietly(delivery.in_progress())

    async def process(self, job_id: str, attempt: int) -> None:
        """Carry the job forward from whatever state is stored; returning means the delivery can be acked."""
        stored = await self.jobs.store.get(job_id)
        if stored is None:
            log.warning("delivered job is unknown or expired; dropping it", extra={"job_id": job_id})
            return
        job = stored.job
        if attempt > 1:
            await self.jobs.reannounce(job)  # whatever the previous attempt stored but did not announce
        if job.terminal:
            return
        if attempt > self.config.settings.jobs.max_deliveries:
            await self._give_up(job, attempt)
            return
        job, _ = await self.jobs.change(job_id, lambda j: self._begin(j, attempt))
        if job.status == "segmenting":
            job = await self._segment(job)
        if job.status == "segmented":
            await self._finish(job)

    def _begin(self, job: Job, attempt: int) -> Job | None:
        if job.status == "queued":
            return advance(job, "segmenting", instance_id=self.jobs.instance_id, detail=f"delivery {attempt}",
                           attempts=attempt)
        if job.status == "segmenting" and job.attempts != attempt:  # redelivered: a previous worker stopped
            return job.model_copy(update={"attempts": attempt})
        return None

    async def _segment(self, job: Job) -> Job:
        service = self.jobs.segmentation
        me = self.jobs.instance_id
        try:
            request = service.parse_request(job.request)
            document = await service.segment(request.model_copy(update={"format": "alt"}))
        except ServiceError as exc:
            problem, reason = exc.problem(), exc.detail
            job, _ = await self.jobs.change(job.job_id, lambda j: advance(
                j, "failed", instance_id=me, detail=reason, error=problem) if j.status == "segmenting" else None)
            return job
        detail = f"{len(document['segments'])} segments by {document['metadata'].get('engine', 'rules')}"
        job, _ = await self.jobs.change(job.job_id, lambda j: advance(
            j, "segmented", instance_id=me, detail=detail, document=document) if j.status == "segmenting" else None)
        return job

    async def _finish(self, job: Job) -> None:
        me = self.jobs.instance_id
        if not job.dispatch:
            await self.jobs.change(job.job_id, lambda j: advance(
                j, "completed", instance_id=me, detail="not dispatched") if j.status == "segmented" else None)
            return
        if self.dispatcher is None:
            detail = "dispatch was requested but this instance has no Runner Service client; the document is kept"
            problem = problem_body(503, "dispatch_unavailable", "Dispatch unavailable", detail)
            await self.jobs.change(job.job_id, lambda j: advance(
                j, "failed", instance_id=me, detail=detail, error=problem) if j.status == "segmented" else None)
            return
        # The dispatcher owns the job from here (segsvc.dispatch): it records "dispatched", fails the job when
        # the Runner refuses it, or leaves it "segmented" and retries the hand-over while the Runner is away.
        await self.dispatcher(job)

    async def _give_up(self, job: Job, attempt: int) -> None:
        detail = f"delivered {attempt - 1} times without finishing (jobs.max_deliveries)"
        if job.last_error:
            detail += f"; last error: {job.last_error}"
        problem = problem_body(500, "delivery_limit_reached", "Job failed repeatedly", detail)
        me = self.jobs.instance_id
        await self.jobs.change(job.job_id, lambda j: None if j.terminal else advance(
            j, "failed", instance_id=me, detail=detail, error=problem))

    async def _remember_error(self, job_id: str, exc: Exception) -> None:
        """Keep the reason of a failed attempt for the final failure; best effort (the store may be away)."""
        text = exc.detail if isinstance(exc, ServiceError) else f"{type(exc).__name__}: {exc}"
        try:
            await self.jobs.change(job_id, lambda j: None if j.terminal else j.model_copy(update={"last_error": text}))
        except Exception:
            log.debug("could not record the error of a job attempt", exc_info=True)


async def _quietly(step: Awaitable[None]) -> None:
    """Acks and naks that fail are harmless: the queue redelivers and the stored state decides what happens."""
    try:
        await step
    except Exception:
        log.debug("queue acknowledgement failed", exc_info=True)
