"""Build the jobs part of an instance: NATS-backed when ``nats.url`` is set, in-process otherwise.

Called once by the composition root (:class:`segsvc.runtime.Runtime`); the only jobs module that knows
which adapters exist. Tests build the same parts and may swap any of them before the runtime starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from segsvc.config.store import ConfigStore
from segsvc.jobs.callbacks import CallbackSender
from segsvc.jobs.memory import LogEventSink, MemoryJobStore, MemoryQueue
from segsvc.jobs.ports import WorkQueue
from segsvc.jobs.service import JobService
from segsvc.jobs.worker import JobWorker
from segsvc.lifecycle import Component
from segsvc.messaging import NatsClient, NatsJobBackend
from segsvc.observability.metrics import Metrics
from segsvc.service.health import Health
from segsvc.service.segmentation import SegmentationService


@dataclass
class JobsParts:
    service: JobService
    worker: JobWorker
    callbacks: CallbackSender
    nats: NatsClient | None

    def components(self) -> list[Component]:
        """The NATS connection (stage client) when there is one, then the worker and the callback sender."""
        parts: list[Component] = [self.nats] if self.nats is not None else []
        return [*parts, self.worker, self.callbacks]


def build_jobs(config: ConfigStore, segmentation: SegmentationService, metrics: Metrics, health: Health) -> JobsParts:
    settings = config.settings
    nats: NatsClient | None = None
    queue: WorkQueue
    callback_queue: WorkQueue
    if settings.nats.url:
        nats = NatsClient(settings.nats, health, client_name=segmentation.identity.instance_id)
        backend = NatsJobBackend(nats, settings.jobs, settings.nats)
        service = JobService(segmentation, backend.store, backend.queue, backend.events, backend.callbacks, config,
                             metrics, backend="nats")
        queue = backend.queue
        callback_queue = backend.callbacks
    else:
        queue = MemoryQueue(settings.jobs.max_queued)
        callback_queue = MemoryQueue(settings.jobs.max_queued)
        service = JobService(segmentation, MemoryJobStore(settings.jobs.ttl), queue, LogEventSink(), callback_queue,
                             config, metrics, backend="memory")
    return JobsParts(service, JobWorker(service, queue, config, health),
                     CallbackSender(service, callback_queue, config), nats)
