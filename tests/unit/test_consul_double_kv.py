"""The Consul double's KV store and blocking-query index rules, over real HTTP.

These are the rules segsvc's configuration watch relies on: a miss is a 404 that still carries an
index to block on, a blocking read returns on a change or after ``wait`` with the same index,
deletions move a prefix's index, indexes only grow and are never 0.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator

import aiohttp
import consul.aio
import pytest

import consul
from tests.support.consul_double import ConsulDouble

PREFIX = "config/segmentation-service/"


@pytest.fixture
async def double() -> AsyncIterator[ConsulDouble]:
    d = ConsulDouble()
    await d.start()
    yield d
    await d.stop()


async def test_missing_key_is_404_with_an_index_to_block_on(http: aiohttp.ClientSession) -> None:
    async with http.get(f"/v1/kv/{PREFIX}log_level") as resp:
        assert resp.status == 404
        assert int(resp.headers["X-Consul-Index"]) >= 1
        assert resp.headers["X-Consul-KnownLeader"] == "true"
        assert await resp.read() == b""
    async with http.get(f"/v1/kv/{PREFIX}", params={"recurse": ""}) as resp:
        assert resp.status == 404 and int(resp.headers["X-Consul-Index"]) >= 1


async def test_put_get_shapes_raw_and_flags(http: aiohttp.ClientSession) -> None:
    async with http.put(f"/v1/kv/{PREFIX}log_level", data=b"DEBUG", params={"flags": "42"}) as resp:
        assert resp.status == 200 and await resp.json() is True
    async with http.get(f"/v1/kv/{PREFIX}log_level") as resp:
        (entry,) = await resp.json()
        assert int(resp.headers["X-Consul-Index"]) == entry["ModifyIndex"]
        assert resp.headers["X-Consul-Effective-Consistency"] == "leader"
    assert entry["Key"] == f"{PREFIX}log_level" and entry["Flags"] == 42 and entry["LockIndex"] == 0
    assert base64.b64decode(entry["Value"]) == b"DEBUG"
    assert entry["CreateIndex"] == entry["ModifyIndex"]
    async with http.get(f"/v1/kv/{PREFIX}log_level", params={"raw": ""}) as resp:
        assert await resp.read() == b"DEBUG" and resp.headers["Content-Type"].startswith("text/plain")
    async with http.put(f"/v1/kv/{PREFIX}empty") as resp:
        assert resp.status == 200
    async with http.get(f"/v1/kv/{PREFIX}empty") as resp:
        assert (await resp.json())[0]["Value"] is None


async def test_recurse_and_keys_with_separator(double: ConsulDouble, client: consul.aio.Consul) -> None:
    for key, value in [
        ("log_level", "INFO"),
        ("engine/default", "rules"),
        ("breakers/ai-orchestrator/fail_max", "5"),
    ]:
        assert await client.kv.put(PREFIX + key, value)
    await client.kv.put("config/segmentation-service,production/log_level", "WARNING")
    await client.kv.put("config/other/log_level", "ERROR")

    _, entries = await client.kv.get(PREFIX, recurse=True)
    assert [e["Key"] for e in entries] == [
        PREFIX + "breakers/ai-orchestrator/fail_max",
        PREFIX + "engine/default",
        PREFIX + "log_level",
    ]
    _, entries = await client.kv.get("config/segmentation-service", recurse=True)
    assert len(entries) == 4  # a plain string prefix takes the ",production" overlay too
    _, keys = await client.kv.get("config/", keys=True, separator="/")
    assert keys == ["config/other/", "config/segmentation-service,production/", PREFIX]
    _, keys = await client.kv.get(PREFIX, keys=True)
    assert keys == [
        PREFIX + "breakers/ai-orchestrator/fail_max",
        PREFIX + "engine/default",
        PREFIX + "log_level",
    ]
    assert double.kv_get(PREFIX + "engine/default") == b"rules"


async def test_cas_semantics(double: ConsulDouble, client: consul.aio.Consul) -> None:
    assert await client.kv.put("lock", "a", cas=0) is True
    assert await client.kv.put("lock", "b", cas=0) is False  # 0 = only when absent
    _, entry = await client.kv.get("lock")
    assert await client.kv.put("lock", "c", cas=entry["ModifyIndex"] + 1) is False
    assert await client.kv.put("lock", "c", cas=entry["ModifyIndex"]) is True
    assert double.kv_get("lock") == b"c"
    _, entry = await client.kv.get("lock")
    assert await client.kv.delete("lock", cas=entry["ModifyIndex"] - 1) is False
    assert await client.kv.delete("lock", cas=entry["ModifyIndex"]) is True
    assert await client.kv.delete("lock", cas=5) is True  # nothing left to delete
    assert double.kv_get("lock") is None


async def test_blocking_get_returns_on_put_and_times_out_with_same_index(
    double: ConsulDouble, client: consul.aio.Consul
) -> None:
    await client.kv.put(PREFIX + "log_level", "INFO")
    index, _ = await client.kv.get(PREFIX + "log_level")

    started = time.monotonic()
    same_index, entry = await client.kv.get(PREFIX + "log_level", index=index, wait="500ms")
    elapsed = time.monotonic() - started
    assert same_index == index and entry["Value"] == b"INFO"
    assert 0.5 <= elapsed <= 0.5 + 0.5 / 16 + 0.3

    watch = asyncio.create_task(client.kv.get(PREFIX + "log_level", index=index, wait="5s"))
    await asyncio.sleep(0.1)
    await client.kv.put("unrelated", "x")  # another key: this key's index does not move
    await asyncio.sleep(0.1)
    assert not watch.done()
    new_index = double.kv_put(PREFIX + "log_level", "DEBUG")
    got_index, entry = await asyncio.wait_for(watch, 1.0)
    assert int(got_index) == new_index > int(index)
    assert entry["Value"] == b"DEBUG"


async def test_deleting_a_key_wakes_a_recurse_watcher(
    double: ConsulDouble, client: consul.aio.Consul
) -> None:
    await client.kv.put(PREFIX + "a", "1")
    await client.kv.put(PREFIX + "b", "2")
    index, entries = await client.kv.get(PREFIX, recurse=True)
    assert len(entries) == 2
    watch = asyncio.create_task(client.kv.get(PREFIX, recurse=True, index=index, wait="5s"))
    await asyncio.sleep(0.1)
    await client.kv.delete(PREFIX + "b")
    new_index, entries = await asyncio.wait_for(watch, 1.0)
    assert int(new_index) > int(index)
    assert [e["Key"] for e in entries] == [PREFIX + "a"]

    watch = asyncio.create_task(client.kv.get(PREFIX, recurse=True, index=new_index, wait="5s"))
    await asyncio.sleep(0.1)
    double.kv_delete(PREFIX, recurse=True)
    last_index, entries = await asyncio.wait_for(watch, 1.0)
    assert int(last_index) > int(new_index) and entries is None  # 404: the prefix is empty now


async def test_index_is_never_zero_and_only_grows(http: aiohttp.ClientSession) -> None:
    seen = []
    for path in ("/v1/kv/nothing", "/v1/catalog/services", "/v1/health/service/none", "/v1/catalog/nodes"):
        async with http.get(path) as resp:
            seen.append(int(resp.headers["X-Consul-Index"]))
    assert all(index >= 1 for index in seen)
    async with http.get("/v1/kv/nothing", params={"index": "0", "wait": "1s"}) as resp:
        assert int(resp.headers["X-Consul-Index"]) >= 1  # index 0 never blocks
    indexes = []
    for n in range(5):
        async with http.put(f"/v1/kv/k{n % 2}", data=str(n)) as resp:
            assert resp.status == 200
        async with http.get(f"/v1/kv/k{n % 2}") as resp:
            indexes.append(int(resp.headers["X-Consul-Index"]))
    assert indexes == sorted(indexes) and len(set(indexes)) == 5


@pytest.mark.parametrize(
    ("method", "path", "params", "status"),
    [
        ("GET", "/v1/kv/", {}, 400),  # Missing key name
        ("PUT", "/v1/kv/", {}, 400),
        ("DELETE", "/v1/kv/", {}, 400),
        ("PUT", "/v1/kv/k", {"cas": "1", "acquire": "s"}, 400),  # conflicting flags
        ("DELETE", "/v1/kv/k", {"cas": "1", "recurse": ""}, 400),
        ("GET", "/v1/kv/k", {"index": "abc"}, 400),
        ("GET", "/v1/kv/k", {"wait": "5"}, 400),
        ("GET", "/v1/kv/k", {"dc": "dc9"}, 500),
        ("POST", "/v1/kv/k", {}, 405),
    ],
)
async def test_bad_kv_requests(
    http: aiohttp.ClientSession, method: str, path: str, params: dict[str, str], status: int
) -> None:
    async with http.request(method, path, params=params) as resp:
        assert resp.status == status
