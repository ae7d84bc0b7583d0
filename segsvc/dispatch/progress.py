"""Runner progress into job state and events, from NATS ``runner.progress.<alt_id>`` or the HTTP callback.

A report is a JSON object; only ``status`` matters for the job's state, the rest becomes the event's
detail::

    {"status": "running", "task_id": "s1", "task_status": "completed", "progress": 0.5, "message": "..."}

``status`` words are read leniently (running/in_progress/started, completed/succeeded/done,
failed/error/cancelled, accepted/queued); a report that moves the job (dispatched → running → completed or
failed) is a transition, any other report on a live job is recorded as a progress event in the same state,
so an SSE client sees every report in the order it was applied. Reports for a finished job are ignored
(the runner may repeat itself). A report that arrives before this instance recorded the hand-over (the
runner can be that fast) first records ``dispatched``.
"""

from __future__ import annotations

import logging
from typing import Any

from segsvc.jobs.model import Job, JobEvent, advance, utc_now
from segsvc.jobs.service import JobService
from segsvc.observability.metrics import Metrics
from segsvc.service.errors import InvalidRequest, NotFound, problem_body

log = logging.getLogger(__name__)
RUNNING = frozenset({"running", "in_progress", "in-progress", "processing", "started", "executing"})
COMPLETED = frozenset({"completed", "complete", "succeeded", "success", "done", "finished"})
FAILED = frozenset({"failed", "failure", "error", "errored", "cancelled", "canceled", "aborted", "timeout",
                    "timed_out", "rejected"})
DETAIL_LIMIT = 500


def status_word(report: dict[str, Any]) -> str:
    """The report's state word, lower case (``status``, or ``state`` as some runners name it)."""
    return str(report.get("status") or report.get("state") or "").strip().lower()


def moves_job(report: dict[str, Any]) -> bool:
    """Whether the report's state word changes a job's state (rather than only adding a progress event)."""
    return status_word(report) in RUNNING | COMPLETED | FAILED


def describe(report: dict[str, Any]) -> str:
    """One line for the event: ``task s1 completed (50%): message``."""
    parts = []
    if report.get("task_id") is not None:
        parts.append(f"task {report['task_id']}")
        if report.get("task_status") is not None:
            parts.append(str(report["task_status"]))
    elif report.get("status") is not None:
        parts.append(f"runner: {report['status']}")
    progress = report.get("progress")
    if isinstance(progress, int | float) and not isinstance(progress, bool):
        parts.append(f"({progress * 100 if progress <= 1 else progress:.0f}%)")
    text = " ".join(parts)
    message = report.get("message") or report.get("detail")
    if isinstance(message, str) and message:
        text = f"{text}: {message}" if text else message
    error = report.get("error")
    if error and not message:
        text = f"{text}: {error if isinstance(error, str) else error!r}"
    return text[:DETAIL_LIMIT] or "runner progress"


def note(job: Job, detail: str, *, instance_id: str) -> Job:
    """An event that records something about a live job without changing its state (runner progress, waits)."""
    event = JobEvent(job_id=job.job_id, sequence=len(job.events) + 1, status=job.status,
                     previous_status=job.status, at=utc_now(), detail=detail, instance_id=instance_id)
    return job.model_copy(update={"events": [*job.events, event], "updated_at": event.at})


def apply(job: Job, report: dict[str, Any], *, instance_id: str) -> Job | None:
    """The job after ``report``, or None when it does not change (finished job, nothing to say)."""
    if job.terminal or job.status in ("queued", "segmenting"):
        return None
    word = status_word(report)
    detail = describe(report)
    if job.status == "segmented":  # the runner answered before this instance recorded the hand-over
        job = advance(job, "dispatched", instance_id=instance_id, detail="handed to the Runner Service")
    if word in COMPLETED:
        return advance(job, "completed", instance_id=instance_id, detail=detail)
    if word in FAILED:
        problem = problem_body(502, "runner_failed", "The Runner Service failed the job", detail)
        return advance(job, "failed", instance_id=instance_id, detail=detail, error=problem)
    if word in RUNNING and job.status == "dispatched":
        return advance(job, "running", instance_id=instance_id, detail=detail)
    return note(job, detail, instance_id=instance_id)


class ProgressRelay:
    """Applies runner reports to jobs through the job service (atomic, announced, any instance)."""

    def __init__(self, jobs: JobService, metrics: Metrics) -> None:
        self.jobs = jobs
        self.metrics = metrics

    async def job_for_alt(self, alt_id: str) -> str | None:
        """The job that dispatched ALT document ``alt_id`` (recorded before the hand-over)."""
        owner = await self.jobs.store.claim(alt_key(alt_id), "-")
        return None if owner == "-" else owner

    async def report(self, job_id: str, report: Any, *, source: str) -> Job:
        """Apply one report; NotFound for an unknown job, InvalidRequest for a report that is not an object."""
        if not isinstance(report, dict):
            raise InvalidRequest("a runner report must be a JSON object",
                                 errors=[{"field": "body", "message": "must be a JSON object"}])
        try:
            await self.jobs.get(job_id)
        except NotFound:
            self.metrics.runner_progress.labels(source, "unknown_job").inc()
            raise
        me = self.jobs.instance_id
        job, changed = await self.jobs.change(job_id, lambda j: apply(j, report, instance_id=me))
        self.metrics.runner_progress.labels(source, "applied" if changed else "ignored").inc()
        if changed:
            log.info("runner progress", extra={"job_id": job_id, "status": job.status, "source": source})
        return job


def alt_key(alt_id: str) -> str:
    return f"alt.{alt_id}"
