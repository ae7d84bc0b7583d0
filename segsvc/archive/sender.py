"""The archive sender: a background component that gets every record to the Archive Service, eventually.

Hand-off (:meth:`ArchiveSender.submit`) is what the request path pays: one ``put_nowait`` into a bounded
in-memory queue. It never waits; when the queue is full the record spills straight to the on-disk
outbox. Two tasks then do the work:

* **live**: takes up to ``archive.batch_size`` records from the queue, delivers them concurrently
  (JetStream, else HTTP; see :mod:`segsvc.archive.delivery`) and writes the ones that failed to the
  outbox, in the order they were made. With the archive away its breaker is open, so a failure costs
  next to nothing.
* **drain**: while the outbox holds records, delivers them oldest first, one at a time, so that what
  waited reaches the archive in the order it was made; when a delivery fails it pauses (jittered,
  doubling up to ``archive.retry_max``) and tries the same record again.

On stop it waits briefly for deliveries in flight, then writes everything still in memory to the outbox,
which the next start delivers first: a restart loses nothing. A record is dropped only when the outbox is
at its cap (counted in ``segsvc_archive_records{outcome="dropped"}`` and logged).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from segsvc.archive.delivery import ArchiveDelivery, DeliveryFailed, RecordRejected
from segsvc.archive.outbox import Outbox
from segsvc.archive.records import Encrypt, Outcome, build_record, seal
from segsvc.archive.summary import Summary
from segsvc.config.loader import ConfigSnapshot
from segsvc.config.store import ConfigStore
from segsvc.lifecycle import Stage
from segsvc.observability.metrics import Metrics
from segsvc.service.health import Health, Status

log = logging.getLogger(__name__)
STOP_WAIT = 2.0  # how long stop() lets deliveries in flight finish before they are written to the outbox


class ArchiveSender:
    name = "archive"
    stage: Stage = "background"

    def __init__(self, config: ConfigStore, delivery: ArchiveDelivery, metrics: Metrics, health: Health, *,
                 instance_id: str, service_version: str, encrypt: Encrypt | None = None) -> None:
        settings = config.settings.archive
        self.config = config
        self.delivery = delivery
        self.metrics = metrics
        self.health = health
        self.instance_id = instance_id
        self.service_version = service_version
        self.encrypt = encrypt  # JWE of the document (security.encryption), applied before it leaves memory
        self.outbox = Outbox(settings.outbox_dir, settings.outbox_max_records)
        self.summary = Summary()
        self._queue: asyncio.Queue[Outcome] = asyncio.Queue(settings.queue_size)
        self._unconfirmed: dict[str, dict[str, Any]] = {}
        self._waiting = asyncio.Event()  # set while the outbox holds records
        self._tasks: list[asyncio.Task[None]] = []
        self._inflight: asyncio.Future[Any] | None = None
        self._running = False
        self._opened = False
        self._health: tuple[Status, str] | None = None
        self.active = self._is_active(config.settings)
        config.subscribe(self._on_config_change)

    # -- hand-off (hot path) --------------------------------------------------------------------------------

    def submit(self, outcome: Outcome) -> None:
        """Take one segmentation's outcome; returns at once, whatever the archive is doing."""
        if not self.active:
            return
        if self._running:
            try:
                self._queue.put_nowait(outcome)
                return
            except asyncio.QueueFull:
                pass
        self._spill(self._record(outcome))

    # -- lifecycle ------------------------------------------------------------------------------------------

    async def start(self) -> None:
        if self.active:  # an instance without an archive leaves no directory behind
            self._open_outbox()
        self._running = True
        self._tasks = [asyncio.create_task(_forever("archive live delivery", self._live), name="archive-live"),
                       asyncio.create_task(_forever("archive outbox", self._drain), name="archive-outbox"),
                       asyncio.create_task(self._summarise(), name="archive-summaries")]
        if not self.active:
            log.info("archive: not configured (no NATS, no Consul discovery, no peers.archive.url); "
                     "segmentation records are not kept")
        else:
            log.info("archive: records go via %s", " then ".join(self.delivery.channels) or "the outbox only",
                     extra={"outbox": str(self.outbox.directory), "waiting": len(self.outbox)})
        self._report()

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        """Let deliveries in flight finish for a moment, then keep everything unsent in the outbox."""
        self._running = False
        if self._inflight is not None and not self._inflight.done():
            await asyncio.wait({self._inflight}, timeout=STOP_WAIT)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        kept = 0
        for record in list(self._unconfirmed.values()):
            self._spill(record)
            kept += 1
        self._unconfirmed.clear()
        while not self._queue.empty():
            self._spill(self._record(self._queue.get_nowait()))
            kept += 1
        if kept:
            log.info("archive: records kept in the outbox for the next start", extra={"records": kept})
        self._update_gauges()

    # -- live records ---------------------------------------------------------------------------------------

    async def _live(self) -> None:
        """Deliver one batch from the queue; failures go to the outbox in the order the records were made."""
        self._update_gauges()
        batch = [await self._queue.get()]
        limit = self.config.settings.archive.batch_size
        while len(batch) < limit and not self._queue.empty():
            batch.append(self._queue.get_nowait())
        records = [self._record(outcome) for outcome in batch]
        for record in records:
            self._unconfirmed[record["record_id"]] = record
        self._inflight = asyncio.gather(*(self._deliver_live(r) for r in records))
        try:
            delivered = await self._inflight
        finally:
            self._inflight = None
        for record, ok in zip(records, delivered, strict=True):
            if self._unconfirmed.pop(record["record_id"], None) is not None and not ok:
                self._spill(record)
        self._report()

    async def _deliver_live(self, record: dict[str, Any]) -> bool:
        """True when the record needs nothing more (delivered, or refused and set aside)."""
        try:
            channel = await self.delivery.deliver(record)
        except RecordRejected as exc:
            self._dead_letter(record, str(exc))
            return True
        except DeliveryFailed as exc:
            log.debug("archive delivery failed; record kept in the outbox", extra={"error": str(exc)})
            return False
        except Exception:
            log.exception("archive delivery failed unexpectedly; record kept in the outbox",
                          extra={"record_id": record["record_id"]})
            return False
        self.metrics.archive_records.labels(channel).inc()
        return True

    # -- the outbox -----------------------------------------------------------------------------------------

    async def _drain(self) -> None:
        """Deliver the outbox oldest first until it is empty; pause between failed attempts."""
        await self._waiting.wait()
        failures = 0
        while len(self.outbox):
            if await self._deliver_oldest():
                failures = 0
                continue
            failures += 1
            self._report()
            await asyncio.sleep(self._pause(failures))
        self._waiting.clear()
        log.info("archive outbox delivered")
        self._report()

    async def _deliver_oldest(self) -> bool:
        """Deliver the outbox's oldest record; True when the outbox moved on (delivered or set aside)."""
        found = self.outbox.oldest()
        if found is None:
            return True
        name, record = found
        try:
            channel = await self.delivery.deliver(record)
        except RecordRejected as exc:
            log.error("archive refused a record; moved to the outbox's rejected/ directory",
                      extra={"record_id": record["record_id"], "error": str(exc)})
            self.outbox.reject(name)
            self.metrics.archive_records.labels("dead_letter").inc()
            return True
        except DeliveryFailed as exc:
            log.debug("archive still unreachable", extra={"error": str(exc), "waiting": len(self.outbox)})
            return False
        self.outbox.remove(name)
        self.metrics.archive_records.labels(channel).inc()
        self.metrics.archive_records.labels("outbox_delivered").inc()
        self.metrics.archive_outbox.set(len(self.outbox))
        return True

    def _pause(self, failures: int) -> float:
        cap = self.config.settings.archive.retry_max
        return min(cap, 0.25 * 2 ** min(failures, 10)) * random.uniform(0.5, 1.0)

    # -- records --------------------------------------------------------------------------------------------

    def _record(self, outcome: Outcome) -> dict[str, Any]:
        record = build_record(outcome, instance_id=self.instance_id, service_version=self.service_version)
        self.summary.add(record)
        return seal(record, self.encrypt)

    def _spill(self, record: dict[str, Any]) -> None:
        self._open_outbox()
        if self.outbox.append(record):
            self.metrics.archive_records.labels("spilled").inc()
        else:
            self.metrics.archive_records.labels("dropped").inc()
        self.metrics.archive_outbox.set(len(self.outbox))
        if len(self.outbox):
            self._waiting.set()
        self._report()

    def _dead_letter(self, record: dict[str, Any], reason: str) -> None:
        log.error("archive refused a record; kept in the outbox's rejected/ directory",
                  extra={"record_id": record["record_id"], "error": reason})
        self._open_outbox()
        self.outbox.set_aside(record)
        self.metrics.archive_records.labels("dead_letter").inc()

    def _open_outbox(self) -> None:
        if not self._opened:
            self.outbox.open()
            self._opened = True
            if len(self.outbox):
                self._waiting.set()

    # -- summaries, health, configuration -------------------------------------------------------------------

    async def _summarise(self) -> None:
        while True:
            await asyncio.sleep(self.config.settings.archive.metrics_interval)
            if not self.summary.segmentations:
                continue
            summary = self.summary.build(instance_id=self.instance_id, service_version=self.service_version,
                                         delivery={"outbox": len(self.outbox), "dropped": self.outbox.dropped,
                                                   "queue": self._queue.qsize()})
            if await self.delivery.publish_summary(summary):
                self.summary.reset()

    def _update_gauges(self) -> None:
        self.metrics.archive_outbox.set(len(self.outbox))
        self.metrics.archive_queue.set(self._queue.qsize())

    def _report(self) -> None:
        state: tuple[Status, str]
        if not self.active:
            state = ("disabled", "no archive configured (NATS, Consul discovery or peers.archive.url)")
        elif not self.delivery.channels:  # nothing known to deliver to: a deployment fact, not a failure
            state = ("disabled", f"no archive instance known yet: {len(self.outbox)} records wait in the outbox")
        elif len(self.outbox):
            state = ("degraded", f"archive unreachable: {len(self.outbox)} records wait in the outbox")
        else:
            state = ("ok", "records delivered via " + " or ".join(self.delivery.channels))
        if state != self._health:
            self._health = state
            self.health.report("archive", state[0], state[1])

    @staticmethod
    def _is_active(settings: Any) -> bool:
        enabled = settings.archive.enabled
        if enabled is not None:
            return bool(enabled)
        return bool(settings.nats.url or settings.discovery_mode != "static" or settings.peers.archive.url)

    def _on_config_change(self, old: ConfigSnapshot, new: ConfigSnapshot) -> None:
        self.active = self._is_active(new.settings)
        if self._running:
            self._health = None
            self._report()


async def _forever(what: str, step: Callable[[], Awaitable[None]]) -> None:
    """Run ``step`` again and again; an unexpected error is logged and the work goes on after a pause."""
    while True:
        try:
            await step()
        except Exception:
            log.exception("%s failed; going on", what)
            await asyncio.sleep(1.0)
