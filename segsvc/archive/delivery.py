"""How a record reaches the Archive Service: JetStream when NATS is configured, HTTP otherwise or as well.

JetStream (``archive.segmentation.records``, message id = record id) is preferred: the record then waits
in the stream however long the archive is away, and JetStream drops a repeated id. When NATS is not
configured, or is unreachable, ``POST /api/v1/records`` is tried (with the outbound client's retries and
breaker). When neither takes the record the caller keeps it (the outbox).

If no stream captures the archive subjects when NATS connects, one is created (``archive.stream``), so
records published before the archive first starts are kept; a stream the archive made itself is used as
it is. Nothing here may break the shared NATS set-up: failures are logged, never raised.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import nats.js.errors
from nats.js import JetStreamContext

from segsvc.config.store import ConfigStore
from segsvc.messaging.client import NatsClient
from segsvc.messaging.errors import MessagingUnavailable
from segsvc.messaging.jetstream import StreamSpec, ensure_stream, publish
from segsvc.peers.archive import ArchiveClient
from segsvc.peers.errors import PeerError, PeerRejected

log = logging.getLogger(__name__)
RECORDS_SUBJECT = "archive.segmentation.records"
METRICS_SUBJECT = "archive.segmentation.metrics"
STREAM_MAX_AGE = 7 * 86400.0


class DeliveryFailed(Exception):
    """Neither JetStream nor HTTP took the record; it waits in the outbox."""


class RecordRejected(Exception):
    """The archive answered that it will never take this record (a 4xx); retrying cannot help."""


class ArchiveDelivery:
    def __init__(self, config: ConfigStore, http: ArchiveClient, nats_client: NatsClient | None) -> None:
        self.config = config
        self.http = http
        self.nats = nats_client
        if nats_client is not None:
            nats_client.on_connect(self.set_up)

    @property
    def channels(self) -> list[str]:
        """The ways a record can go right now, best first."""
        out = ["jetstream"] if self.nats is not None else []
        if self.http.configured:
            out.append("http")
        return out

    async def set_up(self, js: JetStreamContext) -> None:
        """Make sure a stream keeps the archive subjects; never raises (it runs in the shared NATS set-up)."""
        try:
            missing = []
            for subject in (RECORDS_SUBJECT, METRICS_SUBJECT):
                try:
                    await js.find_stream_name_by_subject(subject)
                except nats.js.errors.NotFoundError:
                    missing.append(subject)
            if missing:
                settings = self.config.settings
                await ensure_stream(js, StreamSpec(settings.archive.stream, tuple(missing), work_queue=False,
                                                   max_age=STREAM_MAX_AGE, replicas=settings.nats.replicas))
                log.info("created the archive stream", extra={"stream": settings.archive.stream,
                                                              "subjects": missing})
        except Exception as exc:  # the archive then falls back to HTTP and the outbox
            log.warning("could not set up the archive stream; records go over HTTP or wait in the outbox",
                        extra={"error": f"{type(exc).__name__}: {exc}"})

    async def deliver(self, record: dict[str, Any]) -> str:
        """Deliver one record; the channel that took it. Raises DeliveryFailed or RecordRejected."""
        errors = []
        data = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()  # once, for either way
        if self.nats is not None:
            try:
                await publish(self.nats, RECORDS_SUBJECT, data, msg_id=str(record["record_id"]))
                return "jetstream"
            except MessagingUnavailable as exc:
                errors.append(exc.detail)
        if self.http.configured:
            try:
                await self.http.send(record, data)
                return "http"
            except PeerRejected as exc:
                raise RecordRejected(exc.detail) from None
            except PeerError as exc:
                errors.append(exc.detail)
        raise DeliveryFailed("; ".join(errors) or "no archive channel configured")

    async def publish_summary(self, summary: dict[str, Any]) -> bool:
        """One metric summary on JetStream; False when it could not go (it is merged into the next one)."""
        if self.nats is None:
            return False
        data = json.dumps(summary, ensure_ascii=False).encode()
        try:
            await publish(self.nats, METRICS_SUBJECT, data, msg_id=str(summary["summary_id"]))
        except MessagingUnavailable as exc:
            log.info("metric summary not published; it is merged into the next one", extra={"error": exc.detail})
            return False
        return True
