"""Security policy that changes live: rate limits, per-role limits, the route policy and CORS from Consul KV;
forwarded headers believed only from trusted proxies."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from segsvc.config.loader import Layer
from tests.support.security import SECRET, hs256

SEGMENT = {"command": "Open Firefox and go to wikipedia.org"}
USER = {"Authorization": f"Bearer {hs256(sub='user-7', scope=None, role='user')}"}
ADMIN = {"Authorization": f"Bearer {hs256(sub='admin-1', scope=None, role='admin')}"}


@pytest.fixture
async def build(make_runtime: Callable[..., Any], aiohttp_client: Any) -> AsyncIterator[Callable[..., Any]]:
    runtimes: list[Any] = []

    async def make(**env: str) -> Any:
        runtime = make_runtime(**env)
        runtime.health.started = True
        runtimes.append(runtime)
        client = await aiohttp_client(runtime.app)
        client.runtime = runtime
        return client

    yield make
    for runtime in runtimes:
        await runtime.security.stop()


def kv(client: Any, values: dict[str, Any]) -> None:
    """Apply a Consul KV change the way the KV watch does: one validated snapshot, replaced atomically."""
    store = client.runtime.config
    store.replace(store.snapshot.with_layer(Layer("consul-kv", values), kv_index=7))


AUTH = {"SEGSVC_SECURITY__AUTH__ENABLED": "true", "SEGSVC_SECURITY__JWT__SECRET": SECRET}


async def test_rate_limit_429_with_retry_after_and_live_changes(build: Callable[..., Any]) -> None:
    client = await build(**AUTH)
    for _ in range(5):
        assert (await client.post("/api/v1/segment", json=SEGMENT, headers=USER)).status == 200  # off by default
    kv(client, {"security.rate_limit.enabled": True, "security.rate_limit.requests_per_second": 0.2,
                "security.rate_limit.burst": 2})
    statuses = [(await client.post("/api/v1/segment", json=SEGMENT, headers=USER)).status for _ in range(2)]
    assert statuses == [200, 200]
    resp = await client.post("/api/v1/segment", json=SEGMENT, headers=USER)
    assert resp.status == 429 and resp.content_type == "application/problem+json"
    assert 1 <= int(resp.headers["Retry-After"]) <= 5
    assert (await resp.json())["code"] == "too_many_requests"
    assert (await client.post("/api/v1/segment", json=SEGMENT, headers=ADMIN)).status == 200  # its own bucket
    assert (await client.get("/health/live")).status == 200  # open routes are never limited
    kv(client, {"security.rate_limit.enabled": True, "security.rate_limit.requests_per_second": 0.2,
                "security.rate_limit.burst": 2, "security.limits.user.requests_per_second": 10000})
    assert (await client.post("/api/v1/segment", json=SEGMENT, headers=USER)).status == 200  # the new rate, live
    kv(client, {"security.rate_limit.enabled": False})
    assert all([(await client.post("/api/v1/segment", json=SEGMENT, headers=USER)).status == 200 for _ in range(5)])
    assert client.runtime.metrics.auth_rejections.labels("http", "rate_limited")._value.get() == 1


async def test_rate_limit_without_auth_counts_per_client_address(build: Callable[..., Any]) -> None:
    client = await build(SEGSVC_SECURITY__RATE_LIMIT__ENABLED="true", SEGSVC_SECURITY__RATE_LIMIT__BURST="1",
                         SEGSVC_SECURITY__RATE_LIMIT__REQUESTS_PER_SECOND="0.1")
    assert (await client.get("/api/v1/info")).status == 200
    assert (await client.get("/api/v1/info")).status == 429


async def test_per_role_body_and_command_limits_apply_live(build: Callable[..., Any]) -> None:
    client = await build(**AUTH)
    long_command = {"command": "Open Firefox " + "and wait " * 20}
    assert (await client.post("/api/v1/segment", json=long_command, headers=USER)).status == 200
    kv(client, {"security.limits.user.max_command_chars": 40, "security.limits.user.max_body_bytes": 300})
    resp = await client.post("/api/v1/segment", json=long_command, headers=USER)
    assert resp.status == 422 and "40" in (await resp.json())["detail"]
    big = {"command": "Open Firefox", "metadata": {"note": "x" * 400}}
    assert (await client.post("/api/v1/segment", json=big, headers=USER)).status == 413
    assert (await client.post("/api/v1/segment", json=long_command, headers=ADMIN)).status == 200
    assert (await client.post("/api/v1/segment", json=big, headers=ADMIN)).status == 200


async def test_route_policy_changes_live(build: Callable[..., Any]) -> None:
    client = await build(**AUTH)
    assert (await client.get("/api/v1/info", headers=USER)).status == 200
    kv(client, {"security.policy.routes": {"GET /api/v1/info": "admin"}})
    assert (await client.get("/api/v1/info", headers=USER)).status == 403
    assert (await client.get("/api/v1/info", headers=ADMIN)).status == 200
    assert (await client.get("/api/v1/admin/config", headers=USER)).status == 403  # a partial policy keeps the rest
    kv(client, {"security.policy.routes": {"GET /api/v1/info": "public"}})
    assert (await client.get("/api/v1/info")).status == 200


def test_policy_rejects_closing_health_and_unknown_values() -> None:
    from segsvc.config.loader import ConfigError, load_config

    snapshot = load_config({"SEGSVC_PROFILE": "test"})
    for bad in ({"security.policy.routes": {"GET /health/ready": "admin"}},
                {"security.policy.routes": {"GET /api/v1/info": "root"}},
                {"security.jwt.algorithms": ["none"]}, {"security.trusted_proxies": ["not-an-ip"]},
                {"security.cors.allowed_origins": ["*"], "security.cors.allow_credentials": True}):
        with pytest.raises(ConfigError):
            snapshot.with_layer(Layer("consul-kv", bad))


async def test_cors_is_off_until_configured(build: Callable[..., Any]) -> None:
    client = await build()
    origin = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    assert (await client.options("/api/v1/segment", headers=origin)).status == 405
    assert "Access-Control-Allow-Origin" not in (await client.get("/api/v1/info", headers=origin)).headers
    kv(client, {"security.cors.allowed_origins": ["https://app.example"]})
    preflight = await client.options("/api/v1/segment", headers={
        **origin, "Access-Control-Request-Headers": "Authorization, Content-Type"})
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    resp = await client.get("/api/v1/info", headers={"Origin": "https://app.example"})
    assert resp.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "X-Request-ID" in resp.headers["Access-Control-Expose-Headers"]
    other = await client.get("/api/v1/info", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


FORWARDED = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "api.example.com", "X-Forwarded-Prefix": "/segsvc/", "X-Request-ID": "gw-req-1"}


async def test_forwarded_headers_from_a_trusted_proxy_are_used(build: Callable[..., Any],
                                                               caplog: pytest.LogCaptureFixture) -> None:
    client = await build(SEGSVC_SECURITY__TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8")
    caplog.set_level(logging.INFO, logger="segsvc.access")
    doc = await (await client.get("/api/v1/openapi.json", headers=FORWARDED)).json()
    assert doc["servers"] == [{"url": "https://api.example.com/segsvc"}]
    resp = await client.post("/api/v1/jobs", json=SEGMENT, headers=FORWARDED)
    assert resp.status == 202
    assert resp.headers["Location"].startswith("/segsvc/api/v1/jobs/")
    assert resp.headers["X-Request-ID"] == "gw-req-1"  # the gateway's id, end to end
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")  # https at the gateway
    remotes = {r.remote for r in caplog.records if r.name == "segsvc.access"}  # type: ignore[attr-defined]
    assert remotes == {"203.0.113.9"}  # the rightmost address the trusted proxy vouches for


async def test_forwarded_headers_from_an_untrusted_address_are_ignored(
        build: Callable[..., Any], caplog: pytest.LogCaptureFixture) -> None:
    client = await build(SEGSVC_SECURITY__TRUSTED_PROXIES="10.9.9.9")
    caplog.set_level(logging.INFO, logger="segsvc.access")
    doc = await (await client.get("/api/v1/openapi.json", headers=FORWARDED)).json()
    assert doc["servers"] == [{"url": "/"}]
    resp = await client.post("/api/v1/jobs", json=SEGMENT, headers=FORWARDED)
    assert resp.headers["Location"].startswith("/api/v1/jobs/")
    assert "Strict-Transport-Security" not in resp.headers
    remotes = {r.remote for r in caplog.records if r.name == "segsvc.access"}  # type: ignore[attr-defined]
    assert remotes == {"127.0.0.1"}
    kv(client, {"security.trusted_proxies": ["127.0.0.1"]})  # trusted proxies change live
    doc = await (await client.get("/api/v1/openapi.json", headers=FORWARDED)).json()
    assert doc["servers"] == [{"url": "https://api.example.com/segsvc"}]
