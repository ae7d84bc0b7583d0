"""Jobs on a real JetStream nats-server: shared by instances, announced as events, surviving a NATS restart."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import nats
import pytest

from segsvc.v1 import segmentation_pb2 as pb
from tests.integration.test_jobs_api import COMMAND, FLOW, Api
from tests.support.sse import read_sse


@pytest.fixture
async def cluster(nats_server: Any, start_runtime: Any) -> Any:
    clients: list[Api] = []

    async def make(*, worker: bool = True, **env: str) -> Api:
        def without_worker(runtime: Any) -> None:
            if not worker:
                runtime.components.remove(runtime.jobs.worker)

        runtime = await start_runtime(before_start=without_worker, NATS_URL=nats_server.url,
                                      SEGSVC_JOBS__ACK_WAIT="2", **env)
        clients.append(Api(runtime))
        return clients[-1]

    yield make
    for api in clients:
        await api.close()


async def test_any_instance_answers_for_any_job(cluster: Any) -> None:
    front = await cluster(worker=False)   # takes submissions, does no work
    back = await cluster()                # does the work
    job_id = (await front.submit({"command": COMMAND}))["body"]["job_id"]
    stream = await read_sse(front.http, f"/api/v1/jobs/{job_id}/events")
    assert [e["status"] for e in stream.events] == FLOW
    assert {e["instance_id"] for e in stream.events[1:]} == {back.runtime.identity.instance_id}
    assert (await back.job(job_id))["status"] == "completed"
    over_grpc = await front.grpc.GetJob(pb.GetJobRequest(job_id=job_id))
    assert over_grpc.status == "completed" and len(over_grpc.result.segments) == 2
    events = [e.status async for e in back.grpc.WatchJob(pb.WatchJobRequest(job_id=job_id), timeout=10)]
    assert events == FLOW


async def test_every_change_is_published_once_on_segmentation_subjects(cluster: Any, nats_server: Any) -> None:
    api = await cluster()
    ids = [(await api.submit({"command": f"{COMMAND} {i}"}))["body"]["job_id"] for i in range(5)]
    ids.append((await api.submit({"command": COMMAND, "dispatch": True}))["body"]["job_id"])
    for job_id in ids:
        await api.until_terminal(job_id)
    nc = await nats.connect(nats_server.url)
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe("segmentation.*", durable=f"test-{uuid.uuid4().hex[:8]}",
                                      stream="SEGSVC_EVENTS")
        messages = []
        while True:
            try:
                messages += await sub.fetch(100, timeout=1)
            except nats.errors.TimeoutError:
                break
    finally:
        await nc.close()
    by_subject: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        by_subject.setdefault(message.subject, []).append(json.loads(message.data))
    assert len(by_subject["segmentation.status_changed"]) == 4 * len(ids)
    assert sorted(e["job_id"] for e in by_subject["segmentation.completed"]) == sorted(ids[:5])
    assert [e["job_id"] for e in by_subject["segmentation.failed"]] == [ids[5]]
    assert by_subject["segmentation.failed"][0]["error"]["code"] == "dispatch_unavailable"
    assert all(e["alt_id"] for e in by_subject["segmentation.completed"])


async def test_nats_restart_loses_nothing_and_needs_no_help(cluster: Any, nats_server: Any) -> None:
    front = await cluster(worker=False)
    job_id = (await front.submit({"command": COMMAND}))["body"]["job_id"]
    follow = asyncio.create_task(read_sse(front.http, f"/api/v1/jobs/{job_id}/events", timeout=60))
    await asyncio.sleep(0.3)
    await asyncio.to_thread(nats_server.restart, down_for=1.0)
    async with asyncio.timeout(20):  # the instance reconnects by itself
        while front.runtime.health.describe()["checks"]["nats"]["status"] != "ok":
            await asyncio.sleep(0.05)
    await cluster()  # a worker arrives after the restart and finds the queued job
    stream = await follow
    assert [e["status"] for e in stream.events] == FLOW
    after = (await front.submit({"command": "Takvimi aç"}))["body"]["job_id"]
    assert (await front.until_terminal(after))["status"] == "completed"
