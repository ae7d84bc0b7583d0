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



async def test_listeners_stop_together(make_runtime: Any) -> None:
    """While a gRPC call is still being answered, the HTTP listener is already closed: the two listeners'
    grace periods overlap instead of adding up."""
    import grpc

    from segsvc.v1 import segmentation_pb2 as pb
    from segsvc.v1 import segmentation_pb2_grpc as pb_grpc
    from tests.support.peers import Orchestrator

    orchestrator = await Orchestrator(mode="slow", delay=2.0).start()  # keeps the gRPC call busy
    http_port, grpc_port = free_port(), free_port()
    runtime = make_runtime(SEGSVC_HTTP__PORT=str(http_port), SEGSVC_HTTP__HOST="127.0.0.1",
                           SEGSVC_GRPC__PORT=str(grpc_port), SEGSVC_GRPC__HOST="127.0.0.1",
                           SEGSVC_SHUTDOWN__DRAIN_SECONDS="0", SEGSVC_PEERS__AI_ORCHESTRATOR__URL=orchestrator.url,
                           SEGSVC_PEERS__AI_ORCHESTRATOR__TIMEOUT="10")
    await runtime.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
            call = asyncio.ensure_future(pb_grpc.SegmentationStub(channel).Segment(
                pb.SegmentRequest(command="Open Firefox", engine="llm")))
            while not orchestrator.chats:
                await asyncio.sleep(0.01)
            stopping = asyncio.create_task(runtime.stop())
            refused = False
            while not call.done() and not refused:  # the HTTP port closes while the gRPC call is still running
                try:
                    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1)) as fresh, \
                            fresh.get(f"http://127.0.0.1:{http_port}/health/live"):
                        pass
                except aiohttp.ClientConnectionError:
                    refused = True
                except TimeoutError:
                    pass  # a connection caught in the closing listener's backlog: not refused yet, ask again
                await asyncio.sleep(0.02)
            assert refused and not call.done()
            answer = await call
            assert answer.metadata["engine"].startswith("llm:")  # the call was let finish
            await asyncio.wait_for(stopping, 5)
    finally:
        await runtime.stop()  # a second stop is a no-op; here it cleans up after a failed assertion
        await orchestrator.stop()


async def test_a_part_that_hangs_while_stopping_does_not_keep_the_rest_from_stopping(
        make_runtime: Any, monkeypatch: Any, caplog: Any) -> None:
    import logging

    from segsvc import runtime as runtime_module

    monkeypatch.setattr(runtime_module, "STEP_MARGIN", 0.2)
    runtime = make_runtime(SEGSVC_HTTP__PORT="0", SEGSVC_HTTP__HOST="127.0.0.1", SEGSVC_GRPC__PORT="0",
                           SEGSVC_GRPC__HOST="127.0.0.1", SEGSVC_SHUTDOWN__DRAIN_SECONDS="0",
                           SEGSVC_SHUTDOWN__GRACE_SECONDS="0.1")
    stopped: list[str] = []

    class Part:
        def __init__(self, name: str, stage: str, hangs: bool) -> None:
            self.name, self.stage, self.hangs = name, stage, hangs

        async def start(self) -> None:
            return None

        async def drain(self) -> None:
            if self.hangs:
                await asyncio.Event().wait()

        async def stop(self) -> None:
            if self.hangs:
                await asyncio.Event().wait()  # e.g. a loop whose cancellation got lost
            stopped.append(self.name)

    runtime.components += [Part("stuck", "background", True), Part("last", "client", False)]
    await runtime.start()
    caplog.set_level(logging.ERROR, logger="segsvc")
    await asyncio.wait_for(runtime.stop(), 10)
    assert stopped == ["last"]  # the stage after the stuck part still stopped
    hung = [r for r in caplog.records if r.getMessage().startswith("component did not stop in time")]
    assert [r.component for r in hung] == ["stuck", "stuck"]  # type: ignore[attr-defined]  # drain, then stop
