"""HTTPS and gRPC over TLS with certificates generated in the test; mTLS refuses clients without a valid
certificate; outbound calls (here: the JWKS fetch) trust a private CA through security.outbound_ca_file."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import aiohttp
import grpc
import pytest
from aiohttp import web

from segsvc.v1 import segmentation_pb2 as pb
from segsvc.v1 import segmentation_pb2_grpc as pb_grpc
from tests.support.security import Jwks, Pki, SigningKey, signed

REQUEST = pb.SegmentRequest(command="Takvimi aç")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))


def tls_env(pki: Pki, **extra: str) -> dict[str, str]:
    return {"SEGSVC_SECURITY__TLS__CERT_FILE": str(pki.server_cert),
            "SEGSVC_SECURITY__TLS__KEY_FILE": str(pki.server_key), **extra}


def client_context(pki: Pki, cert: Path | None = None, key: Path | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki.ca_cert))
    if cert is not None and key is not None:
        context.load_cert_chain(str(cert), str(key))
    return context


def grpc_channel(pki: Pki, port: int, cert: Path | None = None, key: Path | None = None) -> grpc.aio.Channel:
    credentials = grpc.ssl_channel_credentials(
        root_certificates=pki.ca_cert.read_bytes(),
        private_key=key.read_bytes() if key else None, certificate_chain=cert.read_bytes() if cert else None)
    return grpc.aio.secure_channel(f"127.0.0.1:{port}", credentials)


async def get(url: str, context: ssl.SSLContext | bool) -> aiohttp.ClientResponse:
    async with aiohttp.ClientSession() as session, session.get(url, ssl=context) as resp:
        await resp.read()
        return resp


async def test_https_and_grpc_over_tls(start_runtime: Any, pki: Pki) -> None:
    runtime = await start_runtime(**tls_env(pki))
    resp = await get(f"https://127.0.0.1:{runtime.http_port}/api/v1/info", client_context(pki))
    assert resp.status == 200
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
    with pytest.raises(aiohttp.ClientError):  # plain HTTP to the TLS port
        await get(f"http://127.0.0.1:{runtime.http_port}/api/v1/info", False)
    with pytest.raises(aiohttp.ClientConnectorCertificateError):  # a client that does not trust our CA
        await get(f"https://127.0.0.1:{runtime.http_port}/api/v1/info", ssl.create_default_context())
    channel = grpc_channel(pki, runtime.grpc_port)
    try:
        reply = await pb_grpc.SegmentationStub(channel).Segment(REQUEST, timeout=5)
        assert reply.segments[0].task_type == "open"
    finally:
        await channel.close()


async def test_mtls_refuses_clients_without_a_valid_certificate(start_runtime: Any, pki: Pki) -> None:
    runtime = await start_runtime(**tls_env(pki, SEGSVC_SECURITY__TLS__CLIENT_CA_FILE=str(pki.ca_cert),
                                            SEGSVC_SECURITY__TLS__REQUIRE_CLIENT_CERT="true"))
    url = f"https://127.0.0.1:{runtime.http_port}/api/v1/info"
    assert (await get(url, client_context(pki, pki.client_cert, pki.client_key))).status == 200
    for cert, key in ((None, None), (pki.rogue_cert, pki.rogue_key)):
        with pytest.raises((aiohttp.ClientError, ssl.SSLError, ConnectionError)):
            await get(url, client_context(pki, cert, key))
    good = grpc_channel(pki, runtime.grpc_port, pki.client_cert, pki.client_key)
    try:
        assert (await pb_grpc.SegmentationStub(good).Segment(REQUEST, timeout=5)).segments
    finally:
        await good.close()
    for cert, key in ((None, None), (pki.rogue_cert, pki.rogue_key)):
        bad = grpc_channel(pki, runtime.grpc_port, cert, key)
        try:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await pb_grpc.SegmentationStub(bad).Segment(REQUEST, timeout=5)
            assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        finally:
            await bad.close()


async def test_jwks_over_https_with_a_private_ca(start_runtime: Any, aiohttp_server: Any, pki: Pki) -> None:
    key = SigningKey.ec("tls-ec")
    jwks = Jwks([key])

    async def serve(request: web.Request) -> web.Response:
        return web.json_response(jwks.document())

    app = web.Application()
    app.router.add_get("/jwks", serve)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(str(pki.server_cert), str(pki.server_key))
    idp = await aiohttp_server(app, ssl=server_context)
    runtime = await start_runtime(SEGSVC_SECURITY__AUTH__ENABLED="true", SEGSVC_SECURITY__JWT__ALGORITHMS="ES256",
                                  SEGSVC_SECURITY__JWT__JWKS_URL=f"https://127.0.0.1:{idp.port}/jwks",
                                  SEGSVC_SECURITY__OUTBOUND_CA_FILE=str(pki.ca_cert))
    async with aiohttp.ClientSession() as session:
        url = f"http://127.0.0.1:{runtime.http_port}/api/v1/info"
        async with session.get(url, headers={"Authorization": f"Bearer {signed(key)}"}) as resp:
            assert resp.status == 200, await resp.text()
    assert jwks.fetches >= 1 and runtime.security.jwks.last_error is None
