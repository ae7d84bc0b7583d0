"""Hand segmented jobs to the Runner Service, and keep trying while it is away (DESIGN §7).

The job worker calls :meth:`RunnerDispatch.dispatch` once a ``dispatch: true`` job is ``segmented``; from
there this module owns the job until it is ``dispatched`` or ``failed``:

* the Runner accepts (2xx) → ``dispatched``, with its ``request_id``/``alt_file_id`` in the event;
* the Runner refuses (4xx) → ``failed`` with its answer as the reason (repeating would not help);
* no Runner is configured at all (static mode without ``peers.runner.url``) → ``failed``
  (``dispatch_unavailable``), since no amount of waiting brings one;
* 5xx, a timeout, a refused connection or an open breaker → the job stays ``segmented`` (one event says
  it waits, and why) and goes on a retry queue of its own. Retries back off (``runner.retry_delay``
  doubling up to ``runner.retry_max_delay``, jittered) for up to ``runner.give_up_after``, then fail.

The retry queue is a JetStream work queue (``SEGSVC_DISPATCH``, unlimited deliveries) when NATS is
configured, so any instance carries on after a restart, and the in-process queue otherwise. Before the
hand-over the ALT id is mapped to the job (``alt.<alt_id>`` in the job store) so that progress on
``runner.progress.<alt_id>`` finds its job from any instance.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from nats.js import JetStreamContext

from segsvc.config.settings import Settings
from segsvc.config.store import ConfigStore
from segsvc.discovery.registration import advertise_address
from segsvc.dispatch.progress import alt_key, apply, moves_job, note
from segsvc.jobs.consumer import QueueConsumer
from segsvc.jobs.memory import MemoryQueue
from segsvc.jobs.model import Job, advance
from segsvc.jobs.ports import Delivery, WorkQueue
from segsvc.jobs.service import JobService
from segsvc.lifecycle import Stage
from segsvc.messaging.client import NatsClient
from segsvc.messaging.jetstream import ConsumerSpec, PullQueue, StreamSpec, ensure_consumer, ensure_stream
from segsvc.models.document import to_runner
from segsvc.observability.logging import request_id_var
from segsvc.observability.metrics import Metrics
from segsvc.peers.errors import NotConfigured, PeerError, PeerRejected
from segsvc.peers.runner import RunnerClient
from segsvc.service.errors import ServiceError, problem_body

log = logging.getLogger(__name__)
STREAM = "SEGSVC_DISPATCH"
SUBJECT = "segsvc.jobs.dispatch"
DURABLE = "segsvc-dispatchers"
CONCURRENCY = 8


def _since(at: str) -> float:
    return (datetime.now(UTC) - datetime.fromisoformat(at.replace("Z", "+00:00"))).total_seconds()


def segmented_at(job: Job) -> str:
    """When the job became ``segmented`` (the wait for the Runner is measured from there)."""
    return next((e.at for e in reversed(job.events) if e.status == "segmented" and e.previous_status != "segmented"),
                job.updated_at)


class RunnerDispatch:
    """The worker's dispatcher and the component that retries hand-overs (stage ``background``)."""

    name = "runner-dispatch"
    stage: Stage = "background"

    def __init__(self, jobs: JobService, runner: RunnerClient, config: ConfigStore, metrics: Metrics, *,
                 nats_client: NatsClient | None, callback_base: Callable[[], str]) -> None:
        self.jobs = jobs
        self.runner = runner
        self.config = config
        self.metrics = metrics
        self.callback_base = callback_base
        self.queue: WorkQueue
        if nats_client is not None:
            settings = config.settings
            self._consumer_spec = ConsumerSpec(STREAM, DURABLE, SUBJECT, ack_wait=settings.jobs.ack_wait,
                                               max_deliver=-1)
            self.queue = PullQueue(nats_client, SUBJECT, self._consumer_spec)
            nats_client.on_connect(self._set_up)
        else:
            self.queue = MemoryQueue(config.settings.jobs.max_queued)
        self.consumer = QueueConsumer("runner-dispatch", self.queue, self._retry, lambda: CONCURRENCY)

    async def _set_up(self, js: JetStreamContext) -> None:
        settings = self.config.settings
        await ensure_stream(js, StreamSpec(STREAM, (SUBJECT,), work_queue=True, max_age=settings.jobs.ttl,
                                           replicas=settings.nats.replicas, max_msgs=settings.jobs.max_queued))
        await ensure_consumer(js, self._consumer_spec)

    async def start(self) -> None:
        self.consumer.start()

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        await self.consumer.stop(self.config.settings.shutdown.grace_seconds)

    # -- the worker's hook ----------------------------------------------------------------------------------

    async def dispatch(self, job: Job) -> None:
        """First hand-over, from the job worker; a Runner that is away puts the job on the retry queue."""
        if await self._attempt(job) == "waiting":
            await self.queue.publish(job.job_id, dedup_id=f"{job.job_id}.dispatch")

    async def _retry(self, delivery: Delivery) -> None:
        if delivery.attempt == 1:  # the worker tried a moment ago: wait the first back-off before trying again
            await _quietly(delivery.nak(self._delay(1)))
            return
        try:
            stored = await self.jobs.store.get(delivery.item_id)
            job = stored.job if stored is not None else None
            if job is None or job.status != "segmented" or not job.dispatch:
                await delivery.ack()
                return
            settings = self.config.settings.runner
            if _since(segmented_at(job)) > settings.give_up_after:
                await self._fail(job, 503, "runner_unavailable", "Runner Service unavailable",
                                 f"the Runner Service did not take the job for {settings.give_up_after:g}s "
                                 f"(runner.give_up_after); last error: {job.last_error}")
                self.metrics.runner_dispatches.labels("given_up").inc()
                await delivery.ack()
                return
            if await self._attempt(job) == "waiting":
                await delivery.nak(self._delay(delivery.attempt))
            else:
                await delivery.ack()
        except ServiceError as exc:  # the job store or queue away: try again later
            log.warning("dispatch retry could not run; it will come back", extra={"job_id": delivery.item_id,
                                                                                   "error": exc.detail})
            await _quietly(delivery.nak(self._delay(delivery.attempt)))
        except Exception:
            log.exception("dispatch retry failed unexpectedly; it will come back", extra={"job_id": delivery.item_id})
            await _quietly(delivery.nak(self._delay(delivery.attempt)))

    def _delay(self, attempt: int) -> float:
        settings = self.config.settings.runner
        return min(settings.retry_max_delay, settings.retry_delay * 2 ** max(0, attempt - 2)) * random.uniform(0.5, 1)

    # -- one hand-over --------------------------------------------------------------------------------------

    def render(self, job: Job) -> dict[str, Any]:
        """The runner rendering, telling the Runner where progress goes (NATS subject, callback URL)."""
        assert job.document is not None
        document = to_runner(job.document)
        base = self.callback_base().rstrip("/")
        document["metadata"] = {**document["metadata"], "job_id": job.job_id,
                                "progress_subject": f"runner.progress.{document['id']}",
                                "callback_url": f"{base}/api/v1/runner/callbacks/{job.job_id}"}
        return document

    async def _attempt(self, job: Job) -> str:
        """``dispatched``, ``failed`` or ``waiting``."""
        token = request_id_var.set(job.job_id)  # the job id names this work in the peer logs
        try:
            document = self.render(job)
            await self.jobs.store.claim(alt_key(document["id"]), job.job_id)
            try:
                accepted = await self.runner.process(document)
            except NotConfigured as exc:
                if self.config.settings.discovery_mode == "static":
                    await self._fail(job, 503, "dispatch_unavailable", "Dispatch unavailable",
                                     f"no Runner Service is configured (peers.runner.url): {exc.reason}")
                    self.metrics.runner_dispatches.labels("unconfigured").inc()
                    return "failed"
                return await self._wait(job, exc)
            except PeerRejected as exc:
                await self._fail(job, 502, "runner_rejected", "Runner Service rejected the job", exc.reason)
                self.metrics.runner_dispatches.labels("rejected").inc()
                return "failed"
            except PeerError as exc:
                return await self._wait(job, exc)
            detail = "handed to the Runner Service" + "".join(
                f", {name} {value}" for name, value in (("request_id", accepted.request_id),
                                                        ("alt_file_id", accepted.alt_file_id),
                                                        ("status", accepted.status)) if value)
            me = self.jobs.instance_id
            answer = {"status": accepted.status, "message": "answer to the hand-over"}

            def handed_over(j: Job) -> Job | None:
                if j.status != "segmented":
                    return None
                j = advance(j, "dispatched", instance_id=me, detail=detail)
                # A Runner that did the work at once (or started it) says so in its answer.
                return (apply(j, answer, instance_id=me) or j) if moves_job(answer) else j

            await self.jobs.change(job.job_id, handed_over)
            self.metrics.runner_dispatches.labels("accepted").inc()
            return "dispatched"
        finally:
            request_id_var.reset(token)

    async def _wait(self, job: Job, exc: PeerError) -> str:
        """Leave the job ``segmented``; one event says it waits, later failures only update ``last_error``."""
        me = self.jobs.instance_id
        reason = exc.summary

        def waiting(j: Job) -> Job | None:
            if j.status != "segmented":
                return None
            if j.last_error is None or not j.last_error.startswith("runner "):
                j = note(j, f"waiting for the Runner Service ({reason}); dispatch will be retried", instance_id=me)
            return j.model_copy(update={"last_error": f"runner {reason}"})

        await self.jobs.change(job.job_id, waiting)
        self.metrics.runner_dispatches.labels("deferred").inc()
        log.warning("Runner Service unavailable; the job waits and dispatch is retried",
                    extra={"job_id": job.job_id, "error": reason})
        return "waiting"

    async def _fail(self, job: Job, status: int, code: str, title: str, detail: str) -> None:
        me = self.jobs.instance_id
        problem = problem_body(status, code, title, detail)
        await self.jobs.change(job.job_id, lambda j: advance(
            j, "failed", instance_id=me, detail=detail, error=problem) if j.status == "segmented" else None)


async def _quietly(step: Awaitable[None]) -> None:
    """A nak that fails is harmless: the queue redelivers after its ack wait anyway."""
    try:
        await step
    except Exception:
        log.debug("dispatch queue acknowledgement failed", exc_info=True)


def callback_base_url(settings: Settings, http_port: int) -> str:
    """``runner.callback_base_url``, else this instance's address and HTTP port as the Runner can reach them.

    The address is ``consul.advertise_address`` when set, else the HTTP listener's own address when it is a
    specific one (127.0.0.1 on a test bench), else the host's first non-loopback address.
    """
    if settings.runner.callback_base_url:
        return settings.runner.callback_base_url
    scheme = "https" if settings.security.tls.cert_file else "http"
    bound = settings.http.host
    host = (settings.consul.advertise_address or (bound if bound not in ("", "0.0.0.0", "::") else None)
            or advertise_address(None))
    return f"{scheme}://{'[' + host + ']' if ':' in host else host}:{http_port}"
