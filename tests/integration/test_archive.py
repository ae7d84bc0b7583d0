"""Archive records: one per segmentation, delivered over HTTP, kept on disk while the archive is away.

The archive stand-in keeps records by id and counts repeats, so "once per id" is checked literally. The
JetStream path (with a real nats-server) is in ``test_archive_jetstream.py``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from segsvc.archive.delivery import ArchiveDelivery
from segsvc.archive.records import Outcome
from segsvc.archive.sender import ArchiveSender
from segsvc.config import load_config
from segsvc.config.store import ConfigStore
from segsvc.discovery.peers import PeerDirectory
from segsvc.models.alt import AltDocument
from segsvc.observability.metrics import Metrics
from segsvc.peers import PeerClients
from segsvc.service.health import Health
from tests.conftest import base_env
from tests.support.peers import Archive, Orchestrator

FAST = {"SEGSVC_BREAKERS__ARCHIVE__RESET_TIMEOUT": "0.3", "SEGSVC_ARCHIVE__RETRY_MAX": "0.2",
        "SEGSVC_PEERS__ARCHIVE__BACKOFF_BASE": "0.01", "SEGSVC_PEERS__ARCHIVE__TIMEOUT": "1"}


@pytest.fixture
async def archive() -> Any:
    stand_in = await Archive().start()
    yield stand_in
    await stand_in.stop()


async def post(runtime: Any, path: str, body: Any) -> Any:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{runtime.http_port}{path}", json=body) as resp:
            assert resp.status in (200, 202), await resp.text()
            return await resp.json()


async def get(runtime: Any, path: str) -> Any:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{runtime.http_port}{path}") as resp:
            return await resp.json()


async def until(condition: Callable[[], Any], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_every_segmentation_makes_one_record(start_runtime: Any, archive: Archive) -> None:
    orchestrator = await Orchestrator(mode="fail500").start()
    try:
        runtime = await start_runtime(SEGSVC_PEERS__ARCHIVE__URL=archive.url,
                                      SEGSVC_PEERS__AI_ORCHESTRATOR__URL=orchestrator.url, **FAST)
        doc = await post(runtime, "/api/v1/segment", {"command": "Open Firefox and go to wikipedia.org"})
        await until(lambda: len(archive.records) == 1)
        (record,) = archive.records.values()
        assert record["alt_id"] == doc["id"] and record["document"] == doc
        assert record["language"] == "en" and record["task_type_counts"] == {"open": 2}
        assert record["segment_count"] == 2 and record["engine"] == "rules" and record["model"] is None
        assert record["fallback"] is False and record["fallback_reason"] is None
        assert record["status"] == "succeeded" and record["latency_ms"] == doc["metadata"]["processing_time_ms"]
        assert record["timestamp"] == doc["timestamp"] and record["document_encrypted"] is False
        assert archive.seen[0].headers["Idempotency-Key"] == record["record_id"]
        AltDocument.model_validate(record["document"])

        batch = await post(runtime, "/api/v1/segment/batch", {"items": [{"command": "Open the mail app"},
                                                                         {"command": "Toplantı notlarını özetle"}]})
        runner_doc = await post(runtime, "/api/v1/segment", {"command": "Check the logs", "format": "runner"})
        llm = await post(runtime, "/api/v1/segment", {"command": "Check the logs", "engine": "llm"})
        job = await post(runtime, "/api/v1/jobs", {"command": "Download report.pdf"})
        await until(lambda: len(archive.records) == 6)
        by_alt = {r["alt_id"]: r for r in archive.records.values()}
        assert {d["id"] for d in batch["results"]} | {runner_doc["id"], llm["id"]} <= set(by_alt)
        assert by_alt[batch["results"][1]["id"]]["language"] == "tr"
        assert by_alt[llm["id"]]["fallback"] is True
        assert by_alt[llm["id"]]["fallback_reason"].startswith("http_5xx")
        await until(lambda: any(r["task_type_counts"] == {"file": 1} for r in archive.records.values()))
        assert job["job_id"] and archive.repeats == 0
        _, metrics = await asyncio.gather(asyncio.sleep(0), get_text(runtime, "/metrics"))
        assert 'segsvc_archive_records_total{outcome="http"} 6.0' in metrics
    finally:
        await orchestrator.stop()


async def get_text(runtime: Any, path: str) -> str:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{runtime.http_port}{path}") as resp:
            return await resp.text()


async def test_outage_keeps_records_in_order_and_delivers_each_once(start_runtime: Any, archive: Archive,
                                                                   tmp_path: Path) -> None:
    runtime = await start_runtime(SEGSVC_PEERS__ARCHIVE__URL=archive.url, **FAST)
    await archive.refuse()
    alt_ids = []
    for i in range(25):
        alt_ids.append((await post(runtime, "/api/v1/segment", {"command": f"Open file{i}.txt"}))["id"])
    outbox = tmp_path / "outbox"
    await until(lambda: len(list(outbox.glob("*.json"))) == 25)
    ready = await get(runtime, "/health/ready")
    assert ready["ready"] is True and ready["checks"]["archive"]["status"] == "degraded"
    assert "25 records wait" in ready["checks"]["archive"]["detail"]
    await archive.listen()
    await until(lambda: len(archive.records) == 25)
    assert [archive.records[r]["alt_id"] for r in archive.order] == alt_ids  # in the order they were made
    assert archive.repeats == 0 and list(outbox.glob("*.json")) == []
    await until(lambda: runtime.health.describe()["checks"]["archive"]["status"] == "ok")


async def test_records_survive_a_restart(make_runtime: Any, archive: Archive, tmp_path: Path) -> None:
    env = {"SEGSVC_PEERS__ARCHIVE__URL": archive.url, "SEGSVC_HTTP__HOST": "127.0.0.1", "SEGSVC_HTTP__PORT": "0",
           **FAST}
    await archive.refuse()
    first = make_runtime(**env)
    await first.start()
    made = []
    try:
        for i in range(10):
            made.append((await post(first, "/api/v1/segment", {"command": f"Delete old{i}.log"}))["id"])
        # hand some over without waiting: whatever is still in memory at stop goes to the outbox too
        for i in range(10, 15):
            doc = await first.service.segment(first.service.parse_request({"command": f"Delete old{i}.log"}))
            made.append(doc["id"])
    finally:
        await first.stop()
    assert len(list((tmp_path / "outbox").glob("*.json"))) == 15
    await archive.listen()
    second = make_runtime(**env)
    await second.start()
    try:
        await until(lambda: len(archive.records) == 15)
        assert sorted(r["alt_id"] for r in archive.records.values()) == sorted(made)
        assert archive.repeats == 0
        assert {r["instance_id"] for r in archive.records.values()} == {first.identity.instance_id}
    finally:
        await second.stop()


async def test_slow_archive_never_slows_a_request(start_runtime: Any, archive: Archive) -> None:
    archive.mode, archive.delay = "slow", 0.8
    runtime = await start_runtime(SEGSVC_PEERS__ARCHIVE__URL=archive.url, **FAST)
    started = time.monotonic()
    for i in range(20):
        await post(runtime, "/api/v1/segment", {"command": f"Open tab {i}"})
    assert time.monotonic() - started < 1.0
    await until(lambda: len(archive.records) == 20)


async def test_refused_records_are_set_aside_not_blocking(start_runtime: Any, archive: Archive,
                                                          tmp_path: Path) -> None:
    archive.mode, archive.reject_status = "reject", 422
    runtime = await start_runtime(SEGSVC_PEERS__ARCHIVE__URL=archive.url, **FAST)
    await post(runtime, "/api/v1/segment", {"command": "Open the mail app"})
    rejected = tmp_path / "outbox" / "rejected"
    await until(lambda: rejected.exists() and len(list(rejected.glob("*.json"))) == 1)
    archive.mode = "healthy"
    await post(runtime, "/api/v1/segment", {"command": "Open the calendar"})
    await until(lambda: len(archive.records) == 1)
    assert breaker_state(runtime) == "closed"


def breaker_state(runtime: Any) -> str:
    return str(runtime.outbound.clients["archive"].breaker.state)


async def test_documents_are_encrypted_when_configured(start_runtime: Any, archive: Archive) -> None:
    from segsvc.security import jwe

    key = base64.urlsafe_b64encode(bytes(range(32))).decode()
    runtime = await start_runtime(SEGSVC_PEERS__ARCHIVE__URL=archive.url, SEGSVC_SECURITY__ENCRYPTION__KEY=key, **FAST)
    doc = await post(runtime, "/api/v1/segment", {"command": "Email the report to ali@example.com"})
    await until(lambda: len(archive.records) == 1)
    (record,) = archive.records.values()
    assert record["document_encrypted"] is True and isinstance(record["document"], str)
    assert "ali@example.com" not in json.dumps(record)
    assert jwe.decrypt_document(record["document"], runtime.config.settings.security.encryption) == doc


def sender_for(tmp_path: Path, **env: str) -> ArchiveSender:
    config = ConfigStore(load_config(base_env(SEGSVC_ARCHIVE__OUTBOX_DIR=str(tmp_path / "box"),
                                              SEGSVC_ARCHIVE__ENABLED="true", **env)))
    metrics, health = Metrics("t", "t"), Health()
    clients = PeerClients.build(config, PeerDirectory(config, health), metrics, health)
    return ArchiveSender(config, ArchiveDelivery(config, clients.archive, None), metrics, health,
                         instance_id="i", service_version="v")


def outcome(i: int) -> Outcome:
    doc = {"id": f"alt-{i}", "timestamp": "2025-01-01T00:00:00.000Z", "segments": [{"task_type": "open"}],
           "metadata": {"engine": "rules"}}
    return Outcome(doc, "rules", None, None, 0.1, "succeeded", "en")


async def test_full_queue_spills_and_only_the_cap_drops(tmp_path: Path) -> None:
    sender = sender_for(tmp_path, SEGSVC_ARCHIVE__QUEUE_SIZE="2", SEGSVC_ARCHIVE__OUTBOX_MAX_RECORDS="5")
    sender._running = True  # accepting, but the loop is not draining: the queue fills
    for i in range(9):
        sender.submit(outcome(i))
    assert sender._queue.qsize() == 2
    assert len(sender.outbox) == 5 and sender.outbox.dropped == 2
    registry = sender.metrics.registry
    assert registry.get_sample_value("segsvc_archive_records_total", {"outcome": "spilled"}) == 5
    assert registry.get_sample_value("segsvc_archive_records_total", {"outcome": "dropped"}) == 2
    sender._running = False
    await sender.stop()  # what was queued still cannot fit: counted, not lost silently
    assert sender.outbox.dropped == 4
    names = sorted(p.name for p in (tmp_path / "box").glob("*.json"))
    assert [json.loads((tmp_path / "box" / n).read_text())["alt_id"] for n in names] == [f"alt-{i}" for i in
                                                                                          (2, 3, 4, 5, 6)]


async def test_not_configured_keeps_nothing(tmp_path: Path) -> None:
    config = ConfigStore(load_config(base_env(SEGSVC_ARCHIVE__OUTBOX_DIR=str(tmp_path / "box"))))
    metrics, health = Metrics("t", "t"), Health()
    clients = PeerClients.build(config, PeerDirectory(config, health), metrics, health)
    sender = ArchiveSender(config, ArchiveDelivery(config, clients.archive, None), metrics, health,
                           instance_id="i", service_version="v")
    assert sender.active is False
    sender.submit(outcome(1))
    assert sender._queue.qsize() == 0 and not (tmp_path / "box").exists()
