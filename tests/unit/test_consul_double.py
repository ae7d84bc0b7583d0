"""The Consul double's agent, health and catalog behaviour, driven over real HTTP.

Each test talks to a running double through raw aiohttp requests or py-consul's asyncio client,
the same way segsvc does, and checks what Consul documents: 405s, check IDs, TTL expiry, reaping,
``?passing`` semantics, blocking on health, restart and outage.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import consul.aio
import pytest

import consul
from tests.support.consul_double import ConsulDouble

SERVICE = "segmentation-service"


@pytest.fixture
async def double() -> AsyncIterator[ConsulDouble]:
    d = ConsulDouble(min_deregister_after=0, reap_interval=0.05, min_check_interval=0.05)
    await d.start()
    yield d
    await d.stop()


async def eventually(predicate: Callable[[], Awaitable[bool]], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def subset(data: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {key: data.get(key) for key in expected}


async def register(
    http: aiohttp.ClientSession, body: dict[str, Any], **params: str
) -> aiohttp.ClientResponse:
    async with http.put("/v1/agent/service/register", json=body, params=params) as resp:
        await resp.read()
        return resp


async def health(http: aiohttp.ClientSession, name: str, **params: str) -> tuple[int, list[dict[str, Any]]]:
    async with http.get(f"/v1/health/service/{name}", params=params) as resp:
        assert resp.status == 200
        return int(resp.headers["X-Consul-Index"]), await resp.json()


# ------------------------------------------------------------------------------- registration


async def test_registered_service_is_passing_only_after_a_ttl_pass(
    double: ConsulDouble, client: consul.aio.Consul
) -> None:
    assert await client.agent.service.register(
        SERVICE,
        service_id="seg-1",
        address="10.0.0.5",
        port=8080,
        tags=["v1"],
        meta={"version": "0.1.0"},
        check={"TTL": "10s", "DeregisterCriticalServiceAfter": "1m"},
    )
    _, entries = await client.health.service(SERVICE)
    assert [e["Service"]["ID"] for e in entries] == ["seg-1"]
    assert {c["CheckID"]: c["Status"] for c in entries[0]["Checks"]} == {
        "serfHealth": "passing",
        "service:seg-1": "critical",
    }
    assert (await client.health.service(SERVICE, passing=True))[1] == []

    assert await client.agent.check.ttl_pass("service:seg-1", notes="ready")
    _, entries = await client.health.service(SERVICE, passing=True)
    (entry,) = entries
    expected = {
        "ID": "seg-1",
        "Service": SERVICE,
        "Address": "10.0.0.5",
        "Port": 8080,
        "Tags": ["v1"],
        "Meta": {"version": "0.1.0"},
        "Weights": {"Passing": 1, "Warning": 1},
    }
    assert subset(entry["Service"], expected) == expected
    assert entry["Node"]["Node"] == "node-1" and entry["Node"]["Datacenter"] == "dc1"
    assert double.checks()["service:seg-1"]["Output"] == "ready"


async def test_warning_is_excluded_by_passing_but_listed_without_it(http: aiohttp.ClientSession) -> None:
    resp = await register(
        http, {"Name": SERVICE, "ID": "seg-1", "Check": {"TTL": "10s", "Status": "passing"}}
    )
    assert resp.status == 200
    async with http.put("/v1/agent/check/warn/service:seg-1", params={"note": "breaker open"}) as resp:
        assert resp.status == 200
    assert (await health(http, SERVICE, passing=""))[1] == []
    (entry,) = (await health(http, SERVICE))[1]
    assert entry["Checks"][1]["Status"] == "warning"


async def test_agent_write_endpoints_refuse_get_with_405(http: aiohttp.ClientSession) -> None:
    for path in ("/v1/agent/service/register", "/v1/agent/service/deregister/x", "/v1/agent/check/pass/x"):
        async with http.get(path) as resp:
            assert resp.status == 405
            assert await resp.text() == "method GET not allowed"
    async with http.get("/v1/no/such/endpoint") as resp:
        assert resp.status == 404
    async with http.get("/v1/health/service/") as resp:
        assert resp.status == 400 and await resp.text() == "Missing service name"


async def test_fields_are_matched_case_insensitively_and_snake_case(
    double: ConsulDouble, http: aiohttp.ClientSession
) -> None:
    body = {
        "name": SERVICE,
        "Id": "seg-9",
        "TAGS": ["x"],
        "port": 9000,
        "enable_tag_override": True,
        "checks": [
            {"ttl": "5s", "deregister_critical_service_after": "90s", "status": "passing"},
            {"Ttl": "1m30s", "notes": "second"},
        ],
    }
    assert (await register(http, body)).status == 200
    service = double.services()["seg-9"]
    assert (service["Service"], service["Tags"], service["Port"], service["EnableTagOverride"]) == (
        SERVICE,
        ["x"],
        9000,
        True,
    )
    checks = double.checks()
    assert set(checks) == {"service:seg-9:1", "service:seg-9:2"}
    assert checks["service:seg-9:1"]["Status"] == "passing"
    assert checks["service:seg-9:1"]["Definition"]["DeregisterCriticalServiceAfter"] == "1m30s"
    assert (
        checks["service:seg-9:2"]["Status"] == "critical" and checks["service:seg-9:2"]["Notes"] == "second"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"ID": "x"}, "Missing service name"),
        ({"Name": "s", "Port": "80"}, "Request decode failed"),
        ({"Name": "s", "Address": "0.0.0.0"}, "Invalid service address"),
        ({"Name": "s", "Check": {"TTL": "10"}}, "missing unit"),
        ({"Name": "s", "Check": {"TTL": "10s", "Status": "ok"}}, "Status for checks must"),
        ({"Name": "s", "Check": {"HTTP": "http://x"}}, "Interval must be > 0"),
        ({"Name": "s", "Meta": {"consul-x": "1"}}, "reserved"),
    ],
)
async def test_invalid_registrations_get_400_with_consul_message(
    http: aiohttp.ClientSession, body: dict[str, Any], message: str
) -> None:
    async with http.put("/v1/agent/service/register", json=body) as resp:
        assert resp.status == 400
        assert message in await resp.text()


async def test_unknown_ids_are_404_and_bad_status_400(http: aiohttp.ClientSession) -> None:
    async with http.put("/v1/agent/service/deregister/nope") as resp:
        assert resp.status == 404 and (await resp.text()).startswith('Unknown service ID "nope"')
    async with http.put("/v1/agent/check/pass/service:nope") as resp:
        assert resp.status == 404 and (await resp.text()).startswith('Unknown check ID "service:nope"')
    await register(http, {"Name": SERVICE, "ID": "seg-1", "Check": {"TTL": "10s"}})
    async with http.put("/v1/agent/check/update/service:seg-1", json={"Status": "fine"}) as resp:
        assert resp.status == 400 and await resp.text() == "Invalid check status: 'fine'"
    async with http.put(
        "/v1/agent/check/update/service:seg-1", json={"status": "warning", "output": "slow"}
    ) as resp:
        assert resp.status == 200


async def test_reregistration_keeps_status_and_does_not_move_the_index(
    double: ConsulDouble, http: aiohttp.ClientSession
) -> None:
    body = {"Name": SERVICE, "ID": "seg-1", "Check": {"TTL": "10s"}}
    await register(http, body)
    async with http.put("/v1/agent/check/pass/service:seg-1") as resp:
        assert resp.status == 200
    index, _ = await health(http, SERVICE)
    await register(http, body)
    assert double.checks()["service:seg-1"]["Status"] == "passing"
    assert (await health(http, SERVICE))[0] == index


async def test_deregister_removes_service_checks_and_sidecar(
    double: ConsulDouble, http: aiohttp.ClientSession
) -> None:
    body = {
        "Name": SERVICE,
        "ID": "seg-1",
        "Port": 8080,
        "Check": {"TTL": "10s"},
        "Connect": {
            "SidecarService": {
                "Proxy": {"Upstreams": [{"DestinationName": "runner-service", "LocalBindPort": 7001}]}
            }
        },
    }
    assert (await register(http, body)).status == 200
    sidecar = double.services()["seg-1-sidecar-proxy"]
    assert sidecar["Kind"] == "connect-proxy" and sidecar["Service"] == f"{SERVICE}-sidecar-proxy"
    assert sidecar["Port"] == 21000
    assert (
        sidecar["Proxy"]["DestinationServiceName"] == SERVICE and sidecar["Proxy"]["LocalServicePort"] == 8080
    )
    upstream = {"DestinationName": "runner-service", "LocalBindPort": 7001, "DestinationType": "service"}
    assert [subset(u, upstream) for u in sidecar["Proxy"]["Upstreams"]] == [upstream]
    assert {"service:seg-1-sidecar-proxy:1", "service:seg-1-sidecar-proxy:2"} <= set(double.checks())
    async with http.put("/v1/agent/service/deregister/seg-1") as resp:
        assert resp.status == 200
    assert double.services() == {} and double.checks() == {}


# ------------------------------------------------------------------------------------ TTL/reap


async def test_ttl_expiry_turns_the_check_critical(double: ConsulDouble, http: aiohttp.ClientSession) -> None:
    await register(http, {"Name": SERVICE, "ID": "seg-1", "Check": {"TTL": "300ms", "Status": "passing"}})
    async with http.put("/v1/agent/check/pass/service:seg-1", params={"note": "ready"}) as resp:
        assert resp.status == 200
    assert double.checks()["service:seg-1"]["Status"] == "passing"
    started = time.monotonic()

    async def expired() -> bool:
        return double.checks()["service:seg-1"]["Status"] == "critical"

    await eventually(expired)
    assert time.monotonic() - started >= 0.25
    assert (
        double.checks()["service:seg-1"]["Output"]
        == "TTL expired (last output before timeout follows): ready"
    )


async def test_critical_service_is_reaped_after_deregister_critical_service_after(
    double: ConsulDouble, http: aiohttp.ClientSession
) -> None:
    await register(
        http,
        {
            "Name": SERVICE,
            "ID": "seg-1",
            "Check": {"TTL": "200ms", "DeregisterCriticalServiceAfter": "300ms", "Status": "passing"},
        },
    )
    await register(http, {"Name": "keeper", "Check": {"TTL": "200ms"}})  # critical, but no deregister-after
    started = time.monotonic()

    async def reaped() -> bool:
        return "seg-1" not in double.services()

    await eventually(reaped)
    assert time.monotonic() - started >= 0.45  # TTL, then critical for longer than 300 ms
    assert "keeper" in double.services()
    assert double.checks()["service:keeper"]["Output"] == "TTL expired"
    async with http.put("/v1/agent/check/pass/service:seg-1") as resp:
        assert resp.status == 404


async def test_agent_minimum_deregister_after_is_enforced() -> None:
    d = ConsulDouble(min_deregister_after=60, reap_interval=0.05)
    await d.start()
    try:
        async with aiohttp.ClientSession(base_url=d.url) as session:
            await register(
                session, {"Name": SERVICE, "Check": {"TTL": "10s", "DeregisterCriticalServiceAfter": "1ms"}}
            )
            await asyncio.sleep(0.3)
            assert SERVICE in d.services()
    finally:
        await d.stop()


# ---------------------------------------------------------------------------------- blocking


async def test_health_blocking_query_wakes_on_status_change_not_on_heartbeat_output(
    double: ConsulDouble, http: aiohttp.ClientSession
) -> None:
    await register(http, {"Name": SERVICE, "ID": "seg-1", "Check": {"TTL": "10s", "Status": "passing"}})
    index, _ = await health(http, SERVICE, passing="")

    started = time.monotonic()
    watch = asyncio.create_task(health(http, SERVICE, passing="", index=str(index), wait="1s"))
    await asyncio.sleep(0.1)
    async with http.put("/v1/agent/check/pass/service:seg-1", params={"note": "beat 2"}) as resp:
        assert resp.status == 200  # same status, new output: Consul defers this sync
    same_index, entries = await watch
    assert same_index == index and len(entries) == 1
    assert 1.0 <= time.monotonic() - started <= 1.0 + 1 / 16 + 0.5

    watch = asyncio.create_task(health(http, SERVICE, passing="", index=str(index), wait="5s"))
    await asyncio.sleep(0.1)
    async with http.put("/v1/agent/check/fail/service:seg-1", params={"note": "draining"}) as resp:
        assert resp.status == 200
    new_index, entries = await asyncio.wait_for(watch, 1.0)
    assert new_index > index and entries == []


async def test_watch_on_a_missing_service_wakes_when_it_appears(
    double: ConsulDouble, http: aiohttp.ClientSession
) -> None:
    index, entries = await health(http, "ai-orchestrator", passing="")
    assert entries == [] and index >= 1
    watch = asyncio.create_task(health(http, "ai-orchestrator", passing="", index=str(index), wait="5s"))
    await asyncio.sleep(0.05)
    double.register_external(
        {"Service": "ai-orchestrator", "ID": "ai-1", "Port": 9000, "Weights": {"Passing": 3, "Warning": 1}}
    )
    new_index, entries = await asyncio.wait_for(watch, 1.0)
    assert new_index > index
    (entry,) = entries
    assert entry["Node"]["Node"] == "node-2" and entry["Service"]["Address"] == "127.0.0.1"
    assert entry["Service"]["Weights"] == {"Passing": 3, "Warning": 1}

    watch = asyncio.create_task(health(http, "ai-orchestrator", passing="", index=str(new_index), wait="5s"))
    await asyncio.sleep(0.05)
    double.set_check_status("ai-1", "critical", "down")
    last_index, entries = await asyncio.wait_for(watch, 1.0)
    assert last_index > new_index and entries == []


async def test_tag_and_filter_narrow_health_results(
    double: ConsulDouble, http: aiohttp.ClientSession
) -> None:
    double.register_external(
        {"Name": "runner-service", "ID": "r1", "Tags": ["V1", "gpu"], "Port": 1, "Meta": {"zone": "a"}}
    )
    double.register_external(
        {"Name": "runner-service", "ID": "r2", "Tags": ["v1"], "Port": 2, "Meta": {"zone": "b"}}
    )
    assert [e["Service"]["ID"] for e in (await health(http, "runner-service", tag="v1"))[1]] == ["r1", "r2"]
    async with http.get("/v1/health/service/runner-service", params=[("tag", "v1"), ("tag", "gpu")]) as resp:
        assert [e["Service"]["ID"] for e in await resp.json()] == ["r1"]
    found = await health(http, "runner-service", filter='Service.Meta.zone == "b"')
    assert [e["Service"]["ID"] for e in found[1]] == ["r2"]
    async with http.get("/v1/health/service/runner-service", params={"filter": "Service.Nope == 1"}) as resp:
        assert resp.status == 400


async def test_catalog_views(double: ConsulDouble, client: consul.aio.Consul) -> None:
    await client.agent.service.register(SERVICE, service_id="seg-1", port=8080, tags=["b", "a"])
    double.register_external({"Name": "archive-service", "Port": 7000}, node="node-3", address="10.0.0.9")
    _, services = await client.catalog.services()
    assert services == {SERVICE: ["a", "b"], "archive-service": []}
    _, instances = await client.catalog.service("archive-service")
    assert instances[0]["ServiceAddress"] == "10.0.0.9" and instances[0]["Node"] == "node-3"
    _, nodes = await client.catalog.nodes()
    assert [n["Node"] for n in nodes] == ["node-1", "node-3"]
    _, checks = await client.health.checks(SERVICE)
    assert [c["CheckID"] for c in checks] == []
    _, critical = await client.health.state("critical")
    assert critical == []


async def test_http_and_tcp_checks_are_run_by_the_agent(
    double: ConsulDouble, http: aiohttp.ClientSession
) -> None:
    async def ok(request: aiohttp.web.Request) -> aiohttp.web.Response:
        return aiohttp.web.Response(text="fine")

    app = aiohttp.web.Application()
    app.router.add_get("/health", ok)
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    await aiohttp.web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        await register(
            http,
            {
                "Name": "web",
                "Checks": [
                    {"HTTP": f"http://127.0.0.1:{port}/health", "Interval": "50ms"},
                    {"TCP": f"127.0.0.1:{port}", "Interval": "50ms"},
                ],
            },
        )

        async def both_passing() -> bool:
            return all(c["Status"] == "passing" for c in double.checks().values())

        await eventually(both_passing)
        assert (
            double.checks()["service:web:1"]["Output"]
            == f"HTTP GET http://127.0.0.1:{port}/health: 200 OK Output: fine"
        )
        assert double.checks()["service:web:2"]["Output"] == f"TCP connect 127.0.0.1:{port}: Success"
    finally:
        await runner.cleanup()

    async def both_critical() -> bool:
        return all(c["Status"] == "critical" for c in double.checks().values())

    await eventually(both_critical)


# ----------------------------------------------------------------------------- restart/outage


async def test_restart_agent_forgets_registrations_but_keeps_kv(
    double: ConsulDouble, client: consul.aio.Consul
) -> None:
    await client.agent.service.register(SERVICE, service_id="seg-1", check={"TTL": "10s"})
    await client.kv.put("config/segmentation-service/log_level", "DEBUG")
    index_before = double.store.raft_index
    await double.restart_agent()
    assert await client.agent.check.ttl_pass("service:seg-1") is False  # py-consul maps the 404 to False
    assert double.request_log[-1][1:] == ("PUT", "/v1/agent/check/pass/service:seg-1", 404)
    assert await client.agent.services() == {}
    assert (await client.health.service(SERVICE))[1] == []
    assert (await client.kv.get("config/segmentation-service/log_level"))[1]["Value"] == b"DEBUG"
    assert double.store.raft_index > index_before


async def test_outage_breaks_connections_and_recover_serves_the_same_port(
    double: ConsulDouble, client: consul.aio.Consul
) -> None:
    port = double.port
    await client.kv.put("k", "v")
    index, _ = await client.kv.get("k")
    in_flight = asyncio.create_task(client.kv.get("k", index=index, wait="5s"))
    await asyncio.sleep(0.1)
    await double.outage()
    with pytest.raises((aiohttp.ClientError, OSError)):
        await asyncio.wait_for(in_flight, 2.0)
    with pytest.raises((aiohttp.ClientError, OSError)):
        await client.kv.get("k")
    await double.recover()
    assert double.port == port
    assert (await client.kv.get("k"))[1]["Value"] == b"v"


async def test_request_log_counts_every_attempt(double: ConsulDouble, http: aiohttp.ClientSession) -> None:
    for _ in range(3):
        async with http.put("/v1/agent/check/pass/missing") as resp:
            await resp.read()
    attempts = [r for r in double.request_log if r[2] == "/v1/agent/check/pass/missing"]
    assert [r[3] for r in attempts] == [404, 404, 404]
    assert attempts[0][0] <= attempts[1][0] <= attempts[2][0]
