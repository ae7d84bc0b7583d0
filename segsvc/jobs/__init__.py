"""Segmentation jobs: submitted once, worked on by any instance, followed until a terminal state.

``model`` holds the states and allowed transitions, ``service`` the operations the transports share,
``worker`` and ``callbacks`` the background parts, ``memory`` the single-instance backend; the NATS
backend lives with the other NATS code in :mod:`segsvc.messaging`.
"""

from segsvc.jobs.callbacks import CallbackSender, sign
from segsvc.jobs.memory import LogEventSink, MemoryJobStore, MemoryQueue
from segsvc.jobs.model import STATUSES, TERMINAL, TRANSITIONS, Job, JobEvent, advance
from segsvc.jobs.service import JobService
from segsvc.jobs.worker import JobWorker

__all__ = ["STATUSES", "TERMINAL", "TRANSITIONS", "CallbackSender", "Job", "JobEvent", "JobService", "JobWorker",
           "LogEventSink", "MemoryJobStore", "MemoryQueue", "advance", "sign"]
