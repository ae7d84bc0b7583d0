"""Archive records over JetStream (a real nats-server): message id = record id, outages, summaries."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import nats
from nats.js.api import StreamConfig

RECORDS = "archive.segmentation.records"
METRICS = "archive.segmentation.metrics"


async def post(runtime: Any, body: Any) -> Any:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{runtime.http_port}/api/v1/segment", json=body) as resp:
            assert resp.status == 200
            return await resp.json()


async def until(condition: Callable[[], Any], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def stream_messages(url: str, subject: str) -> list[Any]:
    """Every message the stream holds on ``subject`` (read with an ephemeral ordered consumer)."""
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        info = await js.stream_info(await js.find_stream_name_by_subject(subject))
        if not info.state.messages:
            return []
        sub = await js.subscribe(subject, ordered_consumer=True)
        out = []
        try:
            while True:
                out.append(await sub.next_msg(timeout=0.3))
        except nats.errors.TimeoutError:
            pass
        await sub.unsubscribe()
        return out
    finally:
        await nc.close()


async def test_records_go_to_jetstream_once_per_id_and_survive_a_nats_outage(start_runtime: Any, nats_server: Any,
                                                                            tmp_path: Path) -> None:
    runtime = await start_runtime(NATS_URL=nats_server.url, SEGSVC_ARCHIVE__RETRY_MAX="0.2",
                                  SEGSVC_ARCHIVE__METRICS_INTERVAL="0.3")
    made = [(await post(runtime, {"command": f"Open page{i}.html"}))["id"] for i in range(5)]

    async def count(n: int) -> bool:
        try:
            return len(await stream_messages(nats_server.url, RECORDS)) == n
        except Exception:
            return False

    await until(lambda: count(5))
    messages = await stream_messages(nats_server.url, RECORDS)
    records = [json.loads(m.data) for m in messages]
    assert [r["alt_id"] for r in records] == made
    assert [m.headers["Nats-Msg-Id"] for m in messages] == [r["record_id"] for r in records]
    await runtime.archive.delivery.deliver(records[0])  # the same record again: JetStream drops the repeat
    assert await count(5)

    nats_server.stop()
    during = [(await post(runtime, {"command": f"Delete tmp{i}.txt"}))["id"] for i in range(5)]
    await asyncio.sleep(0.3)
    assert len(list((tmp_path / "outbox").glob("*.json"))) == 5
    nats_server.start()
    await until(lambda: count(10), timeout=20)
    records = [json.loads(m.data) for m in await stream_messages(nats_server.url, RECORDS)]
    assert [r["alt_id"] for r in records] == made + during
    assert len({r["record_id"] for r in records}) == 10

    async def summary() -> bool:
        try:
            return bool(await stream_messages(nats_server.url, METRICS))
        except Exception:
            return False

    await until(summary)
    summaries = [json.loads(m.data) for m in await stream_messages(nats_server.url, METRICS)]
    assert sum(s["segmentations"] for s in summaries) == 10
    first = summaries[0]
    assert first["instance_id"] == runtime.identity.instance_id and first["by_engine"]["rules"] >= 5
    assert first["latency_ms"]["p50"] is not None and "period_start" in first


async def test_a_stream_the_archive_made_is_used_as_it_is(start_runtime: Any, nats_server: Any) -> None:
    nc = await nats.connect(nats_server.url)
    try:
        js = nc.jetstream()
        await js.add_stream(StreamConfig(name="ARCHIVE", subjects=["archive.segmentation.>"]))
        runtime = await start_runtime(NATS_URL=nats_server.url)
        doc = await post(runtime, {"command": "Open the mail app"})

        async def arrived() -> bool:
            return (await js.stream_info("ARCHIVE")).state.messages == 1

        await until(arrived)
        assert "ARCHIVE_SEGMENTATION" not in [s.config.name for s in await js.streams_info()]
        msg = await js.get_msg("ARCHIVE", 1)
        assert json.loads(msg.data)["alt_id"] == doc["id"]
    finally:
        await nc.close()
