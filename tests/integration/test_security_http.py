"""Bearer auth over HTTP with really signed tokens: HS256, RS256 and ES256, keys from a live JWKS server.

Every refusal must be a 401 problem+json carrying ``WWW-Authenticate`` (or 403 for a missing permission);
forged tokens (``alg: none``, HS256 keyed with the RSA public key, a foreign signature) must never pass.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tests.support.security import BAD_TOKEN_CASES, SECRET, Jwks, SigningKey, bad_tokens, hs256, signed

PROBLEM = "application/problem+json"
SEGMENT = {"command": "Open Firefox and go to wikipedia.org"}


@pytest.fixture
async def secured(make_runtime: Callable[..., Any], aiohttp_client: Any,
                  jwks_server: tuple[Jwks, Any]) -> AsyncIterator[Callable[..., Any]]:
    """Build an auth-enabled runtime (HS256 secret + the test JWKS) and return a test client for it."""
    runtimes: list[Any] = []

    async def build(**env: str) -> Any:
        _, server = jwks_server
        runtime = make_runtime(**{"SEGSVC_SECURITY__AUTH__ENABLED": "true", "SEGSVC_SECURITY__JWT__SECRET": SECRET,
                                  "SEGSVC_SECURITY__JWT__JWKS_URL": str(server.make_url("/jwks")),
                                  "SEGSVC_SECURITY__JWT__JWKS_MIN_REFRESH_SECONDS": "0", **env})
        runtime.health.started = True
        runtimes.append(runtime)
        client = await aiohttp_client(runtime.app)
        client.runtime = runtime
        return client

    yield build
    for runtime in runtimes:
        await runtime.security.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def refused(resp: Any, status: int = 401) -> dict[str, Any]:
    assert resp.status == status, await resp.text()
    assert resp.content_type == PROBLEM
    body = await resp.json(content_type=None)
    assert body["status"] == status and body["request_id"] == resp.headers["X-Request-ID"]
    assert resp.headers["WWW-Authenticate"].startswith('Bearer realm="segsvc"')
    return body


async def test_valid_tokens_of_each_algorithm_are_accepted(secured: Callable[..., Any],
                                                           signing_keys: dict[str, SigningKey]) -> None:
    client = await secured()
    tokens = {"HS256": hs256(), "RS256": signed(signing_keys["rsa"]), "ES256": signed(signing_keys["ec"])}
    for name, token in tokens.items():
        resp = await client.post("/api/v1/segment", json=SEGMENT, headers=bearer(token))
        assert resp.status == 200, (name, await resp.text())
        assert resp.headers["Cache-Control"] == "no-store"
        assert (await resp.json())["segments"][0]["content"] == "Open Firefox"


def test_the_matrix_names_every_case(signing_keys: dict[str, SigningKey]) -> None:
    assert sorted(bad_tokens(signing_keys)) == sorted(BAD_TOKEN_CASES)


@pytest.mark.parametrize("case", BAD_TOKEN_CASES)
async def test_bad_tokens_get_401_problem_with_www_authenticate(secured: Callable[..., Any],
                                                                signing_keys: dict[str, SigningKey], case: str) -> None:
    client = await secured()
    header, reason = bad_tokens(signing_keys)[case]
    resp = await client.post("/api/v1/segment", json=SEGMENT, headers={"Authorization": header} if header else {})
    body = await refused(resp)
    assert body["code"] == "unauthorized"
    assert reason.lower() in body["detail"].lower(), body["detail"]
    challenge = resp.headers["WWW-Authenticate"]
    if case == "missing":
        assert "error=" not in challenge  # RFC 6750 §3.1: no error code without credentials
    elif case == "not bearer":
        assert 'error="invalid_request"' in challenge
    else:
        assert 'error="invalid_token"' in challenge and "error_description=" in challenge
    if header and " " in header:
        assert header.split(" ", 1)[1] not in json.dumps(body)  # the token is never echoed


async def test_valid_token_without_the_permission_gets_403(secured: Callable[..., Any],
                                                           signing_keys: dict[str, SigningKey]) -> None:
    client = await secured()
    reader = signed(signing_keys["rsa"], scope="jobs:read")
    body = await refused(await client.post("/api/v1/segment", json=SEGMENT, headers=bearer(reader)), 403)
    assert body["code"] == "forbidden" and "segment:write" in body["detail"]
    user = signed(signing_keys["ec"], scope=None, role="user")
    resp = await client.get("/api/v1/admin/config", headers=bearer(user))
    await refused(resp, 403)
    assert 'error="insufficient_scope"' in resp.headers["WWW-Authenticate"]
    assert (await client.post("/api/v1/segment", json=SEGMENT, headers=bearer(user))).status == 200
    admin = hs256(scope=None, role="admin")
    assert (await client.get("/api/v1/admin/config", headers=bearer(admin))).status == 200
    scp_admin = hs256(scope=None, scp=["admin"])
    assert (await client.get("/api/v1/admin/peers", headers=bearer(scp_admin))).status == 200


async def test_health_and_docs_stay_open_metrics_can_be_closed(secured: Callable[..., Any]) -> None:
    client = await secured()
    for path in ("/health/live", "/health/ready", "/metrics", "/api/v1/openapi.json", "/docs"):
        assert (await client.get(path)).status in (200, 503), path
    assert (await client.get("/api/v1/info")).status == 401  # not public: any valid token
    assert (await client.get("/api/v1/info", headers=bearer(hs256(scope=None)))).status == 200
    assert (await client.get("/nowhere")).status == 404  # unknown routes answer 404, not a challenge
    closed = await secured(SEGSVC_SECURITY__METRICS_REQUIRE_AUTH="true")
    await refused(await closed.get("/metrics"))
    assert (await closed.get("/metrics", headers=bearer(hs256()))).status == 200


async def test_openapi_documents_bearer_auth_and_refusals(secured: Callable[..., Any]) -> None:
    client = await secured()
    doc = await (await client.get("/api/v1/openapi.json")).json()
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    segment = doc["paths"]["/api/v1/segment"]["post"]
    assert segment["security"] == [{"bearerAuth": []}]
    assert {"401", "403", "429"} <= set(segment["responses"])
    assert "security" not in doc["paths"]["/health/live"]["get"]
    assert "403" not in doc["paths"]["/api/v1/info"]["get"]["responses"]  # any valid token will do


async def test_verified_tokens_are_cached_by_digest(secured: Callable[..., Any], signing_keys: dict[str, SigningKey],
                                                    jwks_server: tuple[Jwks, Any]) -> None:
    client = await secured()
    token = signed(signing_keys["rsa"])
    verifier = client.runtime.security.verifier
    assert verifier.cached(token) is None
    for _ in range(3):
        assert (await client.get("/api/v1/info", headers=bearer(token))).status == 200
    principal = verifier.cached(token)
    assert principal is not None and principal.subject == "user-1"
    assert all(token.encode() not in repr(k).encode() for k in verifier._cache)  # digests, not tokens
    assert jwks_server[0].fetches == 1


async def test_key_rotation_and_jwks_outage(secured: Callable[..., Any], signing_keys: dict[str, SigningKey],
                                            jwks_server: tuple[Jwks, Any]) -> None:
    jwks, server = jwks_server
    client = await secured(SEGSVC_SECURITY__JWT__JWKS_CACHE_SECONDS="0")
    assert (await client.get("/api/v1/info", headers=bearer(signed(signing_keys["rsa"])))).status == 200
    rotated = signed(signing_keys["rsa2"])
    await refused(await client.get("/api/v1/info", headers=bearer(rotated)))  # not published yet
    jwks.keys.append(signing_keys["rsa2"])  # the identity provider publishes a new key: no restart here
    assert (await client.get("/api/v1/info", headers=bearer(rotated))).status == 200
    await server.close()  # the JWKS endpoint goes down; keys already fetched keep working
    for key in ("rsa", "rsa2", "ec"):
        fresh = signed(signing_keys[key], sub=f"after-outage-{key}")  # not in the token cache: verified anew
        assert (await client.get("/api/v1/info", headers=bearer(fresh))).status == 200, key
    body = await refused(await client.get("/api/v1/info", headers=bearer(signed(SigningKey.ec("ec-new")))))
    assert "kid" in body["detail"]
    assert client.runtime.security.jwks.last_error is not None


async def test_unknown_kids_do_not_hammer_the_jwks_endpoint(secured: Callable[..., Any],
                                                            jwks_server: tuple[Jwks, Any]) -> None:
    jwks, _ = jwks_server
    client = await secured(SEGSVC_SECURITY__JWT__JWKS_MIN_REFRESH_SECONDS="60")
    for i in range(5):
        await refused(await client.get("/api/v1/info", headers=bearer(signed(SigningKey.ec(f"junk-{i}")))))
    assert jwks.fetches == 1


async def test_security_headers_on_every_response(secured: Callable[..., Any]) -> None:
    client = await secured()
    for resp in (await client.get("/health/live"), await client.get("/api/v1/info"), await client.get("/docs")):
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
        assert "Strict-Transport-Security" not in resp.headers  # plain HTTP here
        assert "Access-Control-Allow-Origin" not in resp.headers  # CORS is off unless configured


def test_production_and_local_startup_rules(make_runtime: Callable[..., Any]) -> None:
    from segsvc.runtime import StartupError

    pem = SigningKey.rsa("pem").public_pem.decode()
    for env in ({"SEGSVC_PROFILE": "production"}, {"SEGSVC_PROFILE": "production", "SEGSVC_SECURITY__JWT__SECRET": pem},
                {"SEGSVC_PROFILE": "production", "SEGSVC_SECURITY__AUTH__ENABLED": "false"},
                {"SEGSVC_SECURITY__AUTH__ENABLED": "true", "SEGSVC_SECURITY__JWT__ALGORITHMS": "RS256",
                 "SEGSVC_SECURITY__JWT__SECRET": SECRET}):
        with pytest.raises(StartupError, match="refusing"):
            make_runtime(**env)._check_safety()
    make_runtime(SEGSVC_PROFILE="production", SEGSVC_SECURITY__JWT__SECRET=SECRET)._check_safety()
    make_runtime(SEGSVC_PROFILE="production", SEGSVC_SECURITY__JWT__JWKS_URL="https://idp.example/jwks")._check_safety()
    with pytest.raises(StartupError, match="cert"):
        make_runtime(SEGSVC_SECURITY__TLS__CERT_FILE="/nonexistent.pem",
                     SEGSVC_SECURITY__TLS__KEY_FILE="/nonexistent.key")._check_safety()
