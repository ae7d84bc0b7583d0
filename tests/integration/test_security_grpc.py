"""The same token matrix over gRPC: UNAUTHENTICATED, PERMISSION_DENIED and RESOURCE_EXHAUSTED with the
request id and the rich error details, on unary and streaming methods; health stays open."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from segsvc.config.loader import Layer
from segsvc.v1 import segmentation_pb2 as pb
from segsvc.v1 import segmentation_pb2_grpc as pb_grpc
from tests.support.security import BAD_TOKEN_CASES, SECRET, Jwks, SigningKey, bad_tokens, hs256, signed

REQUEST = pb.SegmentRequest(command="Open Firefox and go to wikipedia.org")


@pytest.fixture
async def served(start_runtime: Any, jwks_server: tuple[Jwks, Any]) -> AsyncIterator[tuple[Any, Any, Any]]:
    _, server = jwks_server
    runtime = await start_runtime(SEGSVC_SECURITY__AUTH__ENABLED="true", SEGSVC_SECURITY__JWT__SECRET=SECRET,
                                  SEGSVC_SECURITY__JWT__JWKS_URL=str(server.make_url("/jwks")),
                                  SEGSVC_SECURITY__JWT__JWKS_MIN_REFRESH_SECONDS="0")
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{runtime.grpc_port}")
    yield runtime, pb_grpc.SegmentationStub(channel), channel
    await channel.close()


def auth(header: str | None) -> tuple[tuple[str, str], ...]:
    return (("authorization", header),) if header else ()


def reason_of(error: grpc.aio.AioRpcError) -> str:
    raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    assert raw, "rich error details missing"
    for detail in status_pb2.Status.FromString(raw).details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason
    raise AssertionError("no ErrorInfo")


async def test_token_matrix_over_grpc(served: tuple[Any, Any, Any], signing_keys: dict[str, SigningKey]) -> None:
    runtime, stub, _ = served
    for name, token in (("HS256", hs256()), ("RS256", signed(signing_keys["rsa"])),
                        ("ES256", signed(signing_keys["ec"]))):
        reply = await stub.Segment(REQUEST, metadata=auth(f"Bearer {token}"))
        assert reply.segments[0].content == "Open Firefox", name
    matrix = bad_tokens(signing_keys)
    for case in BAD_TOKEN_CASES:
        header, reason = matrix[case]
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.Segment(REQUEST, metadata=auth(header))
        error = caught.value
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED, (case, error.code(), error.details())
        assert reason.lower() in (error.details() or "").lower(), (case, error.details())
        assert reason_of(error) == "unauthorized", case
        assert dict(error.trailing_metadata() or ()).get("x-request-id"), case
    rejected = runtime.metrics.grpc_requests.labels("/segsvc.v1.Segmentation/Segment", "UNAUTHENTICATED")
    assert rejected._value.get() == len(BAD_TOKEN_CASES)


async def test_permissions_over_grpc(served: tuple[Any, Any, Any], signing_keys: dict[str, SigningKey]) -> None:
    _, stub, _ = served
    reader = f"Bearer {signed(signing_keys['rsa'], scope='jobs:read')}"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Segment(REQUEST, metadata=auth(reader))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "segment:write" in (caught.value.details() or "") and reason_of(caught.value) == "forbidden"
    writer = f"Bearer {hs256(scope='segment:write')}"
    job = await stub.SubmitJob(pb.SubmitJobRequest(command=REQUEST.command), metadata=auth(writer))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetJob(pb.GetJobRequest(job_id=job.job_id), metadata=auth(writer))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert (await stub.GetJob(pb.GetJobRequest(job_id=job.job_id), metadata=auth(reader))).job_id == job.job_id


async def test_streaming_methods_are_guarded(served: tuple[Any, Any, Any]) -> None:
    _, stub, _ = served

    async def requests() -> AsyncIterator[pb.SegmentRequest]:
        yield REQUEST

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in stub.SegmentStream(requests()):
            pass
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in stub.WatchJob(pb.WatchJobRequest(job_id="nope")):
            pass
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    results = [r async for r in stub.SegmentStream(requests(), metadata=auth(f"Bearer {hs256()}"))]
    assert len(results) == 1


async def test_health_is_open_and_rate_limits_apply(served: tuple[Any, Any, Any]) -> None:
    runtime, stub, channel = served
    health = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    store = runtime.config
    store.replace(store.snapshot.with_layer(Layer("consul-kv", {
        "security.rate_limit.enabled": True, "security.rate_limit.burst": 1,
        "security.rate_limit.requests_per_second": 0.1})))
    token = auth(f"Bearer {hs256(sub='grpc-client')}")
    await stub.Segment(REQUEST, metadata=token)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Segment(REQUEST, metadata=token)
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert reason_of(caught.value) == "too_many_requests"


async def test_forwarded_client_address_counts_only_from_a_trusted_proxy(start_runtime: Any) -> None:
    """Auth off, rate limits on: each client address is its own subject. Behind a trusted proxy that address
    is the one its x-forwarded-for vouches for; from anyone else the metadata is ignored."""
    limits = {"SEGSVC_SECURITY__RATE_LIMIT__ENABLED": "true", "SEGSVC_SECURITY__RATE_LIMIT__BURST": "1",
              "SEGSVC_SECURITY__RATE_LIMIT__REQUESTS_PER_SECOND": "0.01"}
    for trusted, separate in (("127.0.0.1", True), ("10.9.9.9", False)):
        runtime = await start_runtime(SEGSVC_SECURITY__TRUSTED_PROXIES=trusted, **limits)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{runtime.grpc_port}") as channel:
            stub = pb_grpc.SegmentationStub(channel)
            await stub.Segment(REQUEST, metadata=(("x-forwarded-for", "198.51.100.7, 203.0.113.9"),))
            other = stub.Segment(REQUEST, metadata=(("x-forwarded-for", "203.0.113.10"),))
            if separate:
                assert (await other).segments
            else:
                with pytest.raises(grpc.aio.AioRpcError) as caught:
                    await other
                assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            with pytest.raises(grpc.aio.AioRpcError) as caught:  # the same client again: over its limit
                await stub.Segment(REQUEST, metadata=(("x-forwarded-for", "203.0.113.9"),))
            assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
