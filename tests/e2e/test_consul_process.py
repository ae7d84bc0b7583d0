"""Real ``segsvc serve`` processes registered in the Consul double: SIGTERM lifecycle and a rolling restart
under steady load from a client that resolves instances through Consul."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.conftest import ROOT, base_env, free_port
from tests.support.consul_double import ConsulDouble

SERVICE = "segmentation-service"


@pytest.fixture
async def double() -> AsyncIterator[ConsulDouble]:
    d = ConsulDouble(min_deregister_after=0, reap_interval=0.2)
    await d.start()
    yield d
    await d.stop()


async def spawn(double: ConsulDouble, port: int, logs: Path, drain: str = "1.5") -> asyncio.subprocess.Process:
    """A ``segsvc serve`` process; its log goes to a file in ``logs`` (``proc.log``), never to a pipe nobody
    empties while it runs (a full pipe would block the process on its next log line)."""
    fd, name = tempfile.mkstemp(prefix=f"segsvc-{port}-", suffix=".log", dir=logs)
    env = base_env(CONSUL_HTTP_ADDR=double.url, SEGSVC_HTTP__PORT=str(port), SEGSVC_HTTP__HOST="127.0.0.1",
                   SEGSVC_GRPC__PORT=str(free_port()), SEGSVC_CONSUL__TTL="1.5s",
                   SEGSVC_CONSUL__ADVERTISE_ADDRESS="127.0.0.1", SEGSVC_SHUTDOWN__DRAIN_SECONDS=drain,
                   SEGSVC_LOG_LEVEL="INFO", SEGSVC_HTTP__ACCESS_LOG="false")
    try:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "segsvc", "serve", env=env, cwd=ROOT,
                                                    stdout=asyncio.subprocess.DEVNULL, stderr=fd)
    finally:
        os.close(fd)  # the child holds its own descriptor
    proc.log = Path(name)  # type: ignore[attr-defined]
    return proc


async def passing(double: ConsulDouble) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as s:
        async with s.get(f"{double.url}/v1/health/service/{SERVICE}?passing") as r:
            return await r.json()


async def wait_passing(double: ConsulDouble, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(e["Service"]["Port"] == port for e in await passing(double)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"instance on {port} not passing within {timeout}s")


async def test_sigterm_goes_critical_draining_then_deregisters_and_exits_0(double: ConsulDouble,
                                                                          tmp_path: Path) -> None:
    port = free_port()
    proc = await spawn(double, port, tmp_path, drain="1.5")
    try:
        await wait_passing(double, port)
        (sid,) = [s for s in double.services() if s.startswith(SERVICE)]
        proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 1
        while double.checks()[f"service:{sid}"]["Status"] != "critical":
            assert time.monotonic() < deadline, "not critical within 1 s of SIGTERM"
            await asyncio.sleep(0.02)
        assert double.checks()[f"service:{sid}"]["Output"] == "draining"
        async with aiohttp.ClientSession() as s:   # still serving while draining
            async with s.post(f"http://127.0.0.1:{port}/api/v1/segment", json={"command": "Takvimi aç"}) as r:
                assert r.status == 200
        try:
            code = await asyncio.wait_for(proc.wait(), 40)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            code = None
        stderr = proc.log.read_text()  # type: ignore[attr-defined]
        assert code == 0, f"exit {code}; last log lines:\n" + "\n".join(stderr.splitlines()[-15:])
        assert sid not in double.services()
        messages = [json.loads(line)["msg"] for line in stderr.splitlines() if line.startswith("{")]
        assert messages.index("draining") < messages.index("deregistered from Consul") < messages.index("stopped")
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_rolling_restart_under_load_loses_no_request(double: ConsulDouble, tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    procs = {p: await spawn(double, p, tmp_path) for p in ports}
    stats = {"ok": 0, "failed": 0, "by_port": {p: 0 for p in ports}}
    errors: list[str] = []
    stop = asyncio.Event()

    async def client() -> None:
        """Resolves instances through Consul (?passing) every 100 ms and spreads requests over them."""
        instances: list[int] = []
        last_resolve = 0.0
        turn = 0
        connector = aiohttp.TCPConnector(force_close=True)  # no pooled connection outlives an instance
        async with aiohttp.ClientSession(connector=connector) as s:
            while not stop.is_set():
                if time.monotonic() - last_resolve > 0.1:
                    instances = [e["Service"]["Port"] for e in await passing(double)]
                    last_resolve = time.monotonic()
                if not instances:
                    await asyncio.sleep(0.02)
                    continue
                port = instances[turn % len(instances)]
                turn += 1
                try:
                    async with s.post(f"http://127.0.0.1:{port}/api/v1/segment",
                                      json={"command": "Open Firefox and go to wikipedia.org"}) as r:
                        if r.status == 200:
                            stats["ok"] += 1
                            stats["by_port"][port] += 1
                        else:
                            stats["failed"] += 1
                            errors.append(f"{port}: HTTP {r.status}")
                except aiohttp.ClientError as exc:
                    stats["failed"] += 1
                    errors.append(f"{port}: {exc!r}")
                await asyncio.sleep(0.005)

    try:
        for p in ports:
            await wait_passing(double, p)
        load = asyncio.create_task(client())
        await asyncio.sleep(1.5)
        restarted = ports[0]
        procs[restarted].send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(procs[restarted].wait(), 40) == 0
        served_before_restart = stats["by_port"][restarted]
        procs[restarted] = await spawn(double, restarted, tmp_path)
        await wait_passing(double, restarted)
        await asyncio.sleep(1.5)
        stop.set()
        await load
        assert stats["failed"] == 0, errors[:5]
        assert stats["ok"] > 100
        assert stats["by_port"][restarted] > served_before_restart   # the restarted instance took traffic again
        assert stats["by_port"][ports[1]] > 0
    finally:
        stop.set()
        for proc in procs.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()
