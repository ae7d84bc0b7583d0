"""Runner dispatch on both job backends: hand-over, progress to SSE in order, waiting while the Runner is away.

A runner stand-in on loopback takes ``POST /api/v1/process``; progress is reported the two ways a Runner
can: ``POST /api/v1/runner/callbacks/{job_id}`` (the URL travels in the document's metadata) and, with
NATS, ``runner.progress.<alt_id>``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import nats
import pytest

from segsvc.models.alt import RunnerDocument
from tests.support.peers import Runner
from tests.support.sse import read_sse

COMMAND = "Download report.pdf, then summarize it"
FAST = {"SEGSVC_RUNNER__RETRY_DELAY": "0.1", "SEGSVC_RUNNER__RETRY_MAX_DELAY": "0.3",
        "SEGSVC_BREAKERS__RUNNER__RESET_TIMEOUT": "0.3", "SEGSVC_PEERS__RUNNER__BACKOFF_BASE": "0.01",
        "SEGSVC_PEERS__RUNNER__TIMEOUT": "0.5"}


@pytest.fixture(params=["memory", "nats"])
def backend(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "memory":
        return {}
    server = request.getfixturevalue("nats_server")
    return {"NATS_URL": server.url, "SEGSVC_JOBS__ACK_WAIT": "2"}


@pytest.fixture
async def runner() -> Any:
    stand_in = await Runner().start()
    yield stand_in
    await stand_in.stop()


class Api:
    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.http = aiohttp.ClientSession(f"http://127.0.0.1:{runtime.http_port}")

    async def submit(self, body: dict[str, Any]) -> str:
        async with self.http.post("/api/v1/jobs", json=body) as resp:
            assert resp.status == 202
            return str((await resp.json())["job_id"])

    async def job(self, job_id: str) -> dict[str, Any]:
        async with self.http.get(f"/api/v1/jobs/{job_id}") as resp:
            assert resp.status == 200
            return dict(await resp.json())

    async def until(self, job_id: str, *statuses: str, timeout: float = 15.0) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                job = await self.job(job_id)
                if job["status"] in statuses:
                    return job
                await asyncio.sleep(0.03)

    async def close(self) -> None:
        await self.http.close()


@pytest.fixture
async def instance(backend: dict[str, str], runner: Runner, start_runtime: Any) -> Any:
    apis: list[Api] = []

    async def make(**env: str) -> Api:
        api = Api(await start_runtime(**{"SEGSVC_PEERS__RUNNER__URL": runner.url, **FAST, **backend, **env}))
        apis.append(api)
        return api

    yield make
    for api in apis:
        await api.close()


async def report(url: str, body: dict[str, Any]) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=body) as resp:
            assert resp.status == 200, await resp.text()
            return dict(await resp.json())


async def test_dispatch_and_progress_reach_the_sse_client_in_order(instance: Any, runner: Runner,
                                                                   backend: dict[str, str]) -> None:
    api = await instance()
    job_id = await api.submit({"command": COMMAND, "dispatch": True})
    job = await api.until(job_id, "dispatched", "failed")
    assert job["status"] == "dispatched", job
    (document,) = runner.documents
    RunnerDocument.model_validate(document)
    assert document["id"] == job["result"]["id"] and [t["description"] for t in document["tasks"]] == [
        "Download report.pdf", "summarize it"]
    meta = document["metadata"]
    assert meta["job_id"] == job_id and meta["progress_subject"] == f"runner.progress.{document['id']}"
    callback = meta["callback_url"]
    assert callback == f"http://127.0.0.1:{api.runtime.http_port}/api/v1/runner/callbacks/{job_id}"
    assert "request_id" in job["events"][-1]["detail"]
    assert runner.documents and runner.seen[0].headers["X-Request-ID"] == job_id

    follow = asyncio.create_task(read_sse(api.http, f"/api/v1/jobs/{job_id}/events", timeout=15))
    local = callback
    reports = [{"status": "running", "task_id": "s1", "task_status": "running", "progress": 0.0},
               {"status": "running", "task_id": "s1", "task_status": "completed", "progress": 0.5},
               {"status": "running", "task_id": "s2", "task_status": "completed", "progress": 1.0},
               {"status": "completed", "message": "all tasks done"}]
    if "NATS_URL" in backend:  # the Runner publishes; the job is found from the ALT id in the subject
        nc = await nats.connect(backend["NATS_URL"])
        for body in reports:
            await nc.publish(meta["progress_subject"], json.dumps(body).encode())
            await asyncio.sleep(0.05)
        await nc.close()
    else:
        for body in reports:
            await report(local, body)
    stream = await follow
    assert [e["status"] for e in stream.events] == ["queued", "segmenting", "segmented", "dispatched", "running",
                                                    "running", "running", "completed"]
    assert [e["sequence"] for e in stream.events] == list(range(1, 9))
    assert [e["detail"] for e in stream.events[4:]] == ["task s1 running (0%)", "task s1 completed (50%)",
                                                        "task s2 completed (100%)", "runner: completed: all tasks done"]
    late = await report(local, {"status": "failed"})  # a finished job stays finished
    assert late["status"] == "completed"


async def test_runner_down_the_job_waits_and_completes_when_it_returns(instance: Any, runner: Runner) -> None:
    await runner.refuse()
    api = await instance()
    job_id = await api.submit({"command": COMMAND, "dispatch": True})
    await api.until(job_id, "segmented")
    await asyncio.sleep(1.0)  # several retries, the breaker opening in between
    job = await api.job(job_id)
    assert job["status"] == "segmented"
    waits = [e for e in job["events"] if e["detail"].startswith("waiting for the Runner Service")]
    assert len(waits) == 1 and waits[0]["status"] == "segmented"  # one event, however many retries
    assert "connect_error" in waits[0]["detail"]
    _, ready = await asyncio.gather(asyncio.sleep(0), api.http.get("/health/ready"))
    assert (await ready.json())["checks"]["peer:runner"]["status"] == "degraded"
    await runner.listen()
    job = await api.until(job_id, "dispatched", timeout=10)
    assert len(runner.documents) == 1
    url = f"/api/v1/runner/callbacks/{job_id}"
    async with api.http.post(url, json={"status": "succeeded"}) as resp:
        assert (await resp.json())["status"] == "completed"
    job = await api.job(job_id)
    assert [e["status"] for e in job["events"]] == ["queued", "segmenting", "segmented", "segmented", "dispatched",
                                                    "completed"]


@pytest.mark.parametrize("mode", ["fail503", "slow"])
async def test_5xx_and_timeouts_leave_it_waiting(instance: Any, runner: Runner, mode: str) -> None:
    runner.mode, runner.delay = mode, 1.0 if mode == "slow" else 0.0
    api = await instance()
    job_id = await api.submit({"command": COMMAND, "dispatch": True})
    await api.until(job_id, "segmented")
    await asyncio.sleep(0.8)
    job = await api.job(job_id)
    assert job["status"] == "segmented"
    assert f"({'http_503' if mode == 'fail503' else 'timeout'}: " in job["events"][-1]["detail"]
    runner.mode, runner.delay = "healthy", 0.0
    await api.until(job_id, "dispatched", timeout=10)


async def test_a_runner_4xx_fails_the_job_with_the_reason(instance: Any, runner: Runner) -> None:
    runner.mode, runner.reject_status = "reject", 422
    api = await instance()
    job_id = await api.submit({"command": COMMAND, "dispatch": True})
    job = await api.until(job_id, "failed")
    assert job["error"]["code"] == "runner_rejected" and "HTTP 422" in job["error"]["detail"]
    assert len(runner.documents) == 1  # a rejection is not repeated
    assert job["result"] is not None


async def test_waiting_ends_after_give_up_after(instance: Any, runner: Runner) -> None:
    runner.mode = "fail503"
    api = await instance(SEGSVC_RUNNER__GIVE_UP_AFTER="0.5")
    job_id = await api.submit({"command": COMMAND, "dispatch": True})
    job = await api.until(job_id, "failed", timeout=10)
    assert job["error"]["code"] == "runner_unavailable" and "http_503: HTTP 503" in job["error"]["detail"]


async def test_callback_edge_cases(instance: Any) -> None:
    api = await instance()
    async with api.http.post("/api/v1/runner/callbacks/00000000-0000-4000-8000-000000000000",
                             json={"status": "running"}) as resp:
        assert resp.status == 404 and (await resp.json())["code"] == "not_found"
    job_id = await api.submit({"command": COMMAND})
    await api.until(job_id, "completed")
    async with api.http.post(f"/api/v1/runner/callbacks/{job_id}", json=["running"]) as resp:
        assert resp.status == 422
    async with api.http.get("/api/v1/openapi.json") as resp:
        spec = await resp.json()
    assert "/api/v1/runner/callbacks/{job_id}" in spec["paths"]


@pytest.mark.parametrize("answer,status", [("completed", "completed"), ("running", "running"),
                                           ("queued", "dispatched")])
async def test_the_runners_answer_can_move_the_job_on(instance: Any, runner: Runner, answer: str,
                                                      status: str) -> None:
    runner.answer_status = answer
    api = await instance()
    job_id = await api.submit({"command": COMMAND, "dispatch": True})
    job = await api.until(job_id, status)
    assert [e["status"] for e in job["events"]][3:] == ["dispatched", status][: 1 if status == "dispatched" else 2]


def test_callback_base_url_is_one_the_runner_can_reach() -> None:
    from segsvc.config import load_config
    from segsvc.dispatch import callback_base_url
    from tests.conftest import base_env

    def url(**env: str) -> str:
        return callback_base_url(load_config(base_env(**env)).settings, 8123)

    assert url(SEGSVC_RUNNER__CALLBACK_BASE_URL="https://segsvc.example") == "https://segsvc.example"
    assert url(SEGSVC_CONSUL__ADVERTISE_ADDRESS="10.1.2.3") == "http://10.1.2.3:8123"
    assert url(SEGSVC_HTTP__HOST="127.0.0.1") == "http://127.0.0.1:8123"
    assert url(SEGSVC_HTTP__HOST="::1") == "http://[::1]:8123"
    assert url(SEGSVC_HTTP__HOST="0.0.0.0").startswith("http://") and "0.0.0.0" not in url()
