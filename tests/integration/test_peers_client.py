"""The outbound client against real loopback servers: retries, timeouts, limits, discovery, propagation."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiohttp import web

from segsvc.config import load_config
from segsvc.config.store import ConfigStore
from segsvc.discovery.peers import Instance, PeerDirectory
from segsvc.observability.logging import request_id_var
from segsvc.observability.metrics import Metrics
from segsvc.peers import Call, PeerClient, PeerRejected, PeerTimeout, PeerUnavailable, Saturated
from segsvc.service.health import Health
from tests.conftest import base_env
from tests.support.peers import Archive, StandIn, closed_port


class Scripted(StandIn):
    """Answers each request with the next status of ``script`` (then 200), tracking concurrency."""

    def __init__(self, script: list[int] | None = None, delay: float = 0.0) -> None:
        super().__init__("scripted", delay=delay)
        self.script = list(script or [])
        self.active = 0
        self.peak = 0

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/{tail:.*}", self._answer)

    async def _answer(self, request: web.Request) -> web.Response:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.active -= 1
        status = self.script.pop(0) if self.script else 200
        headers = {"Retry-After": "1"} if status == 429 else {}
        return web.json_response({"status": status}, status=status, headers=headers)


@pytest.fixture
async def clients() -> Any:
    made: list[PeerClient] = []

    async def make(url: str, **env: str) -> PeerClient:
        settings = {"SEGSVC_PEERS__RUNNER__URL": url, "SEGSVC_PEERS__RUNNER__BACKOFF_BASE": "0.01", **env}
        config = ConfigStore(load_config(base_env(**settings)))
        client = PeerClient("runner", config, PeerDirectory(config, Health()), Metrics("t", "t"))
        await client.start()
        made.append(client)
        return client

    yield make
    for client in made:
        await client.stop()


@pytest.fixture
async def server() -> Any:
    started: list[StandIn] = []

    async def start(stand_in: StandIn) -> Any:
        await stand_in.start()
        started.append(stand_in)
        return stand_in

    yield start
    for stand_in in started:
        await stand_in.stop()


def metric(client: PeerClient, outcome: str) -> float:
    return float(client.metrics.registry.get_sample_value(
        "segsvc_peer_requests_total", {"peer": "runner", "outcome": outcome}) or 0.0)


async def test_repeats_503_and_502_then_answers(clients: Any, server: Any) -> None:
    peer = await server(Scripted([503, 502]))
    client = await clients(peer.url)
    assert await client.request(Call("POST", "/api/v1/process", body={"a": 1})) == {"status": 200}
    assert len(peer.seen) == 3
    assert metric(client, "http_503") == 1 and metric(client, "http_502") == 1 and metric(client, "ok") == 1
    assert client.metrics.registry.get_sample_value("segsvc_peer_retries_total", {"peer": "runner"}) == 2


async def test_honours_retry_after_on_429(clients: Any, server: Any) -> None:
    peer = await server(Scripted([429]))
    client = await clients(peer.url)
    started = time.monotonic()
    await client.request(Call("GET", "/x"))
    assert time.monotonic() - started >= 1.0 and len(peer.seen) == 2


async def test_500_and_4xx_are_not_repeated(clients: Any, server: Any) -> None:
    peer = await server(Scripted([500, 404]))
    client = await clients(peer.url)
    with pytest.raises(PeerUnavailable) as failed:
        await client.request(Call("POST", "/x"))
    assert failed.value.http_status == 500 and failed.value.summary == "http_5xx: HTTP 500"
    with pytest.raises(PeerRejected) as rejected:
        await client.request(Call("POST", "/x"))
    assert rejected.value.http_status == 404 and len(peer.seen) == 2
    assert client.breaker.describe()["failures"] == 0  # the 4xx counted as the peer answering


async def test_timeout_is_bounded_and_not_repeated(clients: Any, server: Any) -> None:
    peer = await server(Scripted(delay=0.8))
    client = await clients(peer.url, SEGSVC_PEERS__RUNNER__TIMEOUT="0.3")
    started = time.monotonic()
    with pytest.raises(PeerTimeout):
        await client.request(Call("POST", "/x", idempotent=True))
    assert 0.3 <= time.monotonic() - started < 0.6
    assert len(peer.seen) == 1


async def test_refused_connection_is_repeated_and_sidelines_the_instance(clients: Any) -> None:
    client = await clients(await closed_port(), SEGSVC_PEERS__RUNNER__MAX_TRIES="2")
    with pytest.raises(PeerUnavailable) as failed:
        await client.request(Call("POST", "/x"))
    assert failed.value.outcome == "connect_error"
    assert metric(client, "connect_error") == 2
    (instance,) = client.directory.describe()["peers"]["runner"]["instances"]
    assert instance["healthy"] is False and instance["sidelined_for_seconds"] > 0


async def test_each_attempt_asks_discovery_for_an_instance(clients: Any, server: Any) -> None:
    good = await server(Scripted())
    client = await clients(await closed_port())
    pool = client.directory.pools["runner"]
    pool.replace([Instance("dead", pool.instances[0].url), Instance("alive", good.url)], "test")
    for _ in range(4):  # whichever comes first, the answer comes from the live one, and the dead one is sidelined
        assert await client.request(Call("GET", "/x")) == {"status": 200}
    assert len(good.seen) == 4
    assert {i["id"]: i["healthy"] for i in client.directory.describe()["peers"]["runner"]["instances"]} == {
        "dead": False, "alive": True}


async def test_concurrency_limit_holds(clients: Any, server: Any) -> None:
    peer = await server(Scripted(delay=0.1))
    client = await clients(peer.url, SEGSVC_PEERS__RUNNER__MAX_CONCURRENCY="2")
    await asyncio.gather(*(client.request(Call("GET", "/x")) for _ in range(6)))
    assert peer.peak == 2 and len(peer.seen) == 6


async def test_saturation_ends_at_the_timeout_without_tripping_the_breaker(clients: Any, server: Any) -> None:
    peer = await server(Scripted())
    client = await clients(peer.url, SEGSVC_PEERS__RUNNER__MAX_CONCURRENCY="1", SEGSVC_PEERS__RUNNER__TIMEOUT="0.2",
                           SEGSVC_BREAKERS__RUNNER__FAIL_MAX="1")
    assert await client.limiter.acquire(1.0)  # every slot busy
    started = time.monotonic()
    with pytest.raises(Saturated):
        await client.request(Call("GET", "/x"))
    assert 0.2 <= time.monotonic() - started < 0.4
    assert peer.seen == [] and client.breaker.state == "closed"  # our own congestion says nothing of the peer
    client.limiter.release()
    assert await client.request(Call("GET", "/x")) == {"status": 200}


async def test_request_id_and_trace_context_travel(clients: Any, server: Any) -> None:
    from opentelemetry import context, trace
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    peer = await server(Archive())
    client = await clients(peer.url)
    parent = SpanContext(trace_id=0x0AF7651916CD43DD8448EB211C80319C, span_id=0xB7AD6B7169203331, is_remote=True,
                         trace_flags=TraceFlags(1))
    token = context.attach(trace.set_span_in_context(NonRecordingSpan(parent)))
    rid = request_id_var.set("req-42")
    try:
        await client.request(Call("POST", "/api/v1/records", body={"record_id": "r1"}))
    finally:
        request_id_var.reset(rid)
        context.detach(token)
    headers = peer.seen[0].headers
    assert headers["X-Request-ID"] == "req-42"
    assert headers["traceparent"].startswith("00-0af7651916cd43dd8448eb211c80319c-")
    assert headers["Content-Type"] == "application/json" and headers["User-Agent"].startswith("segsvc/")


async def test_live_settings_apply_to_the_next_call(clients: Any, server: Any) -> None:
    from segsvc.config.loader import Layer

    peer = await server(Scripted([503, 503, 503, 503]))
    client = await clients(peer.url)
    store = client.config
    store.replace(store.snapshot.with_layer(Layer("consul-kv", {"peers.runner.max_tries": 5})))
    assert await client.request(Call("GET", "/x")) == {"status": 200}
    assert len(peer.seen) == 5
