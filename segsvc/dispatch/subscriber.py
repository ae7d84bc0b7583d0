"""Runner progress from NATS: a core subscription on ``runner.progress.>`` shared by every instance.

The subscription is in a queue group, so each report is handled by one instance; job state lives in the
shared store, so which one does not matter. It is made once NATS is connected (and nats-py restores it
after a reconnect). Reports are applied in arrival order, one at a time per instance.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from nats.aio.msg import Msg
from nats.js import JetStreamContext

from segsvc.dispatch.progress import ProgressRelay
from segsvc.lifecycle import Stage
from segsvc.messaging.client import NatsClient
from segsvc.messaging.errors import MessagingUnavailable, translated
from segsvc.service.errors import ServiceError

log = logging.getLogger(__name__)
SUBJECT = "runner.progress.>"
QUEUE_GROUP = "segsvc-runner-progress"


class ProgressSubscriber:
    name = "runner-progress"
    stage: Stage = "background"

    def __init__(self, nats_client: NatsClient, relay: ProgressRelay) -> None:
        self.nats = nats_client
        self.relay = relay
        self._subscription: Any = None
        nats_client.on_connect(self._subscribe)

    async def _subscribe(self, js: JetStreamContext) -> None:
        if self._subscription is None:
            with translated("subscribe to runner progress"):
                self._subscription = await self.nats.core.subscribe(SUBJECT, queue=QUEUE_GROUP, cb=self._on_message)
            log.info("following runner progress", extra={"subject": SUBJECT, "queue": QUEUE_GROUP})

    async def _on_message(self, msg: Msg) -> None:
        alt_id = msg.subject.split(".", 2)[2] if msg.subject.count(".") >= 2 else ""
        try:
            report = json.loads(msg.data)
        except ValueError:
            log.warning("runner progress that is not JSON ignored", extra={"subject": msg.subject})
            return
        try:
            job_id = report.get("job_id") if isinstance(report, dict) else None
            job_id = str(job_id) if job_id else await self.relay.job_for_alt(alt_id)
            if job_id is None:
                self.relay.metrics.runner_progress.labels("nats", "unknown_job").inc()
                log.info("runner progress for an ALT document no job dispatched", extra={"alt_id": alt_id})
                return
            await self.relay.report(job_id, report, source="nats")
        except ServiceError as exc:
            log.warning("runner progress not applied", extra={"alt_id": alt_id, "error": exc.detail})

    async def start(self) -> None:
        return None

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        if self._subscription is not None:
            try:
                with translated("unsubscribe from runner progress"):
                    await self._subscription.unsubscribe()
            except MessagingUnavailable:
                pass
            self._subscription = None
