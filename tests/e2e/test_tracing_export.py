"""OTLP export happens when (and only when) the standard OpenTelemetry variables ask for it."""

from __future__ import annotations

import asyncio
import signal
import sys

import aiohttp
from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.conftest import ROOT, base_env, free_port

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


async def run_service_and_collect(otel: bool, *, sdk_disabled: bool = False) -> list[ExportTraceServiceRequest]:
    received: list[ExportTraceServiceRequest] = []

    async def traces(request: web.Request) -> web.Response:
        received.append(ExportTraceServiceRequest.FromString(await request.read()))
        return web.Response(status=200)

    collector = web.Application()
    collector.router.add_post("/v1/traces", traces)
    runner = web.AppRunner(collector)
    await runner.setup()
    collector_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", collector_port).start()
    port = free_port()
    env = base_env(SEGSVC_HTTP__PORT=str(port), SEGSVC_HTTP__HOST="127.0.0.1", SEGSVC_GRPC__PORT=str(free_port()))
    if otel:
        env.update(OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{collector_port}", OTEL_BSP_SCHEDULE_DELAY="100",
                   OTEL_SERVICE_NAME="segsvc-under-test")
        if sdk_disabled:
            env["OTEL_SDK_DISABLED"] = "true"
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "segsvc", "serve", env=env, cwd=ROOT,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        async with aiohttp.ClientSession() as s:
            for _ in range(200):
                try:
                    async with s.get(f"http://127.0.0.1:{port}/health/ready") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
            headers = {"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"}
            async with s.post(f"http://127.0.0.1:{port}/api/v1/segment", json={"command": "Takvimi aç"},
                              headers=headers) as r:
                assert r.status == 200
        await asyncio.sleep(1.0)
        proc.send_signal(signal.SIGTERM)   # shutdown flushes the batch processor
        assert await asyncio.wait_for(proc.wait(), 15) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
        await runner.cleanup()
    return received


async def test_spans_exported_over_otlp_with_the_incoming_trace_id() -> None:
    received = await run_service_and_collect(otel=True)
    spans = [(rs, span) for req in received for rs in req.resource_spans for ss in rs.scope_spans for span in ss.spans]
    segment = [(rs, s) for rs, s in spans if s.name == "POST /api/v1/segment"]
    assert segment, [s.name for _, s in spans]
    resource, span = segment[0]
    assert span.trace_id.hex() == TRACE_ID and span.parent_span_id.hex() == "00f067aa0ba902b7"
    attrs = {a.key: a.value for a in span.attributes}
    assert attrs["http.response.status_code"].int_value == 200
    names = {a.key: a.value.string_value for a in resource.resource.attributes}
    assert names["service.name"] == "segsvc-under-test"


async def test_otel_sdk_disabled_switches_export_off() -> None:
    """The endpoint is set, but OTEL_SDK_DISABLED=true: no pipeline, nothing reaches the collector."""
    assert await run_service_and_collect(otel=True, sdk_disabled=True) == []
