"""Graceful stop on a real listener: drain keeps serving, then new connections are refused while the
request already inside a handler finishes."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
from aiohttp import web

from tests.conftest import free_port


async def test_stop_drains_then_finishes_in_flight_and_refuses_new(make_runtime: Any) -> None:
    port = free_port()
    runtime = make_runtime(SEGSVC_HTTP__PORT=str(port), SEGSVC_HTTP__HOST="127.0.0.1",
                           SEGSVC_SHUTDOWN__DRAIN_SECONDS="0.5")
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:  # stands for a long in-flight request
        await release.wait()
        return web.json_response({"finished": True})

    runtime.app.router.add_get("/test/slow", slow)
    await runtime.start()
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        in_flight = asyncio.create_task(session.get(f"{url}/test/slow"))
        await asyncio.sleep(0.1)
        runtime.request_stop()
        stopping = asyncio.create_task(runtime.stop())
        await asyncio.sleep(0.1)
        async with session.get(f"{url}/health/ready") as resp:   # draining: still answering, not ready
            assert resp.status == 503 and (await resp.json())["status"] == "draining"
        await asyncio.sleep(0.7)                                  # drain over: listener closed
        started = time.monotonic()
        try:
            async with aiohttp.ClientSession() as fresh:
                await fresh.get(f"{url}/health/live")
            refused = False
        except aiohttp.ClientConnectionError:
            refused = True
        assert refused and time.monotonic() - started < 2
        assert not stopping.done(), "stop() must wait for the in-flight request"
        release.set()
        resp = await in_flight
        assert resp.status == 200 and (await resp.json()) == {"finished": True}
        await asyncio.wait_for(stopping, 5)
