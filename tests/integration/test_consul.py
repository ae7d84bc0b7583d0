"""segsvc against the Consul double: registration, TTL heartbeat, KV configuration, peer discovery, ACLs."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.conftest import ROOT, free_port
from tests.support.consul_double import ConsulDouble

SERVICE = "segmentation-service"
POLICY = (ROOT / "consul" / "segsvc-policy.hcl").read_text()


async def eventually(check: Callable[[], Any], timeout: float, interval: float = 0.05) -> float:
    """Wait until ``check()`` is truthy (awaiting it when it is a coroutine); returns the seconds it took."""
    started = time.monotonic()
    last: Any = None
    while time.monotonic() - started < timeout:
        last = check()
        if isinstance(last, Awaitable):
            last = await last
        if last:
            return time.monotonic() - started
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last value {last!r})")


@pytest.fixture
async def double() -> AsyncIterator[ConsulDouble]:
    d = ConsulDouble(min_deregister_after=0, reap_interval=0.2)
    await d.start()
    yield d
    await d.stop()


@pytest.fixture
async def consul_runtime(make_runtime: Any, double: ConsulDouble) -> AsyncIterator[Callable[..., Any]]:
    started: list[Any] = []

    async def build(**env: str) -> Any:
        port = free_port()
        settings = {"CONSUL_HTTP_ADDR": double.url, "SEGSVC_HTTP__PORT": str(port), "SEGSVC_HTTP__HOST": "127.0.0.1",
                    "SEGSVC_CONSUL__TTL": "1.5s", "SEGSVC_CONSUL__ADVERTISE_ADDRESS": "127.0.0.1",
                    "SEGSVC_SHUTDOWN__DRAIN_SECONDS": "0.3", **env}
        runtime = make_runtime(**settings)
        await runtime.start()
        started.append(runtime)
        return runtime

    yield build
    for runtime in started:
        if runtime._started:  # a test that failed before its own stop()
            await runtime.stop()


async def health(double: ConsulDouble, name: str = SERVICE, passing: bool = True) -> list[dict[str, Any]]:
    headers = {"X-Consul-Token": double.master_token}
    async with aiohttp.ClientSession(headers=headers) as s:
        async with s.get(f"{double.url}/v1/health/service/{name}" + ("?passing" if passing else "")) as r:
            return await r.json()


async def get_json(runtime: Any, path: str) -> Any:
    async with aiohttp.ClientSession() as s:
        async with s.get(f"http://127.0.0.1:{runtime.http_port}{path}") as r:
            return await r.json()


async def test_registers_passing_with_design_fields_and_ttl_expiry(double: ConsulDouble, consul_runtime: Any) -> None:
    runtime = await consul_runtime()
    try:
        took = await eventually(lambda: health(double), timeout=2)
        assert took < 2
        (entry,) = await health(double)
        svc = entry["Service"]
        assert svc["Service"] == SERVICE and svc["ID"] == runtime.registration.service_id
        assert svc["ID"].startswith(f"{SERVICE}-") and svc["ID"].endswith(f"-{runtime.http_port}")
        assert set(svc["Tags"]) == {"alt-las", "segmentation", "http", "grpc", "v1", "test"}
        assert svc["Meta"]["languages"] == "en,tr" and svc["Meta"]["api"] == "v1" and svc["Meta"]["profile"] == "test"
        assert svc["Meta"]["grpc_port"] == str(runtime.grpc_port) and svc["Meta"]["version"]
        assert svc["Address"] == "127.0.0.1" and svc["Port"] == runtime.http_port
        (check,) = [c for c in entry["Checks"] if c["CheckID"] != "serfHealth"]
        assert check["CheckID"] == f"service:{svc['ID']}" and check["Status"] == "passing"
        agent_check = double.checks()[check["CheckID"]]
        assert agent_check["Definition"]["TTL"] == "1.5s" or agent_check["Definition"]["TTL"] in ("1500ms", "1.5s")
        assert agent_check["Definition"]["DeregisterCriticalServiceAfter"] in ("1m0s", "60s", "1m")
        # stays passing across many TTLs
        for _ in range(8):
            await asyncio.sleep(0.5)
            assert len(await health(double)) == 1
        # heartbeats stop (the process is frozen, not stopped) → critical after the TTL
        runtime.registration._task.cancel()
        await eventually(lambda: double.checks()[check["CheckID"]]["Status"] == "critical", timeout=3)
        assert "TTL expired" in double.checks()[check["CheckID"]]["Output"]
    finally:
        await runtime.stop()


async def test_agent_restart_reregisters_within_ttl_third(double: ConsulDouble, consul_runtime: Any) -> None:
    runtime = await consul_runtime()
    try:
        await eventually(lambda: health(double), timeout=2)
        await double.restart_agent()
        assert await health(double) == []
        took = await eventually(lambda: health(double), timeout=0.5 + 1)
        assert took <= 1.5
    finally:
        await runtime.stop()


async def test_warning_when_degraded_and_critical_draining_then_deregistered(double: ConsulDouble,
                                                                             consul_runtime: Any) -> None:
    runtime = await consul_runtime(SEGSVC_SHUTDOWN__DRAIN_SECONDS="1")
    await eventually(lambda: health(double), timeout=2)
    check_id = runtime.registration.check_id
    runtime.health.report("nats", "degraded", "NATS away")
    await eventually(lambda: double.checks()[check_id]["Status"] == "warning", timeout=2)
    assert "nats" in double.checks()[check_id]["Output"]
    assert await health(double) == []          # ?passing leaves warning instances out
    runtime.health.report("nats", "ok")
    await eventually(lambda: double.checks()[check_id]["Status"] == "passing", timeout=2)
    stopping = asyncio.create_task(runtime.stop())
    await eventually(lambda: double.checks()[check_id]["Status"] == "critical", timeout=0.5)
    assert double.checks()[check_id]["Output"] == "draining"
    assert runtime.registration.service_id in double.services()   # still registered while draining
    await stopping
    assert runtime.registration.service_id not in double.services()


async def test_kv_changes_apply_live_and_invalid_ones_are_rejected_whole(double: ConsulDouble, consul_runtime: Any,
                                                                         caplog: Any) -> None:
    caplog.set_level(logging.INFO)
    runtime = await consul_runtime()
    try:
        await eventually(lambda: runtime.health.describe()["checks"].get("config-watch"), timeout=2)
        double.kv_put(f"config/{SERVICE}/log_level", "DEBUG")
        took = await eventually(lambda: runtime.config.settings.log_level == "DEBUG", timeout=1)
        assert took < 1
        cfg = await get_json(runtime, "/api/v1/admin/config")
        assert cfg["keys"]["log_level"] == {"value": "DEBUG", "source": "consul-kv", "dynamic": True}
        assert cfg["kv_index"] and cfg["kv_index"] >= 1
        assert logging.getLogger().level == logging.DEBUG
        assert any(r.getMessage() == "configuration from Consul KV applied" and "log_level" in r.changed
                   for r in caplog.records)
        # one invalid key in a change: the whole change is rejected, the last good configuration stays
        double.kv_put(f"config/{SERVICE}/limits/max_batch", "3")
        await eventually(lambda: runtime.config.settings.limits.max_batch == 3, timeout=1)
        rejected_before = len(runtime.config.rejections)
        double.kv_put(f"config/{SERVICE}/engine/default", "telepathy")
        await eventually(lambda: len(runtime.config.rejections) > rejected_before, timeout=1)
        assert runtime.config.settings.engine.default == "auto" and runtime.config.settings.limits.max_batch == 3
        cfg = await get_json(runtime, "/api/v1/admin/config")
        assert cfg["rejections"][-1]["errors"][0]["key"] == "engine.default"
        async with aiohttp.ClientSession() as s:
            async with s.get(f"http://127.0.0.1:{runtime.http_port}/metrics") as r:
                metrics = await r.text()
        assert 'segsvc_config_reloads_total{outcome="rejected"}' in metrics
        double.kv_delete(f"config/{SERVICE}/engine/default")
        # the profile overlay wins over the global key
        double.kv_put(f"config/{SERVICE},test/limits/max_batch", "5")
        await eventually(lambda: runtime.config.settings.limits.max_batch == 5, timeout=1)
        double.kv_put(f"config/{SERVICE}/limits/max_batch", "8")
        await asyncio.sleep(0.3)
        assert runtime.config.settings.limits.max_batch == 5
        double.kv_put(f"config/{SERVICE},production/limits/max_batch", "99")   # another profile: ignored
        await asyncio.sleep(0.3)
        assert runtime.config.settings.limits.max_batch == 5
        # a restart-only key is reported, not applied
        double.kv_put(f"config/{SERVICE}/http/port", "1")
        await eventually(lambda: runtime.config.snapshot.pending_restart.get("http.port") == 1, timeout=1)
        cfg = await get_json(runtime, "/api/v1/admin/config")
        assert cfg["restart_required"] == {"http.port": 1} and cfg["keys"]["http.port"]["value"] == runtime.http_port
        # deleting the overlay falls back to the global key
        double.kv_delete(f"config/{SERVICE},test/", recurse=True)
        await eventually(lambda: runtime.config.settings.limits.max_batch == 8, timeout=1)
    finally:
        await runtime.stop()


async def test_peer_discovery_follows_health_and_weights(double: ConsulDouble, consul_runtime: Any) -> None:
    double.register_external({"Name": "runner-service", "ID": "runner-a", "Port": 7001, "Meta": {"zone": "a"},
                              "Weights": {"Passing": 1, "Warning": 1}})
    double.register_external({"Name": "runner-service", "ID": "runner-b", "Port": 7002, "Tags": ["blue"]},
                             node="node-3")
    runtime = await consul_runtime()
    try:
        peers = runtime.peers
        await eventually(lambda: len(peers.pools["runner"].instances) == 2, timeout=2)
        assert {peers.choose("runner").id for _ in range(10)} == {"runner-a", "runner-b"}
        listing = await get_json(runtime, "/api/v1/admin/peers")
        runner = listing["peers"]["runner"]
        assert listing["mode"] == "consul" and runner["changed_at"]
        assert {i["id"]: i["meta"] for i in runner["instances"]}["runner-a"] == {"zone": "a"}
        assert {i["id"]: i["tags"] for i in runner["instances"]}["runner-b"] == ["blue"]
        double.set_check_status("runner-b", "critical")
        await eventually(lambda: len(peers.pools["runner"].instances) == 1, timeout=1)
        assert {peers.choose("runner").id for _ in range(20)} == {"runner-a"}
        double.set_check_status("runner-b", "passing")
        await eventually(lambda: len(peers.pools["runner"].instances) == 2, timeout=1)
        assert {peers.choose("runner").id for _ in range(10)} == {"runner-a", "runner-b"}
        # a refused instance is sidelined, then comes back
        peers.sideline_seconds = 0.5
        inst_b = next(i for i in peers.pools["runner"].instances if i.id == "runner-b")
        peers.sideline("runner", inst_b, "connection refused")
        assert {peers.choose("runner").id for _ in range(10)} == {"runner-a"}
        await asyncio.sleep(0.6)
        assert {peers.choose("runner").id for _ in range(10)} == {"runner-a", "runner-b"}
    finally:
        await runtime.stop()


async def test_consul_outage_keeps_serving_without_busy_loop_and_recovers(double: ConsulDouble,
                                                                          consul_runtime: Any) -> None:
    double.register_external({"Name": "ai-orchestrator", "ID": "llm-1", "Port": 7100})
    runtime = await consul_runtime()
    try:
        await eventually(lambda: health(double), timeout=2)
        double.kv_put(f"config/{SERVICE}/limits/max_batch", "4")
        await eventually(lambda: runtime.config.settings.limits.max_batch == 4, timeout=1)
        await eventually(lambda: runtime.peers.pools["ai_orchestrator"].instances, timeout=1)
        plans = [c.plan for c in runtime.components if hasattr(c, "plan")] + runtime.peers._plans
        calls_before = sum(p.calls for p in plans) + runtime.registration.attempts
        beats = []
        original = runtime.registration.heartbeat

        async def counting() -> bool:
            beats.append(time.monotonic())
            return await original()

        runtime.registration.heartbeat = counting  # type: ignore[method-assign]
        await double.outage()
        outage_started = time.monotonic()
        served = 0
        async with aiohttp.ClientSession() as s:
            while time.monotonic() - outage_started < 30:
                async with s.post(f"http://127.0.0.1:{runtime.http_port}/api/v1/segment",
                                  json={"command": "Open the mail app"}) as r:
                    assert r.status == 200
                    served += 1
                await asyncio.sleep(0.5)
        calls = sum(p.calls for p in plans) - calls_before
        assert served >= 50
        assert runtime.config.settings.limits.max_batch == 4                  # last configuration kept
        assert [i.id for i in runtime.peers.pools["ai_orchestrator"].instances] == ["llm-1"]  # last peer list kept
        ready = await get_json(runtime, "/health/ready")
        assert ready["ready"] is True and ready["checks"]["consul"]["status"] == "degraded"
        # no busy loop: watches back off quadratically (cap 10 s), heartbeats back off (cap 5 s)
        assert calls < 4 * 10, calls
        assert len(beats) < 20, len(beats)
        await double.recover()
        await eventually(lambda: health(double), timeout=8)
        double.kv_put(f"config/{SERVICE}/limits/max_batch", "6")
        await eventually(lambda: runtime.config.settings.limits.max_batch == 6, timeout=12)
        ready = await get_json(runtime, "/health/ready")
        assert ready["checks"]["consul"]["status"] == "ok"
    finally:
        await runtime.stop()


async def test_acl_token_with_policy_works_and_missing_token_is_reported(make_runtime: Any) -> None:
    double = ConsulDouble(acl_enabled=True, min_deregister_after=0)
    await double.start()
    double.add_token("segsvc-token", POLICY)
    double.register_external({"Name": "archive-service", "ID": "archive-1", "Port": 7200})
    env = {"CONSUL_HTTP_ADDR": double.url, "SEGSVC_HTTP__HOST": "127.0.0.1", "SEGSVC_CONSUL__TTL": "1.5s",
           "SEGSVC_CONSUL__ADVERTISE_ADDRESS": "127.0.0.1"}
    good = make_runtime(CONSUL_HTTP_TOKEN="segsvc-token", SEGSVC_HTTP__PORT=str(free_port()), **env)
    bad = make_runtime(SEGSVC_HTTP__PORT=str(free_port()), **env)
    await good.start()
    await bad.start()
    try:
        await eventually(lambda: health(double), timeout=2)
        double.kv_put(f"config/{SERVICE}/limits/max_batch", "9")
        await eventually(lambda: good.config.settings.limits.max_batch == 9, timeout=1)
        await eventually(lambda: good.peers.pools["archive"].instances, timeout=1)
        ready = await get_json(bad, "/health/ready")
        await eventually(lambda: "consul" in bad.health.describe()["checks"], timeout=2)
        ready = await get_json(bad, "/health/ready")
        assert ready["ready"] is True                                        # keeps serving
        assert "permission" in ready["checks"]["consul"]["detail"].lower()
        # Consul filters a recursive KV read the token may not list (no 403 unless acl.enable_key_list_policy
        # is on), so the instance without a token just sees no keys and keeps its own configuration.
        assert bad.config.settings.limits.max_batch == 100
        assert [e["Service"]["ID"] for e in await health(double)] == [good.registration.service_id]
        assert not bad.registration.registered and bad.registration.attempts >= 1
    finally:
        await good.stop()
        await bad.stop()
        await double.stop()


async def test_sidecar_mode_registers_connect_and_resolves_local_upstreams(double: ConsulDouble,
                                                                           consul_runtime: Any) -> None:
    runtime = await consul_runtime(SEGSVC_DISCOVERY__MODE="sidecar", SEGSVC_PEERS__RUNNER__LOCAL_BIND_PORT="21002")
    try:
        await eventually(lambda: runtime.registration.registered, timeout=2)
        services = double.services()
        sidecar = services[f"{runtime.registration.service_id}-sidecar-proxy"]
        upstreams = {u["DestinationName"]: u["LocalBindPort"] for u in sidecar["Proxy"]["Upstreams"]}
        assert upstreams == {"ai-orchestrator": 19001, "runner-service": 21002, "archive-service": 19003}
        assert runtime.peers.choose("runner").url == "http://127.0.0.1:21002"
    finally:
        await runtime.stop()


def test_policy_file_is_least_privilege() -> None:
    text = Path(ROOT / "consul" / "segsvc-policy.hcl").read_text()
    assert 'service "segmentation-service"' in text and 'key_prefix "config/segmentation-service"' in text
    assert '"write"' in text and json.dumps("write") in text


async def test_stays_passing_for_minutes(double: ConsulDouble, consul_runtime: Any) -> None:
    """Two minutes at a 1 s TTL (120 TTLs): the check never leaves passing while the instance serves."""
    runtime = await consul_runtime(SEGSVC_CONSUL__TTL="1s")
    try:
        await eventually(lambda: health(double), timeout=2)
        check_id = runtime.registration.check_id
        started = time.monotonic()
        samples = 0
        async with aiohttp.ClientSession() as s:
            while time.monotonic() - started < 120:
                assert double.checks()[check_id]["Status"] == "passing"
                async with s.post(f"http://127.0.0.1:{runtime.http_port}/api/v1/segment",
                                  json={"command": "Takvimi aç"}) as r:
                    assert r.status == 200
                samples += 1
                await asyncio.sleep(0.25)
        assert samples > 300
    finally:
        await runtime.stop()
