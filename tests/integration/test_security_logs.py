"""Log hygiene: a DEBUG run with authenticated (and refused) requests on both transports logs no token and
no secret, and command text only at DEBUG."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import grpc
import pytest

from segsvc.observability.logging import JsonFormatter
from segsvc.v1 import segmentation_pb2 as pb
from segsvc.v1 import segmentation_pb2_grpc as pb_grpc
from tests.support.security import SECRET, Jwks, SigningKey, hs256, signed

COMMAND = "Transfer the quarterly payroll file to the secret-archive share"


async def test_no_token_or_secret_in_debug_logs(start_runtime: Any, jwks_server: tuple[Jwks, Any],
                                               signing_keys: dict[str, SigningKey],
                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _, idp = jwks_server
    runtime = await start_runtime(SEGSVC_LOG_LEVEL="DEBUG", SEGSVC_SECURITY__AUTH__ENABLED="true",
                                  SEGSVC_SECURITY__JWT__SECRET=SECRET,
                                  SEGSVC_SECURITY__JWT__JWKS_URL=str(idp.make_url("/jwks")))
    tokens = [hs256(), signed(signing_keys["rsa"]), signed(signing_keys["ec"]),
              hs256("a-wrong-secret-that-is-long-enough-0000"), signed(signing_keys["rsa2"]),
              signed(signing_keys["rsa"], scope="jobs:read")]
    async with aiohttp.ClientSession(f"http://127.0.0.1:{runtime.http_port}") as http:
        for token in tokens:
            async with http.post("/api/v1/segment", json={"command": COMMAND},
                                 headers={"Authorization": f"Bearer {token}"}) as resp:
                assert resp.status in (200, 401, 403)
        async with http.get("/api/v1/admin/config", headers={"Authorization": f"Bearer {tokens[0]}"}) as resp:
            assert resp.status == 403
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{runtime.grpc_port}")
    stub = pb_grpc.SegmentationStub(channel)
    for token in tokens:
        try:
            await stub.Segment(pb.SegmentRequest(command=COMMAND), metadata=(("authorization", f"Bearer {token}"),))
        except grpc.aio.AioRpcError:
            pass
    await channel.close()
    formatter = JsonFormatter("segmentation-service", "test")
    lines = [(record.levelno, formatter.format(record)) for record in caplog.records]
    assert any(level == logging.DEBUG and COMMAND in line for level, line in lines), "DEBUG logs commands"
    assert any("request refused" in line for _, line in lines)
    secrets = [SECRET, *tokens, *(t.split(".")[2] for t in tokens), *(t.split(".")[1] for t in tokens)]
    for level, line in lines:
        for secret in secrets:
            assert secret not in line, line
        if level > logging.DEBUG:
            assert COMMAND not in line, line
