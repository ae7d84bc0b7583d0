"""The gRPC API on a real grpc.aio server (loopback), beside HTTP on the same loop and runtime."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import grpc
import pytest
from google.protobuf import descriptor_pool, json_format, message_factory
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

from segsvc.models.alt import AltDocument, RunnerDocument
from segsvc.v1 import segmentation_pb2 as pb
from segsvc.v1 import segmentation_pb2_grpc as pb_grpc
from tests.conftest import load_cases
from tests.support.peers import Orchestrator

SHARED = load_cases("shared_examples.jsonl")
SERVICE = "segsvc.v1.Segmentation"


def as_dict(message: Any) -> dict[str, Any]:
    return json_format.MessageToDict(message, preserving_proto_field_name=True,
                                     always_print_fields_with_no_presence=True)


def normal(value: Any) -> Any:
    """JSON as JSON compares it: 2 == 2.0 (protobuf Values are doubles)."""
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def grpc_document(message: pb.AltDocument) -> dict[str, Any]:
    doc = as_dict(message)
    doc.pop("runner", None)
    doc.setdefault("chaos_level", None)
    return normal(doc)


@pytest.fixture
async def served(start_runtime: Any) -> Any:
    runtime = await start_runtime()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{runtime.grpc_port}")
    http = aiohttp.ClientSession(f"http://127.0.0.1:{runtime.http_port}")
    yield runtime, pb_grpc.SegmentationStub(channel), http, channel
    await http.close()
    await channel.close()


async def http_segment(http: aiohttp.ClientSession, body: dict[str, Any]) -> dict[str, Any]:
    async with http.post("/api/v1/segment", json=body) as resp:
        assert resp.status == 200, await resp.text()
        return normal(await resp.json())


@pytest.mark.skipif(not SHARED, reason="tests/data/shared_examples.jsonl missing")
async def test_grpc_gives_the_same_segments_as_http_for_every_shared_example(served: Any) -> None:
    _, stub, http, _ = served
    for case in SHARED:
        over_http = await http_segment(http, {"command": case["command"]})
        over_grpc = grpc_document(await stub.Segment(pb.SegmentRequest(command=case["command"])))
        AltDocument.model_validate(over_grpc)
        assert over_grpc["segments"] == over_http["segments"], case["id"]
        for key in ("language", "mode", "persona", "chaos_level", "command", "version"):
            assert over_grpc[key] == over_http[key], (case["id"], key)


async def test_all_request_fields_travel_like_the_http_body(served: Any) -> None:
    _, stub, http, _ = served
    body = {"command": "Dim the screen; mute the laptop; then start the presentation", "language": "en",
            "mode": "Chaos", "persona": "concise", "chaos_level": 9, "seed": 42, "engine": "rules",
            "format": "alt", "metadata": {"client": "test", "n": 3, "nested": {"ok": True, "list": [1, "a"]}}}
    request = json_format.ParseDict(body, pb.SegmentRequest())
    over_grpc = grpc_document(await stub.Segment(request))
    over_http = await http_segment(http, body)
    assert over_grpc["segments"] == over_http["segments"]
    assert over_grpc["chaos_level"] == 9 and over_grpc["persona"] == "concise"
    assert over_grpc["metadata"]["request"] == body["metadata"] == over_http["metadata"]["request"]
    assert over_grpc["metadata"]["seed"] == 42


async def test_runner_format_attaches_the_runner_rendering(served: Any) -> None:
    _, stub, http, _ = served
    command = "Summarize the meeting transcript and translate the summary into Turkish"
    message = await stub.Segment(pb.SegmentRequest(command=command, format="runner"))
    runner = normal(as_dict(message.runner))
    RunnerDocument.model_validate(runner)
    over_http = await http_segment(http, {"command": command, "format": "runner"})
    assert runner["tasks"] == over_http["tasks"] and runner["id"] == message.id
    assert len(message.segments) == len(runner["tasks"])


@pytest.mark.parametrize("fields, field", [
    ({"command": ""}, "command"),
    ({"command": "   \n\t"}, "command"),
    ({"command": "Open it", "mode": "Weird"}, "mode"),
    ({"command": "Open it", "language": "de"}, "language"),
    ({"command": "Open it", "format": "xml"}, "format"),
    ({"command": "Open it", "persona": "pirate"}, "persona"),
    ({"command": "Open it", "chaos_level": 3}, "chaos_level"),
    ({"command": "Open it", "mode": "Chaos", "chaos_level": 11}, "chaos_level"),
    ({"command": "Open it", "engine": "magic"}, "engine"),
    ({"command": "Open it", "model": "not-allowed"}, "model"),
])
async def test_invalid_fields_are_invalid_argument_naming_the_field(served: Any, fields: dict[str, Any],
                                                                    field: str) -> None:
    _, stub, _, _ = served
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Segment(pb.SegmentRequest(**fields))
    error = caught.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in (error.details() or "")
    violations = _violations(error)
    assert field in [v.field for v in violations]


def _violations(error: grpc.aio.AioRpcError) -> list[Any]:
    raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    assert raw, "rich error details missing"
    status = status_pb2.Status.FromString(raw)
    out = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            out.extend(bad.field_violations)
    return out


async def test_oversize_is_resource_exhausted(start_runtime: Any) -> None:
    runtime = await start_runtime(SEGSVC_LIMITS__MAX_BODY_BYTES="2000", SEGSVC_LIMITS__MAX_COMMAND_CHARS="500",
                                  SEGSVC_LIMITS__MAX_BATCH="3")
    async with grpc.aio.insecure_channel(f"127.0.0.1:{runtime.grpc_port}") as channel:
        stub = pb_grpc.SegmentationStub(channel)
        cases = [
            (stub.Segment, pb.SegmentRequest(command="Open it " * 100), "command"),
            (stub.Segment, json_format.ParseDict({"command": "Open it", "metadata": {"blob": "x" * 5000}},
                                                 pb.SegmentRequest()), "request"),
            (stub.SegmentBatch, pb.SegmentBatchRequest(items=[pb.SegmentRequest(command="Open it")] * 4), "items"),
            (stub.SubmitJob, pb.SubmitJobRequest(command="Open it " * 100), "command"),
        ]
        for method, request, field in cases:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await method(request)
            assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, field
            assert field in (caught.value.details() or "")
        # Far over any limit: gRPC's own ceiling answers the same code.
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.Segment(pb.SegmentRequest(command="x" * (17 * 1024 * 1024)))
        assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


async def test_batch_and_stream_answer_per_item(served: Any) -> None:
    _, stub, _, _ = served
    batch = await stub.SegmentBatch(pb.SegmentBatchRequest(items=[
        pb.SegmentRequest(command="Takvimi aç"), pb.SegmentRequest(command="Open it", mode="Weird"),
        pb.SegmentRequest(command="Open Firefox and go to wikipedia.org", format="runner")]))
    kinds = [r.WhichOneof("result") for r in batch.results]
    assert kinds == ["document", "problem", "document"] and [r.index for r in batch.results] == [0, 1, 2]
    problem = batch.results[1].problem
    assert problem.status == 422 and problem.code == "validation_failed"
    assert [e.field for e in problem.errors] == ["items.1.mode"]
    assert len(batch.results[2].document.runner.tasks) == 2

    async def requests() -> Any:
        for command in ("Open Firefox and go to wikipedia.org", "", "Takvimi aç"):
            yield pb.SegmentRequest(command=command)
            await asyncio.sleep(0)

    results = [r async for r in stub.SegmentStream(requests())]
    assert [(r.index, r.WhichOneof("result")) for r in results] == [(0, "document"), (1, "problem"), (2, "document")]
    assert results[0].document.segments[1].content == "go to wikipedia.org"


async def test_request_id_and_trace_context_in_metadata(served: Any) -> None:
    runtime, stub, _, _ = served
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    call = stub.Segment(pb.SegmentRequest(command="Takvimi aç"),
                        metadata=(("x-request-id", "grpc-abc-1"), ("traceparent", traceparent)))
    await call
    assert dict(await call.trailing_metadata())["x-request-id"] == "grpc-abc-1"
    generated = stub.Segment(pb.SegmentRequest(command="Takvimi aç"),
                             metadata=(("x-request-id", "bad id with spaces"),))
    await generated
    assert dict(await generated.trailing_metadata())["x-request-id"] != "bad id with spaces"
    stream = stub.SegmentStream(metadata=(("x-request-id", "grpc-stream-3"),))
    assert dict(await stream.initial_metadata())["x-request-id"] == "grpc-stream-3"  # before any answer
    await stream.done_writing()
    assert [r async for r in stream] == []
    sample = runtime.metrics.registry.get_sample_value(
        "segsvc_grpc_requests_total", {"method": f"/{SERVICE}/Segment", "code": "OK"})
    assert sample is not None and sample >= 2
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Segment(pb.SegmentRequest(command=""), metadata=(("x-request-id", "grpc-bad-2"),))
    trailers = dict(caught.value.trailing_metadata() or ())
    assert trailers["x-request-id"] == "grpc-bad-2"
    assert runtime.metrics.registry.get_sample_value(
        "segsvc_grpc_requests_total", {"method": f"/{SERVICE}/Segment", "code": "INVALID_ARGUMENT"}) == 1


async def test_health_serving_when_ready_not_serving_when_draining(served: Any) -> None:
    runtime, _, _, channel = served
    health = health_pb2_grpc.HealthStub(channel)
    for name in ("", SERVICE):
        answer = await health.Check(health_pb2.HealthCheckRequest(service=name))
        assert answer.status == health_pb2.HealthCheckResponse.SERVING
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await health.Check(health_pb2.HealthCheckRequest(service="nope.Nothing"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    watch = health.Watch(health_pb2.HealthCheckRequest(service=SERVICE))
    first = await watch.read()
    assert first.status == health_pb2.HealthCheckResponse.SERVING
    runtime.health.report("config", "down", "broken on purpose", critical=True)  # readiness is a fact
    answer = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE))
    assert answer.status == health_pb2.HealthCheckResponse.NOT_SERVING
    runtime.health.report("config", "ok", "fixed", critical=True)
    await runtime.grpc.drain()
    answer = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE))
    assert answer.status == health_pb2.HealthCheckResponse.NOT_SERVING
    changed = await asyncio.wait_for(watch.read(), 5)
    assert changed.status == health_pb2.HealthCheckResponse.NOT_SERVING
    watch.cancel()


def _reflect_and_call(address: str, service_name: str) -> tuple[list[str], dict[str, Any], grpc.StatusCode, str]:
    """An independent client: everything it knows comes from server reflection."""
    with grpc.insecure_channel(address) as channel:
        database = ProtoReflectionDescriptorDatabase(channel)
        services = list(database.get_services())
        pool = descriptor_pool.DescriptorPool(database)
        service = pool.FindServiceByName(service_name)
        method = service.methods_by_name["Segment"]
        request_class = message_factory.GetMessageClass(method.input_type)
        response_class = message_factory.GetMessageClass(method.output_type)
        call = channel.unary_unary(f"/{service_name}/Segment", request_serializer=request_class.SerializeToString,
                                   response_deserializer=response_class.FromString)
        body = {"command": "Open Firefox and go to wikipedia.org", "language": "en", "mode": "Normal",
                "persona": "default", "format": "alt", "engine": "rules", "metadata": {"via": "reflection"}}
        answer = json_format.MessageToDict(call(json_format.ParseDict(body, request_class())),
                                           preserving_proto_field_name=True)
        try:
            call(json_format.ParseDict({"command": "Open it", "chaos_level": 3}, request_class()))
        except grpc.RpcError as exc:
            return services, answer, exc.code(), exc.details()
        raise AssertionError("an invalid request was accepted")


async def test_reflection_serves_full_descriptors_to_an_independent_client(served: Any) -> None:
    runtime, _, _, _ = served
    services, answer, code, details = await asyncio.to_thread(
        _reflect_and_call, f"127.0.0.1:{runtime.grpc_port}", SERVICE)
    assert SERVICE in services and "grpc.health.v1.Health" in services
    assert [s["content"] for s in answer["segments"]] == ["Open Firefox", "go to wikipedia.org"]
    assert answer["metadata"]["request"] == {"via": "reflection"}
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "chaos_level" in details


async def test_reflection_v1_name_is_answered_too(served: Any) -> None:
    channel = served[3]
    from grpc_reflection.v1alpha import reflection_pb2

    call = channel.stream_stream("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                                 request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                                 response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
    stream = call()
    await stream.write(reflection_pb2.ServerReflectionRequest(list_services=""))
    answer = await stream.read()
    await stream.done_writing()
    assert SERVICE in [s.name for s in answer.list_services_response.service]


async def test_deadline_is_honoured_and_the_call_released(start_runtime: Any) -> None:
    runtime = await start_runtime(before_start=lambda r: r.components.remove(r.jobs.worker))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{runtime.grpc_port}") as channel:
        stub = pb_grpc.SegmentationStub(channel)
        job = await stub.SubmitJob(pb.SubmitJobRequest(command="Takvimi aç"))
        watch = stub.WatchJob(pb.WatchJobRequest(job_id=job.job_id), timeout=0.5)
        events = []
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            async for event in watch:
                events.append(event.status)
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert events == ["queued"]  # the job stays queued: no worker runs in this instance
        gauge = "segsvc_grpc_requests_in_flight"
        for _ in range(100):
            if runtime.metrics.registry.get_sample_value(gauge) == 0:
                break
            await asyncio.sleep(0.02)
        assert runtime.metrics.registry.get_sample_value(gauge) == 0, "the server kept the expired call"


async def test_unary_deadline_ends_the_work_and_is_counted(start_runtime: Any) -> None:
    """A Segment call whose deadline passes while the LLM is still thinking: the caller gets
    DEADLINE_EXCEEDED at its deadline, the server stops the work (nothing in flight) and counts the code."""
    orchestrator = await Orchestrator(mode="slow", delay=3.0).start()
    try:
        runtime = await start_runtime(SEGSVC_PEERS__AI_ORCHESTRATOR__URL=orchestrator.url,
                                      SEGSVC_PEERS__AI_ORCHESTRATOR__TIMEOUT="10")
        async with grpc.aio.insecure_channel(f"127.0.0.1:{runtime.grpc_port}") as channel:
            stub = pb_grpc.SegmentationStub(channel)
            started = time.monotonic()
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await stub.Segment(pb.SegmentRequest(command="Open Firefox", engine="llm"), timeout=0.3)
            assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
            assert time.monotonic() - started < 2.5  # not the orchestrator's 3 s
            registry = runtime.metrics.registry
            labels = {"method": "/segsvc.v1.Segmentation/Segment", "code": "DEADLINE_EXCEEDED"}
            for _ in range(100):
                if (registry.get_sample_value("segsvc_grpc_requests_in_flight") == 0
                        and registry.get_sample_value("segsvc_grpc_requests_total", labels)):
                    break
                await asyncio.sleep(0.02)
            assert registry.get_sample_value("segsvc_grpc_requests_in_flight") == 0, "the server kept the call"
            assert registry.get_sample_value("segsvc_grpc_requests_total", labels) == 1
    finally:
        await orchestrator.stop()


async def test_unknown_job_is_not_found(served: Any) -> None:
    _, stub, _, _ = served
    for call in (stub.GetJob(pb.GetJobRequest(job_id="nope")),
                 stub.GetJob(pb.GetJobRequest(job_id="6f1c7c1e-0000-4000-8000-000000000000"))):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in stub.WatchJob(pb.WatchJobRequest(job_id="nope")):
            pass
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_generated_descriptor_names_the_contract_fields() -> None:
    fields = [f.name for f in pb.SegmentRequest.DESCRIPTOR.fields]
    assert fields == ["command", "language", "mode", "persona", "chaos_level", "seed", "engine", "model", "format",
                      "metadata"]
    assert json.loads(json.dumps(list(pb.DESCRIPTOR.services_by_name))) == ["Segmentation"]
