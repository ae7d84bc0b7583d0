"""ACL enforcement in the Consul double, with segsvc's real policy file.

The policy under test is ``consul/segsvc-policy.hcl`` itself: these tests pin down that it grants
what segsvc needs (register itself, heartbeat, read its configuration keys and overlay, discover
its peers) and nothing more (no KV writes, no other service names).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import consul.aio
import pytest

import consul
from tests.support.consul_double import ConsulDouble, RulesError, parse_rules
from tests.support.consul_double.acl import Authorizer

POLICY = Path(__file__).resolve().parents[2] / "consul" / "segsvc-policy.hcl"
TOKEN = "segsvc-token"
ROOT = "root-token"


@pytest.fixture
async def double() -> AsyncIterator[ConsulDouble]:
    d = ConsulDouble(acl_enabled=True, master_token=ROOT)
    d.add_token(TOKEN, POLICY.read_text(encoding="utf-8"))
    await d.start()
    yield d
    await d.stop()


@pytest.fixture
def consul_token() -> str:
    """segsvc's policy token: the py-consul ``client`` acts as segsvc does."""
    return TOKEN


def registration(name: str = "segmentation-service") -> dict[str, object]:
    return {"Name": name, "ID": f"{name}-host-8080", "Port": 8080, "Check": {"TTL": "10s"}}


async def test_anonymous_and_unknown_tokens_cannot_register(http: aiohttp.ClientSession) -> None:
    async with http.put("/v1/agent/service/register", json=registration()) as resp:
        assert resp.status == 403
        assert (await resp.text()).startswith(
            "Permission denied: anonymous token lacks permission 'service:write'"
        )
    async with http.put(
        "/v1/agent/service/register", json=registration(), headers={"X-Consul-Token": "nope"}
    ) as resp:
        assert resp.status == 403 and await resp.text() == "ACL not found"


async def test_policy_token_registers_heartbeats_and_deregisters_segsvc(
    double: ConsulDouble, client: consul.aio.Consul, http: aiohttp.ClientSession
) -> None:
    assert await client.agent.service.register(
        "segmentation-service",
        service_id="segmentation-service-host-8080",
        port=8080,
        check={"TTL": "10s"},
        connect={
            "SidecarService": {
                "Proxy": {"Upstreams": [{"DestinationName": "ai-orchestrator", "LocalBindPort": 7001}]}
            }
        },
    )
    assert set(double.services()) == {
        "segmentation-service-host-8080",
        "segmentation-service-host-8080-sidecar-proxy",
    }
    assert await client.agent.check.ttl_warn("service:segmentation-service-host-8080", notes="nats away")
    async with http.get("/v1/agent/self", params={"token": TOKEN}) as resp:  # py-consul sends no token here
        assert (await resp.json())["Config"]["NodeName"] == "node-1"
    async with http.get("/v1/agent/self") as resp:
        assert resp.status == 403
    assert await client.agent.service.deregister("segmentation-service-host-8080")
    assert double.services() == {}


async def test_policy_token_cannot_register_another_name_or_touch_its_checks(
    double: ConsulDouble, client: consul.aio.Consul, http: aiohttp.ClientSession
) -> None:
    with pytest.raises(consul.ACLPermissionDenied):
        await client.agent.service.register("runner-service", service_id="r1", port=1)
    async with http.put(
        "/v1/agent/service/register", json=registration("runner-service"), headers={"X-Consul-Token": ROOT}
    ) as resp:
        assert resp.status == 200
    with pytest.raises(consul.ACLPermissionDenied):
        await client.agent.check.ttl_pass("service:runner-service-host-8080")
    with pytest.raises(consul.ACLPermissionDenied):  # taking over an ID that belongs to another name
        await client.agent.service.register("segmentation-service", service_id="runner-service-host-8080")


async def test_policy_token_reads_config_and_overlay_but_cannot_write_kv(
    double: ConsulDouble, client: consul.aio.Consul
) -> None:
    double.kv_put("config/segmentation-service/log_level", "DEBUG")
    double.kv_put("config/segmentation-service,production/log_level", "WARNING")
    double.kv_put("config/runner-service/secret", "x")

    _, entries = await client.kv.get("config/segmentation-service/", recurse=True)
    assert [e["Value"] for e in entries] == [b"DEBUG"]
    _, entries = await client.kv.get("config/segmentation-service,production/", recurse=True)
    assert [e["Value"] for e in entries] == [b"WARNING"]
    _, entries = await client.kv.get("config/", recurse=True)  # a prefix read is filtered, not refused
    assert [e["Key"] for e in entries] == [
        "config/segmentation-service,production/log_level",
        "config/segmentation-service/log_level",
    ]
    with pytest.raises(consul.ACLPermissionDenied):
        await client.kv.get("config/runner-service/secret")
    with pytest.raises(consul.ACLPermissionDenied):
        await client.kv.put("config/segmentation-service/log_level", "ERROR")
    with pytest.raises(consul.ACLPermissionDenied):
        await client.kv.delete("config/segmentation-service/", recurse=True)
    assert double.kv_get("config/segmentation-service/log_level") == b"DEBUG"


async def test_policy_token_discovers_peers_and_reads_are_filtered(
    double: ConsulDouble, client: consul.aio.Consul, http: aiohttp.ClientSession
) -> None:
    double.register_external({"Name": "ai-orchestrator", "ID": "ai-1", "Port": 9000})
    double.register_external({"Name": "billing", "ID": "b-1", "Port": 9100})
    _, entries = await client.health.service("ai-orchestrator", passing=True)
    assert [e["Service"]["ID"] for e in entries] == ["ai-1"]
    async with http.get("/v1/health/service/billing", headers={"Authorization": f"Bearer {TOKEN}"}) as resp:
        assert resp.status == 200 and await resp.json() == []
        assert resp.headers["X-Consul-Results-Filtered-By-ACLs"] == "true"
    _, services = await client.catalog.services()
    assert services == {"ai-orchestrator": []}


async def test_key_list_policy_mode_refuses_prefix_reads_without_list() -> None:
    """With Consul's acl.enable_key_list_policy a recursive read needs "list"; "read" no longer suffices."""
    d = ConsulDouble(acl_enabled=True, acl_enable_key_list_policy=True)
    d.add_token(TOKEN, POLICY.read_text(encoding="utf-8"))
    d.add_token("reader", 'key_prefix "config/" { policy = "read" }')
    d.kv_put("config/segmentation-service/log_level", "DEBUG")
    await d.start()
    try:
        async with aiohttp.ClientSession(base_url=d.url) as http:
            path = "/v1/kv/config/segmentation-service/"
            async with http.get(path, params={"recurse": ""}) as resp:
                assert resp.status == 403  # anonymous
            async with http.get(path, params={"recurse": "", "token": "reader"}) as resp:
                assert resp.status == 403 and "'key:list'" in await resp.text()
            async with http.get(path + "log_level", params={"token": "reader"}) as resp:
                assert resp.status == 200
            async with http.get(path, params={"recurse": "", "token": TOKEN}) as resp:
                assert resp.status == 200 and len(await resp.json()) == 1
            async with http.get(path, params={"keys": "", "token": TOKEN}) as resp:
                assert await resp.json() == ["config/segmentation-service/log_level"]
    finally:
        await d.stop()


def test_policy_file_rules_match_the_brief() -> None:
    rules = parse_rules(POLICY.read_text(encoding="utf-8"))
    authz = Authorizer(rules, default_allow=False, accessor_id="a")
    assert authz.allowed("service", "segmentation-service", "write")
    assert authz.allowed("service", "segmentation-service-sidecar-proxy", "write")
    assert not authz.allowed("service", "segmentation-service-2", "read")
    for peer in ("ai-orchestrator", "runner-service", "archive-service"):
        assert authz.allowed("service", peer, "read") and not authz.allowed("service", peer, "write")
    assert authz.allowed("key", "config/segmentation-service,test/limits/max_batch", "read")
    assert authz.allowed("key", "config/segmentation-service/", "list")
    assert not authz.allowed("key", "config/segmentation-service/log_level", "write")
    assert authz.allowed("node", "any-node", "read") and not authz.allowed("node", "any-node", "write")
    assert authz.allowed("agent", "node-1", "read") and not authz.allowed("agent", "node-1", "write")


def test_exact_rule_beats_prefix_and_longest_prefix_wins() -> None:
    rules = parse_rules(
        """
        # comment
        key_prefix "" { policy = "read" }
        key_prefix "app/" { policy = "write" }
        key_prefix "app/secret" { policy = "deny" }
        key "app/secret/public" { policy = "read" }
        service_prefix "" { policy = "read" }   // everyone readable
        service "web" { policy = "deny" }
        /* duplicates merge, deny wins */
        service "api" { policy = "write" }
        service "api" { policy = "deny" }
        operator = "read"
        """
    )
    authz = Authorizer(rules, default_allow=False, accessor_id="a")
    assert authz.allowed("key", "other", "read") and not authz.allowed("key", "other", "write")
    assert authz.allowed("key", "app/x", "write")
    assert not authz.allowed("key", "app/secret/x", "read")
    assert authz.allowed("key", "app/secret/public", "read")
    assert not authz.key_write_prefix("app/")  # a denied key lies under app/
    assert authz.key_write_prefix("app/x")
    assert not authz.allowed("service", "web", "read") and authz.allowed("service", "db", "read")
    assert not authz.allowed("service", "api", "write")
    assert not authz.allowed("key", "app/secret/public", "list")  # read grants no list
    assert Authorizer(
        parse_rules('key "k" { policy = "list" }'), default_allow=False, accessor_id="a"
    ).allowed("key", "k", "read")
    assert not Authorizer(parse_rules(""), default_allow=False, accessor_id="a").allowed("node", "n", "read")
    assert Authorizer(parse_rules(""), default_allow=True, accessor_id="a").allowed("node", "n", "write")


@pytest.mark.parametrize(
    "text",
    [
        'service "x" { policy = "owner" }',
        'nosuch "x" { policy = "read" }',
        'service "x" { }',
        'service "x" policy',
        "key_prefix",
    ],
)
def test_bad_rules_are_rejected(text: str) -> None:
    with pytest.raises(RulesError):
        parse_rules(text)
