"""A job and the only ways its state may change.

Pure data and pure functions (no I/O): the worker, the HTTP and gRPC transports and both stores (NATS KV,
in-process) share them, so a transition that is not in :data:`TRANSITIONS` cannot happen anywhere. Each
change appends a :class:`JobEvent` with the next sequence number to the job itself; the history travels with
the state, which is what lets SSE and ``WatchJob`` replay every change in order from any instance.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

JobStatus = Literal["queued", "segmenting", "segmented", "dispatched", "running", "completed", "failed",
                    "cancelled"]
STATUSES: tuple[JobStatus, ...] = ("queued", "segmenting", "segmented", "dispatched", "running", "completed",
                                   "failed", "cancelled")
TERMINAL: frozenset[str] = frozenset({"completed", "failed", "cancelled"})
# queued -> segmenting -> segmented -> dispatched -> running -> completed | failed | cancelled. A job that is
# not dispatched completes straight from segmented; only a queued job can be cancelled.
TRANSITIONS: dict[str, frozenset[str]] = {
    "queued": frozenset({"segmenting", "cancelled", "failed"}),
    "segmenting": frozenset({"segmented", "failed"}),
    "segmented": frozenset({"dispatched", "completed", "failed"}),
    "dispatched": frozenset({"running", "completed", "failed"}),
    "running": frozenset({"completed", "failed"}),
    "completed": frozenset(),
    "failed": frozenset(),
    "cancelled": frozenset(),
}


class InvalidTransition(ValueError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"a {current} job cannot become {target}")
        self.current = current
        self.target = target


class JobEvent(BaseModel):
    """One state change; ``sequence`` is 1 for the job's creation and grows by one per change."""

    model_config = ConfigDict(extra="forbid")

    job_id: str
    sequence: int
    status: JobStatus
    previous_status: JobStatus | None = None
    at: str
    detail: str = ""
    instance_id: str = ""


class CallbackState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["pending", "delivered", "failed"] = "pending"
    attempts: int = 0
    last_error: str | None = None
    delivered_at: str | None = None


class Job(BaseModel):
    """The stored job. ``document`` is always the ALT document; the requested format is applied on output."""

    model_config = ConfigDict(extra="forbid")

    job_id: str
    status: JobStatus
    created_at: str
    updated_at: str
    request: dict[str, Any]
    dispatch: bool = False
    callback_url: str | None = None
    attempts: int = 0
    document: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    last_error: str | None = None
    events: list[JobEvent]
    callback: CallbackState | None = None
    fingerprint: str | None = None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_job(job_id: str, request: dict[str, Any], *, dispatch: bool, callback_url: str | None,
            instance_id: str, fingerprint: str | None = None, now: str | None = None) -> Job:
    at = now or utc_now()
    return Job(job_id=job_id, status="queued", created_at=at, updated_at=at, request=request, dispatch=dispatch,
               callback_url=callback_url, fingerprint=fingerprint,
               callback=CallbackState() if callback_url else None,
               events=[JobEvent(job_id=job_id, sequence=1, status="queued", at=at, detail="accepted",
                                instance_id=instance_id)])


def advance(job: Job, target: JobStatus, *, instance_id: str, detail: str = "", now: str | None = None,
            **changes: Any) -> Job:
    """``job`` moved to ``target`` with one more event; raises :class:`InvalidTransition` when not allowed."""
    if target not in TRANSITIONS[job.status]:
        raise InvalidTransition(job.status, target)
    at = now or utc_now()
    event = JobEvent(job_id=job.job_id, sequence=len(job.events) + 1, status=target, previous_status=job.status,
                     at=at, detail=detail, instance_id=instance_id)
    return job.model_copy(update={"status": target, "updated_at": at, "events": [*job.events, event], **changes})
