"""Two ``segsvc serve`` processes sharing one real nats-server: 500 jobs, one instance killed, NATS restarted.

The client behaves as clients should: every submission carries an Idempotency-Key and is retried (on the
other instance, or after NATS is back) until it is accepted. Then every job must end exactly once: one
``completed`` in its history, one ``segmentation.completed`` event on the stream, and the jobs the killed
instance held unacknowledged redelivered to and finished by the survivor.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import nats
import pytest

from segsvc.jobs.model import TRANSITIONS
from tests.conftest import ROOT, base_env, free_port, wait_http
from tests.support.nats_server import NatsServer

JOBS = 500
COMMANDS = ["Open Firefox and go to wikipedia.org", "Takvimi aç ve yarınki toplantıyı kontrol et",
            "Search for cheap flights to Berlin, then email the best three options to my manager",
            "Download the report and summarize it"]


@contextmanager
def instance(tmp: Path, name: str, nats_url: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    env = base_env(NATS_URL=nats_url, SEGSVC_HTTP__HOST="127.0.0.1", SEGSVC_HTTP__PORT=str(port),
                   SEGSVC_GRPC__HOST="127.0.0.1", SEGSVC_GRPC__PORT=str(free_port()), SEGSVC_HTTP__ACCESS_LOG="false",
                   SEGSVC_JOBS__ACK_WAIT="2", SEGSVC_JOBS__RETRY_DELAY="0.2", SEGSVC_JOBS__MAX_IN_FLIGHT="32",
                   SEGSVC_NATS__REQUEST_TIMEOUT="2")
    with (tmp / f"{name}.log").open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "segsvc", "serve"], env=env, cwd=ROOT, stdout=log, stderr=log)
    try:
        yield proc, port
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            proc.kill()
        proc.wait(timeout=10)


class Client:
    """Submits with an Idempotency-Key, retrying on the other instance or later until accepted."""

    def __init__(self, ports: dict[str, int]) -> None:
        self.ports = ports
        self.down: set[str] = set()
        self.ids: dict[int, str] = {}
        self.retries = 0

    async def submit(self, session: aiohttp.ClientSession, n: int, prefer: str) -> None:
        body = {"command": f"{COMMANDS[n % len(COMMANDS)]} #{n}"}
        deadline = time.monotonic() + 60
        attempt = 0
        while time.monotonic() < deadline:
            name = prefer if prefer not in self.down and attempt % 2 == 0 else next(
                (p for p in self.ports if p not in self.down), prefer)
            attempt += 1
            try:
                async with session.post(f"http://127.0.0.1:{self.ports[name]}/api/v1/jobs", json=body,
                                        headers={"Idempotency-Key": f"cluster-job-{n}"},
                                        timeout=aiohttp.ClientTimeout(total=1.5)) as resp:
                    if resp.status == 202:
                        self.ids[n] = (await resp.json())["job_id"]
                        return
                    assert resp.status == 503, await resp.text()
            except (TimeoutError, aiohttp.ClientError):
                pass
            self.retries += 1
            await asyncio.sleep(0.1)
        raise AssertionError(f"job {n} was never accepted")

    async def submit_range(self, session: aiohttp.ClientSession, numbers: range, concurrency: int = 16) -> None:
        gate = asyncio.Semaphore(concurrency)

        async def one(n: int) -> None:
            async with gate:
                await self.submit(session, n, "a" if n % 2 == 0 else "b")

        await asyncio.gather(*(one(n) for n in numbers))


async def ack_pending(url: str) -> int:
    nc = await nats.connect(url)
    try:
        info = await nc.jetstream().consumer_info("SEGSVC_JOBS", "segsvc-workers")
        return int(info.num_ack_pending)
    finally:
        await nc.close()


async def completed_events(url: str) -> list[str]:
    nc = await nats.connect(url)
    try:
        sub = await nc.jetstream().pull_subscribe("segmentation.completed", durable="cluster-test",
                                                 stream="SEGSVC_EVENTS")
        ids: list[str] = []
        while True:
            try:
                batch = await sub.fetch(500, timeout=1)
            except TimeoutError:
                return ids
            ids += [json.loads(m.data)["job_id"] for m in batch]
    finally:
        await nc.close()


async def read_jobs(session: aiohttp.ClientSession, port: int, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Every job as the instance shows it; a job it cannot read right now (503: NATS coming back) is left out."""
    gate = asyncio.Semaphore(32)

    async def one(job_id: str) -> tuple[str, dict[str, Any] | None]:
        async with gate, session.get(f"http://127.0.0.1:{port}/api/v1/jobs/{job_id}") as resp:
            if resp.status == 503:
                return job_id, None
            assert resp.status == 200, await resp.text()
            return job_id, await resp.json()

    return {job_id: job for job_id, job in await asyncio.gather(*(one(i) for i in ids)) if job is not None}


@pytest.mark.slow
def test_500_jobs_survive_a_killed_instance_and_a_nats_restart(tmp_path: Path) -> None:
    server = NatsServer(tmp_path / "nats")
    server.start()
    try:
        with instance(tmp_path, "a", server.url) as (a, port_a), instance(tmp_path, "b", server.url) as (b, port_b):
            wait_http(f"http://127.0.0.1:{port_a}/health/ready", timeout=20)
            wait_http(f"http://127.0.0.1:{port_b}/health/ready", timeout=20)
            asyncio.run(_scenario(server, a, port_a, b, port_b, tmp_path))
    finally:
        server.stop()


async def _scenario(server: NatsServer, a: subprocess.Popen[bytes], port_a: int, b: subprocess.Popen[bytes],
                    port_b: int, tmp: Path) -> None:
    client = Client({"a": port_a, "b": port_b})
    b_id = f"segmentation-service-{os.uname().nodename}-{port_b}"
    async with aiohttp.ClientSession() as session:
        # 1. Both instances take and work jobs; A freezes in the middle of a burst, holding deliveries...
        burst = asyncio.create_task(client.submit_range(session, range(200)))
        while len(client.ids) < 60:
            await asyncio.sleep(0.01)
        os.kill(a.pid, signal.SIGSTOP)
        client.down.add("a")
        held = await ack_pending(server.url)  # B acks within milliseconds; what stays pending is A's
        await burst
        # 2. ...and dies with them unacknowledged; B goes on alone and gets them after jobs.ack_wait.
        a.kill()
        a.wait(timeout=10)
        await client.submit_range(session, range(200, 300))
        # 3. NATS restarts (down for a second) in the middle of submissions; clients retry with their keys.
        down = threading.Event()

        def restart_nats() -> None:
            server.stop()
            down.set()
            time.sleep(1.0)
            server.start()

        restart = threading.Thread(target=restart_nats)
        before = asyncio.create_task(client.submit_range(session, range(300, 400)))
        await asyncio.sleep(0.1)
        restart.start()
        await asyncio.to_thread(down.wait, 30)
        await client.submit_range(session, range(400, JOBS))  # sent while NATS is down: 503, retried
        await before
        await asyncio.to_thread(restart.join, 30)
        assert len(client.ids) == JOBS and len(set(client.ids.values())) == JOBS

        ids = list(client.ids.values())
        deadline = time.monotonic() + 60
        while True:
            jobs = await read_jobs(session, port_b, ids)
            open_jobs = [j for j in jobs.values() if j["status"] not in ("completed", "failed", "cancelled")]
            if (len(jobs) == JOBS and not open_jobs) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        assert len(jobs) == JOBS, "the surviving instance cannot read every job"
        assert not open_jobs, f"{len(open_jobs)} jobs never finished, e.g. {open_jobs[0]['events']}"
        async with session.get(f"http://127.0.0.1:{port_b}/health/ready") as resp:
            health = await resp.json()
    assert b.poll() is None, "the surviving instance died"
    assert health["checks"]["nats"]["status"] == "ok", health  # reconnected without help

    statuses = {j["status"] for j in jobs.values()}
    assert statuses == {"completed"}, statuses
    for job in jobs.values():
        history = [e["status"] for e in job["events"]]
        assert history.count("completed") == 1, history
        assert [e["sequence"] for e in job["events"]] == list(range(1, len(history) + 1))
        for before, after in itertools.pairwise(history):
            assert after in TRANSITIONS[before], history
    redelivered = [j for j in jobs.values() if j["attempts"] >= 2]
    assert redelivered, "no job was redelivered after the kill"
    for job in redelivered:
        assert job["events"][-1]["instance_id"] == b_id, job["events"]
    announced = await completed_events(server.url)
    assert sorted(announced) == sorted(ids), "segmentation.completed must be published once per job"
    (tmp / "summary.json").write_text(json.dumps({"held_when_frozen": held, "redelivered": len(redelivered),
                                                  "submit_retries": client.retries}))
