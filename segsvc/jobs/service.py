"""The job service: submit, read, cancel and follow jobs; the one place that changes a stored job.

Both transports (HTTP, gRPC) and the worker use it, so a job reads the same over HTTP and gRPC and every
change goes through :meth:`JobService.change`: optimistic concurrency on the store revision (two instances
racing on one job cannot both win a transition), then the events of the change are published. Event and
callback publishes carry deterministic ids, so repeating them after a crash or a lost acknowledgement is
harmless, which is why :meth:`reannounce` may be called whenever a job is seen again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import uuid
from collections.abc import AsyncGenerator, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from segsvc.config.store import ConfigStore
from segsvc.jobs.model import TERMINAL, Job, JobEvent, advance, new_job
from segsvc.jobs.ports import EventSink, JobStore, RevisionConflict, WorkQueue
from segsvc.models.document import to_runner
from segsvc.observability.metrics import Metrics
from segsvc.service.errors import InvalidRequest, NotFound, ServiceError, Unavailable
from segsvc.service.segmentation import SegmentationService

log = logging.getLogger(__name__)

JOB_OPTIONS = ("dispatch", "callback_url")
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
# The same pattern is published in the OpenAPI schema of callback_url.
CALLBACK_URL = re.compile(r"^https?://[^\s/?#]+([/?#]\S*)?$")
CALLBACK_URL_MAX = 2048
API_BASE = "/api/v1/jobs"
# Attempts at one change when other instances keep changing the same job first.
MAX_CONFLICTS = 20


class JobNotCancellable(ServiceError):
    status = 409
    code = "job_not_cancellable"
    title = "Job cannot be cancelled"


class IdempotencyKeyReused(ServiceError):
    status = 422
    code = "idempotency_key_reused"
    title = "Idempotency key reused with a different request"


def links(job_id: str) -> dict[str, str]:
    return {"self": f"{API_BASE}/{job_id}", "events": f"{API_BASE}/{job_id}/events"}


def check_idempotency_key(key: str | None, field: str = "Idempotency-Key") -> str | None:
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise InvalidRequest(f"{field}: 1 to 255 visible ASCII characters",
                             errors=[{"field": field, "message": "1 to 255 visible ASCII characters"}])
    return key


def _check_options(body: Mapping[str, Any]) -> tuple[bool, str | None, list[dict[str, str]]]:
    errors: list[dict[str, str]] = []
    dispatch = body.get("dispatch", False)
    if not isinstance(dispatch, bool):
        errors.append({"field": "dispatch", "message": "must be a boolean"})
        dispatch = False
    url = body.get("callback_url")
    if url is not None and not _valid_callback_url(url):
        errors.append({"field": "callback_url", "message": "must be an absolute http or https URL"})
        url = None
    return dispatch, url, errors


def _valid_callback_url(url: Any) -> bool:
    if not isinstance(url, str) or len(url) > CALLBACK_URL_MAX or not CALLBACK_URL.fullmatch(url):
        return False
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False


class JobService:
    def __init__(self, segmentation: SegmentationService, store: JobStore, queue: WorkQueue, events: EventSink,
                 callbacks: WorkQueue, config: ConfigStore, metrics: Metrics, *, backend: str) -> None:
        self.segmentation = segmentation
        self.store = store
        self.queue = queue
        self.events = events
        self.callbacks = callbacks
        self.config = config
        self.metrics = metrics
        self.backend = backend
        self.instance_id = segmentation.identity.instance_id
        self._closing = asyncio.Event()

    # -- submitting -----------------------------------------------------------------------------------------

    def validate(self, body: Any) -> tuple[dict[str, Any], bool, str | None, str]:
        """(segment request as sent, dispatch, callback_url, fingerprint); all field errors at once."""
        if not isinstance(body, Mapping):
            raise InvalidRequest("the request body must be a JSON object",
                                 errors=[{"field": "body", "message": "must be a JSON object"}])
        dispatch, callback_url, errors = _check_options(body)
        request_body = {k: v for k, v in body.items() if k not in JOB_OPTIONS}
        try:
            request = self.segmentation.parse_request(request_body)
        except InvalidRequest as exc:
            errors = exc.errors + errors
            raise InvalidRequest("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors) from None
        if errors:
            raise InvalidRequest("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors)
        canonical = json.dumps([request.model_dump(mode="json"), dispatch, callback_url], sort_keys=True)
        fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
        return request.model_dump(mode="json", exclude_unset=True), dispatch, callback_url, fingerprint

    async def submit(self, body: Any, idempotency_key: str | None = None) -> tuple[Job, bool]:
        """Queue a job; returns (job, replayed). The same idempotency key returns the same job."""
        request, dispatch, callback_url, fingerprint = self.validate(body)
        job_id = str(uuid.uuid4())
        if idempotency_key is not None:
            key = "idem." + hashlib.sha256(idempotency_key.encode()).hexdigest()
            owner = await self.store.claim(key, job_id)
            if owner != job_id:
                existing = await self._wait_for(owner)
                if existing is not None:
                    if existing.fingerprint != fingerprint:
                        raise IdempotencyKeyReused(
                            "this Idempotency-Key was used for a different request; use a new key",
                            errors=[{"field": "Idempotency-Key", "message": "already used for another request"}])
                    if existing.status == "queued":  # heal a publish lost to an outage (duplicates are dropped)
                        await self.queue.publish(existing.job_id)
                        await self.reannounce(existing)
                    return existing, True
                job_id = owner  # the first submitter never stored its job: finish it under the same id
        job = new_job(job_id, request, dispatch=dispatch, callback_url=callback_url, instance_id=self.instance_id,
                      fingerprint=fingerprint)
        if await self.store.create(job) is None:
            stored = await self.store.get(job_id)
            if stored is None:
                raise Unavailable("the job store lost a job while it was being created; retry")
            return stored.job, True
        await self.queue.publish(job_id)
        await self.events.publish(job, job.events[0])
        self.metrics.jobs_submitted.labels(self.backend).inc()
        return job, False

    async def _wait_for(self, job_id: str, attempts: int = 10, pause: float = 0.1) -> Job | None:
        """A job another request is creating right now (it claimed the idempotency key a moment ago)."""
        for attempt in range(attempts):
            stored = await self.store.get(job_id)
            if stored is not None:
                return stored.job
            if attempt + 1 < attempts:
                await asyncio.sleep(pause)
        return None

    # -- reading --------------------------------------------------------------------------------------------

    async def get(self, job_id: str) -> Job:
        stored = await self.store.get(job_id) if _plausible_id(job_id) else None
        if stored is None:
            raise NotFound(f"no job {job_id!r} (unknown, or expired after jobs.ttl)")
        return stored.job

    async def follow(self, job_id: str, after: int = 0) -> AsyncGenerator[JobEvent, None]:
        """Every event after sequence ``after``, in order, ending with the terminal one.

        Raises :class:`NotFound` before yielding anything when the job is unknown. Stops early (without a
        terminal event) when the service shuts down; a client then resumes elsewhere from its last sequence.
        """
        await self.get(job_id)
        sent = after
        async for job in self.store.watch(job_id, self._closing):
            for event in job.events[sent:]:
                yield event
                sent = event.sequence
            if job.terminal and sent >= len(job.events):
                return

    def close_watches(self) -> None:
        """End every :meth:`follow` stream (shutdown): long-lived streams must not hold the server open."""
        self._closing.set()

    def document(self, job: Job) -> dict[str, Any] | None:
        """The result in the format the job asked for (the ALT document or its runner rendering)."""
        if job.document is None:
            return None
        return to_runner(job.document) if job.request.get("format") == "runner" else job.document

    def present(self, job: Job) -> dict[str, Any]:
        """The job as the HTTP API shows it."""
        return {
            "job_id": job.job_id, "status": job.status, "created_at": job.created_at, "updated_at": job.updated_at,
            "request": job.request, "dispatch": job.dispatch, "callback_url": job.callback_url,
            "attempts": job.attempts, "result": self.document(job), "error": job.error,
            "events": [e.model_dump() for e in job.events],
            "callback": job.callback.model_dump() if job.callback else None,
            "links": links(job.job_id),
        }

    # -- changing -------------------------------------------------------------------------------------------

    async def cancel(self, job_id: str) -> Job:
        def to_cancelled(job: Job) -> Job | None:
            if job.status == "cancelled":
                return None
            if job.status != "queued":
                raise JobNotCancellable(f"the job is {job.status}; only a queued job can be cancelled")
            return advance(job, "cancelled", instance_id=self.instance_id, detail="cancelled by request")

        await self.get(job_id)
        job, changed = await self.change(job_id, to_cancelled)
        if not changed:
            await self.reannounce(job)
        return job

    async def change(self, job_id: str, change: Callable[[Job], Job | None]) -> tuple[Job, bool]:
        """Apply ``change`` to the stored job atomically; (job, whether it changed).

        ``change`` returns None to leave the job as it is. It runs again on the fresh state when another
        writer got there first, so it must be a pure function of the job it is given.
        """
        for _ in range(MAX_CONFLICTS):
            current = await self.store.get(job_id)
            if current is None:
                raise NotFound(f"no job {job_id!r}")
            updated = change(current.job)
            if updated is None:
                return current.job, False
            try:
                stored = await self.store.replace(updated, current.revision)
            except RevisionConflict:
                continue
            await self._announce(current.job, stored.job)
            return stored.job, True
        raise Unavailable(f"job {job_id} kept changing under this instance; retry")

    async def _announce(self, before: Job, after: Job) -> None:
        for event in after.events[len(before.events):]:
            await self.events.publish(after, event)
        if after.terminal and not before.terminal:
            self.metrics.jobs_finished.labels(self.backend, after.status).inc()
            await self._enqueue_callback(after)

    async def reannounce(self, job: Job) -> None:
        """Publish the job's events and its pending callback again; duplicates are dropped downstream."""
        for event in job.events:
            await self.events.publish(job, event)
        await self._enqueue_callback(job)

    async def _enqueue_callback(self, job: Job) -> None:
        if job.status in TERMINAL and job.callback is not None and job.callback.status == "pending":
            await self.callbacks.publish(job.job_id, dedup_id=f"{job.job_id}.callback")


def _plausible_id(job_id: str) -> bool:
    """Ids are uuid4 strings; anything else cannot name a job (and must not reach a KV key)."""
    try:
        return str(uuid.UUID(job_id)) == job_id
    except ValueError:
        return False
