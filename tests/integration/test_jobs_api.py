"""Jobs over HTTP and gRPC, on both backends: in-process (no NATS_URL) and a real JetStream nats-server.

Every test here runs twice, once per backend, against started instances (HTTP and gRPC on loopback, the
worker and the callback sender running), so the same behaviour is demanded of both.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import aiohttp
import grpc
import jsonschema
import pytest
from aiohttp import web

from segsvc.jobs.callbacks import verify
from segsvc.jobs.model import advance
from segsvc.models.alt import AltDocument, RunnerDocument
from segsvc.v1 import segmentation_pb2 as pb
from segsvc.v1 import segmentation_pb2_grpc as pb_grpc
from tests.conftest import free_port
from tests.support.sse import read_sse

FLOW = ["queued", "segmenting", "segmented", "completed"]
COMMAND = "Open Firefox and go to wikipedia.org"


@pytest.fixture(params=["memory", "nats"])
def backend(request: pytest.FixtureRequest) -> dict[str, str]:
    """Environment for the instance: nothing (in-process jobs) or NATS_URL of a fresh nats-server."""
    if request.param == "memory":
        return {}
    server = request.getfixturevalue("nats_server")
    return {"NATS_URL": server.url, "SEGSVC_JOBS__ACK_WAIT": "2"}


class Api:
    """HTTP and gRPC clients of one started instance."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.http = aiohttp.ClientSession(f"http://127.0.0.1:{runtime.http_port}")
        self.channel = grpc.aio.insecure_channel(f"127.0.0.1:{runtime.grpc_port}")
        self.grpc = pb_grpc.SegmentationStub(self.channel)

    async def submit(self, body: dict[str, Any], key: str | None = None, status: int = 202) -> dict[str, Any]:
        headers = {"Idempotency-Key": key} if key else {}
        async with self.http.post("/api/v1/jobs", json=body, headers=headers) as resp:
            answer = await resp.json(content_type=None)
            assert resp.status == status, answer
            return {"status": resp.status, "headers": dict(resp.headers), "body": answer}

    async def job(self, job_id: str, status: int = 200) -> dict[str, Any]:
        async with self.http.get(f"/api/v1/jobs/{job_id}") as resp:
            assert resp.status == status, await resp.text()
            return dict(await resp.json(content_type=None))

    async def until_terminal(self, job_id: str, timeout: float = 20.0) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                job = await self.job(job_id)
                if job["status"] in ("completed", "failed", "cancelled"):
                    return job
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        await self.http.close()
        await self.channel.close()


@pytest.fixture
async def instance(backend: dict[str, str], start_runtime: Any) -> Any:
    clients: list[Api] = []

    async def make(**env: str) -> Api:
        api = Api(await start_runtime(**{**backend, **env}))
        clients.append(api)
        return api

    yield make
    for api in clients:
        await api.close()


def job_schema(openapi: dict[str, Any]) -> dict[str, Any]:
    return {"$ref": "#/components/schemas/Job", "components": openapi["components"]}


async def test_submit_then_every_state_change_in_order_over_sse(instance: Any, backend: dict[str, str]) -> None:
    api = await instance()
    assert api.runtime.jobs.service.backend == ("nats" if backend else "memory")
    accepted = await api.submit({"command": COMMAND})
    job_id = accepted["body"]["job_id"]
    assert accepted["body"]["status"] == "queued"
    assert accepted["body"]["links"] == {"self": f"/api/v1/jobs/{job_id}", "events": f"/api/v1/jobs/{job_id}/events"}
    assert accepted["headers"]["Location"] == f"/api/v1/jobs/{job_id}"
    stream = await read_sse(api.http, f"/api/v1/jobs/{job_id}/events")
    assert stream.status == 200 and stream.content_type == "text/event-stream" and stream.retry == 2000
    assert stream.headers["X-Content-Type-Options"] == "nosniff" and stream.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in stream.headers["Content-Security-Policy"] and stream.headers["X-Request-ID"]
    assert [e["status"] for e in stream.events] == FLOW
    assert stream.ids == ["1", "2", "3", "4"] and [e["sequence"] for e in stream.events] == [1, 2, 3, 4]
    assert [e["previous_status"] for e in stream.events] == [None, *FLOW[:-1]]
    job = await api.job(job_id)
    assert job["status"] == "completed" and job["attempts"] == 1 and job["error"] is None
    AltDocument.model_validate(job["result"])
    assert [s["content"] for s in job["result"]["segments"]] == ["Open Firefox", "go to wikipedia.org"]
    async with api.http.get("/api/v1/openapi.json") as resp:
        openapi = await resp.json()
    jsonschema.Draft202012Validator(job_schema(openapi)).validate(job)


async def test_last_event_id_resumes_after_the_events_already_seen(instance: Any) -> None:
    api = await instance()
    job_id = (await api.submit({"command": COMMAND}))["body"]["job_id"]
    await api.until_terminal(job_id)
    resumed = await read_sse(api.http, f"/api/v1/jobs/{job_id}/events", last_event_id="2")
    assert [e["status"] for e in resumed.events] == ["segmented", "completed"] and resumed.ids == ["3", "4"]
    bad = await read_sse(api.http, f"/api/v1/jobs/{job_id}/events", last_event_id="two")
    assert bad.status == 400
    missing = await read_sse(api.http, f"/api/v1/jobs/{uuid.uuid4()}/events")
    assert missing.status == 404


async def test_same_idempotency_key_same_job(instance: Any) -> None:
    api = await instance()
    key = f"order-{uuid.uuid4()}"
    first = await api.submit({"command": COMMAND}, key=key)
    again = await api.submit({"command": COMMAND, "language": "auto"}, key=key)
    assert again["body"]["job_id"] == first["body"]["job_id"]
    assert again["headers"].get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first["headers"]
    reused = await api.submit({"command": "Takvimi aç"}, key=key, status=422)
    assert reused["body"]["code"] == "idempotency_key_reused"
    invalid = await api.submit({"command": COMMAND}, key="has spaces in it", status=422)
    assert [e["field"] for e in invalid["body"]["errors"]] == ["Idempotency-Key"]
    other = await api.submit({"command": COMMAND}, key=f"other-{uuid.uuid4()}")
    assert other["body"]["job_id"] != first["body"]["job_id"]
    call = api.grpc.SubmitJob(pb.SubmitJobRequest(command=COMMAND), metadata=(("idempotency-key", key),))
    assert (await call).job_id == first["body"]["job_id"]
    by_field = await api.grpc.SubmitJob(pb.SubmitJobRequest(command=COMMAND, idempotency_key=key))
    assert by_field.job_id == first["body"]["job_id"]


@pytest.mark.parametrize("body, fields", [
    ({"command": COMMAND, "dispatch": "yes"}, ["dispatch"]),
    ({"command": COMMAND, "callback_url": "ftp://example.org/x"}, ["callback_url"]),
    ({"command": COMMAND, "callback_url": "http://"}, ["callback_url"]),
    ({"command": "", "callback_url": "not a url"}, ["command", "callback_url"]),
    ({"command": COMMAND, "mode": "Weird", "surprise": 1}, ["mode", "surprise"]),
])
async def test_invalid_job_bodies_name_every_bad_field(instance: Any, body: dict[str, Any], fields: list[str]) -> None:
    api = await instance()
    problem = (await api.submit(body, status=422))["body"]
    assert sorted(e["field"] for e in problem["errors"]) == sorted(fields)


async def test_jobs_over_grpc_watch_and_get(instance: Any) -> None:
    api = await instance()
    job = await api.grpc.SubmitJob(pb.SubmitJobRequest(command="Summarize the meeting transcript and translate the "
                                                               "summary into Turkish", format="runner"))
    assert job.status == "queued" and job.links["self"] == f"/api/v1/jobs/{job.job_id}"
    events = [e async for e in api.grpc.WatchJob(pb.WatchJobRequest(job_id=job.job_id), timeout=20)]
    assert [e.status for e in events] == FLOW and [e.sequence for e in events] == [1, 2, 3, 4]
    later = [e.status async for e in api.grpc.WatchJob(pb.WatchJobRequest(job_id=job.job_id, after_sequence=3))]
    assert later == ["completed"]
    done = await api.grpc.GetJob(pb.GetJobRequest(job_id=job.job_id))
    assert done.status == "completed" and done.request.format == "runner"
    assert len(done.result.segments) == 2 and len(done.result.runner.tasks) == 2
    over_http = await api.job(job.job_id)
    RunnerDocument.model_validate(over_http["result"])  # HTTP renders the format the job asked for
    assert [t["description"] for t in over_http["result"]["tasks"]] == [s.content for s in done.result.segments]


async def test_cancel_only_while_queued(backend: dict[str, str], start_runtime: Any) -> None:
    api = Api(await start_runtime(before_start=lambda r: r.components.remove(r.jobs.worker), **backend))
    try:
        job_id = (await api.submit({"command": COMMAND}))["body"]["job_id"]
        async with api.http.delete(f"/api/v1/jobs/{job_id}") as resp:
            assert resp.status == 200 and (await resp.json())["status"] == "cancelled"
        async with api.http.delete(f"/api/v1/jobs/{job_id}") as resp:
            assert resp.status == 200  # cancelling twice is harmless
        stream = await read_sse(api.http, f"/api/v1/jobs/{job_id}/events")
        assert [e["status"] for e in stream.events] == ["queued", "cancelled"]
        started = await api.grpc.SubmitJob(pb.SubmitJobRequest(command=COMMAND))
        jobs = api.runtime.jobs.service
        await jobs.change(started.job_id, lambda j: advance(j, "segmenting", instance_id="test"))
        async with api.http.delete(f"/api/v1/jobs/{started.job_id}") as resp:
            assert resp.status == 409 and (await resp.json())["code"] == "job_not_cancellable"
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await api.grpc.CancelJob(pb.CancelJobRequest(job_id=started.job_id))
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        async with api.http.delete(f"/api/v1/jobs/{uuid.uuid4()}") as resp:
            assert resp.status == 404
    finally:
        await api.close()


async def test_dispatch_without_a_runner_client_fails_with_the_reason(instance: Any) -> None:
    api = await instance()
    job_id = (await api.submit({"command": COMMAND, "dispatch": True}))["body"]["job_id"]
    job = await api.until_terminal(job_id)
    assert job["status"] == "failed" and job["error"]["code"] == "dispatch_unavailable"
    assert [e["status"] for e in job["events"]] == ["queued", "segmenting", "segmented", "failed"]
    assert job["result"] is not None  # the document is kept


async def test_callback_is_signed_and_retried_until_delivered(instance: Any) -> None:
    received: list[tuple[bytes, dict[str, str]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((await request.read(), dict(request.headers)))
        return web.Response(status=500 if len(received) == 1 else 204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        api = await instance(SEGSVC_JOBS__CALLBACKS__SECRET="s3cret", SEGSVC_JOBS__CALLBACKS__BACKOFF="0.05")
        job_id = (await api.submit({"command": COMMAND, "callback_url": f"http://127.0.0.1:{port}/hook"}))["body"][
            "job_id"]
        async with asyncio.timeout(20):
            while True:
                job = await api.job(job_id)
                if job["callback"]["status"] != "pending":
                    break
                await asyncio.sleep(0.05)
    finally:
        await runner.cleanup()
    assert job["callback"]["status"] == "delivered" and job["callback"]["attempts"] == 2
    assert len(received) == 2
    for body, headers in received:
        assert verify("s3cret", body, headers["X-Segsvc-Signature"])
        assert headers["X-Segsvc-Signature"].startswith("sha256=")
        assert not verify("other", body, headers["X-Segsvc-Signature"])
        sent = json.loads(body)
        assert sent["job_id"] == job_id and sent["status"] == "completed" and sent["result"]["segments"]
    assert [h["X-Segsvc-Delivery"] for _, h in received] == ["1", "2"]


async def test_repeatedly_failing_job_fails_after_max_deliveries_with_the_reason(instance: Any) -> None:
    api = await instance(SEGSVC_JOBS__MAX_DELIVERIES="3", SEGSVC_JOBS__RETRY_DELAY="0.05")

    async def broken(request: Any) -> dict[str, Any]:
        raise RuntimeError("engine exploded")

    api.runtime.service.segment = broken
    job_id = (await api.submit({"command": COMMAND}))["body"]["job_id"]
    job = await api.until_terminal(job_id)
    assert job["status"] == "failed" and job["error"]["code"] == "delivery_limit_reached"
    assert "delivered 3 times" in job["error"]["detail"] and "RuntimeError: engine exploded" in job["error"]["detail"]
    assert job["attempts"] == 3
    assert [e["status"] for e in job["events"]] == ["queued", "segmenting", "failed"]


async def test_in_flight_limit_bounds_the_work_of_one_instance(instance: Any) -> None:
    api = await instance(SEGSVC_JOBS__MAX_IN_FLIGHT="2")
    service = api.runtime.service
    segment = service.segment
    running = 0
    most = 0

    async def slow(request: Any) -> dict[str, Any]:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            await asyncio.sleep(0.15)
            return await segment(request)
        finally:
            running -= 1

    service.segment = slow
    ids = [(await api.submit({"command": f"{COMMAND} {i}"}))["body"]["job_id"] for i in range(8)]
    jobs = [await api.until_terminal(job_id) for job_id in ids]
    assert {j["status"] for j in jobs} == {"completed"}
    assert most == 2, f"{most} jobs ran at once with jobs.max_in_flight=2"
