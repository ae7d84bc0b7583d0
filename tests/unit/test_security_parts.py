"""The security parts on their own, with fake clocks and a fake JWKS fetcher: no sockets, no sleeping."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import pytest

from segsvc.config.loader import load_config
from segsvc.config.settings import JwtSettings, SecuritySettings
from segsvc.security.errors import Unauthenticated
from segsvc.security.forwarded import TrustedProxies, forwarded
from segsvc.security.grpc_auth import peer_address
from segsvc.security.guard import bearer_token
from segsvc.security.jwks import JwksCache, JwksUnavailable
from segsvc.security.limits import effective_limits, rate_for
from segsvc.security.policy import Policy
from segsvc.security.principal import Principal, principal_from_claims, principal_var
from segsvc.security.ratelimit import RateLimiter
from segsvc.security.tokens import TokenVerifier
from tests.support.security import SECRET, SigningKey, hs256, signed


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FakeFetcher:
    def __init__(self, keys: list[SigningKey]) -> None:
        self.keys = keys
        self.calls = 0
        self.down = False

    async def fetch(self) -> Mapping[str, Any]:
        self.calls += 1
        await asyncio.sleep(0)
        if self.down:
            raise JwksUnavailable("down")
        return {"keys": [k.public_jwk for k in self.keys]}

    async def aclose(self) -> None:
        return None


def test_token_bucket_refills_and_says_when() -> None:
    clock = Clock()
    limiter = RateLimiter(clock)
    assert [limiter.take("a", 1.0, 3, 10) for _ in range(3)] == [None, None, None]
    assert limiter.take("a", 1.0, 3, 10) == 1
    assert limiter.take("b", 1.0, 3, 10) is None  # subjects are independent
    clock.now += 0.5
    assert limiter.take("a", 1.0, 3, 10) == 1  # half a token is not a request
    clock.now += 0.5
    assert limiter.take("a", 1.0, 3, 10) is None
    assert limiter.take("a", 0.25, 3, 10) == 4  # rate changes apply at once
    for i in range(20):
        limiter.take(f"s{i}", 1.0, 3, 10)
    assert len(limiter) <= 10


def test_forwarded_trusts_only_configured_proxies() -> None:
    proxies = TrustedProxies(["10.0.0.0/8", "127.0.0.1"])
    headers = {"X-Forwarded-For": "1.2.3.4, 198.51.100.7, 10.1.1.1", "X-Forwarded-Proto": "https",
               "X-Forwarded-Host": "api.example.com:8443", "X-Forwarded-Prefix": "/segsvc/"}
    seen = forwarded(headers, "127.0.0.1", proxies)
    assert seen is not None
    assert (seen.remote, seen.scheme, seen.host, seen.prefix) == ("198.51.100.7", "https", "api.example.com:8443",
                                                                  "/segsvc")
    assert forwarded(headers, "192.0.2.1", proxies) is None
    assert forwarded({}, "127.0.0.1", proxies) is None
    assert forwarded(headers, "::ffff:10.2.3.4", proxies) is not None  # IPv4-mapped peers count as IPv4
    hostile = forwarded({"X-Forwarded-Host": "evil.example/x?y", "X-Forwarded-Proto": "javascript",
                         "X-Forwarded-Prefix": "//evil.example", "X-Forwarded-For": "not-an-ip"}, "10.0.0.1", proxies)
    assert hostile is not None and (hostile.remote, hostile.scheme, hostile.host, hostile.prefix) == (None, None,
                                                                                                      None, "")
    assert not TrustedProxies([]) and not TrustedProxies([]).trusts("127.0.0.1")


def test_policy_lookup_services_and_metrics_switch() -> None:
    settings = SecuritySettings()
    policy = Policy.from_settings(settings)
    assert policy.need("POST /api/v1/segment") == "segment:write"
    assert policy.need("GET /metrics") == "public"
    assert policy.need("/grpc.health.v1.Health/Watch") == "public"
    assert policy.need("/segsvc.v1.Segmentation/GetJob") == "jobs:read"
    assert policy.need("GET /api/v1/something-new") == "authenticated"
    closed = Policy.from_settings(SecuritySettings(metrics_require_auth=True))
    assert closed.need("GET /metrics") == "authenticated"


def test_claims_map_to_permissions_and_roles() -> None:
    assert principal_from_claims({"sub": "a", "scope": "segment:write other", "exp": 5}) == Principal(
        "a", "user", frozenset({"segment:write"}), 5.0)
    admin = principal_from_claims({"sub": "b", "role": "admin"})
    assert admin.role == "admin" and admin.permissions == {"segment:write", "jobs:read", "admin"}
    assert principal_from_claims({"client_id": "svc", "scp": ["admin"]}).role == "admin"
    assert principal_from_claims({"role": "root"}).permissions == frozenset()  # unknown roles grant nothing


def test_bearer_header_parsing() -> None:
    assert bearer_token("Bearer abc.def.ghi") == "abc.def.ghi"
    assert bearer_token("bearer   abc") == "abc"
    for bad in (None, "", "Basic x", "Bearer", "Bearer a b"):
        with pytest.raises(Unauthenticated):
            bearer_token(bad)


def test_peer_addresses() -> None:
    assert peer_address("ipv4:10.0.0.5:5123") == "10.0.0.5"
    assert peer_address("ipv6:[::1]:5123") == "::1"
    assert peer_address("unix:/tmp/x") is None and peer_address(None) is None


def test_role_limits_only_tighten() -> None:
    settings = load_config({"SEGSVC_SECURITY__LIMITS__USER__MAX_COMMAND_CHARS": "50",
                            "SEGSVC_SECURITY__LIMITS__ADMIN__MAX_BODY_BYTES": "10000000",
                            "SEGSVC_SECURITY__LIMITS__USER__BURST": "7"}).settings
    assert effective_limits(settings) is settings.limits  # outside a request
    token = principal_var.set(Principal("u", "user", frozenset()))
    try:
        assert effective_limits(settings).max_command_chars == 50
    finally:
        principal_var.reset(token)
    token = principal_var.set(Principal("a", "admin", frozenset()))
    try:
        assert effective_limits(settings).max_body_bytes == settings.limits.max_body_bytes  # never raised
    finally:
        principal_var.reset(token)
    assert rate_for(settings, "user") == (20.0, 7) and rate_for(settings, "admin") == (20.0, 40)


async def test_token_cache_expires_with_the_token() -> None:
    clock = Clock(now=time.time())  # python-jose checks exp on the real clock; this one drives the cache
    verifier = TokenVerifier(lambda: JwtSettings(secret=SECRET), None, clock=clock)
    token = hs256(exp=int(clock.now) + 60)
    principal = await verifier.verify(token)
    assert verifier.cached(token) == principal
    clock.now += 59
    assert verifier.cached(token) == principal
    clock.now += 2  # past exp: the cache no longer vouches for it
    assert verifier.cached(token) is None


async def test_cache_size_is_bounded() -> None:
    verifier = TokenVerifier(lambda: JwtSettings(secret=SECRET, token_cache_size=4), None)
    for i in range(10):
        await verifier.verify(hs256(sub=f"u{i}"))
    assert len(verifier._cache) <= 4
    off = TokenVerifier(lambda: JwtSettings(secret=SECRET, token_cache_size=0), None)
    token = hs256()
    await off.verify(token)
    assert off.cached(token) is None


async def test_jwks_single_flight_rate_limit_and_stale_keys() -> None:
    rsa, rsa2 = SigningKey.rsa("k1"), SigningKey.rsa("k2")
    fetcher = FakeFetcher([rsa])
    clock = Clock()
    cache = JwksCache(fetcher, fresh_seconds=60, min_refresh_seconds=10, clock=clock)
    keys = await asyncio.gather(*(cache.key_for("k1", "RS256") for _ in range(5)))
    assert all(k is not None for k in keys) and fetcher.calls == 1  # one fetch for five waiting requests
    assert await cache.key_for("k1", "ES256") is None  # an RSA key never verifies another family
    assert await cache.key_for("k2", "RS256") is None and fetcher.calls == 1  # refreshed too recently
    fetcher.keys.append(rsa2)
    clock.now += 10
    assert await cache.key_for("k2", "RS256") is not None and fetcher.calls == 2
    fetcher.down = True
    clock.now += 120  # stale: a background refresh fails, the keys keep serving
    assert await cache.key_for("k1", "RS256") is not None
    await asyncio.sleep(0.01)
    assert cache.last_error == "down" and await cache.key_for("k2", "RS256") is not None
    await cache.aclose()


async def test_verifier_uses_jwks_only_for_asymmetric_algorithms() -> None:
    rsa = SigningKey.rsa("k1")
    cache = JwksCache(FakeFetcher([rsa]), fresh_seconds=60, min_refresh_seconds=0)
    verifier = TokenVerifier(lambda: JwtSettings(), cache)  # no secret: HS256 has no key at all
    assert (await verifier.verify(signed(rsa))).subject == "user-1"
    with pytest.raises(Unauthenticated, match="no shared secret"):
        await verifier.verify(hs256())
    with pytest.raises(Unauthenticated, match="not accepted"):
        await TokenVerifier(lambda: JwtSettings(algorithms=["ES256"]), cache).verify(signed(rsa))
