"""The HTTP API over aiohttp's test server: contracts, errors as problems, limits, health, metrics."""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import urljoin

import pytest

from segsvc.models.alt import AltDocument, RunnerDocument

PROBLEM = "application/problem+json"


async def post(client: Any, path: str, body: Any, **kwargs: Any) -> Any:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
    return await client.post(path, data=data, headers=headers, **kwargs)


async def assert_problem(resp: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert resp.status == status, await resp.text()
    assert resp.content_type == PROBLEM
    body = await resp.json(content_type=None)
    for key in ("type", "title", "status", "detail", "instance", "code", "request_id"):
        assert key in body, key
    assert body["status"] == status
    assert body["request_id"] == resp.headers["X-Request-ID"]
    if code:
        assert body["code"] == code
    return body


async def test_segment_returns_valid_alt_document(client: Any) -> None:
    resp = await post(client, "/api/v1/segment", {"command": "Open Firefox and go to wikipedia.org"})
    assert resp.status == 200
    doc = await resp.json()
    AltDocument.model_validate(doc)
    assert [s["content"] for s in doc["segments"]] == ["Open Firefox", "go to wikipedia.org"]
    assert doc["language"] == "en" and doc["version"] == "1.0" and doc["chaos_level"] is None
    assert doc["metadata"]["engine"] == "rules"
    assert doc["metadata"]["instance_id"].startswith("segmentation-service-")
    assert resp.headers["X-Request-ID"]


async def test_request_id_is_echoed(client: Any) -> None:
    resp = await post(client, "/api/v1/segment", {"command": "Takvimi aç"}, headers={"X-Request-ID": "abc-123"})
    assert resp.status == 200 and resp.headers["X-Request-ID"] == "abc-123"
    bad = await client.get("/api/v1/info", headers={"X-Request-ID": "bad id with spaces\u00e7"})
    assert bad.headers["X-Request-ID"] != "bad id with spaces\u00e7"


async def test_runner_format(client: Any) -> None:
    resp = await post(client, "/api/v1/segment", {"command": "Summarize the meeting transcript and translate the "
                                                             "summary into Turkish", "format": "runner"})
    doc = await resp.json()
    RunnerDocument.model_validate(doc)
    assert doc["mode"] == "normal"
    assert doc["tasks"][1]["dependencies"] == [doc["tasks"][0]["id"]]
    assert all(isinstance(t["parameters"], dict) for t in doc["tasks"])


async def test_same_request_twice_same_segments(client: Any) -> None:
    body = {"command": "Önce fotoğraflarımı yedekle, ardından SD kartı biçimlendir ve son olarak çıkar"}
    first = await (await post(client, "/api/v1/segment", body)).json()
    second = await (await post(client, "/api/v1/segment", body)).json()
    assert first["id"] != second["id"]
    assert first["segments"] == [
        {**s, "metadata": {**s["metadata"]}} for s in second["segments"]]


async def test_chaos_is_reproducible_with_seed(client: Any) -> None:
    body = {"command": "Dim the screen; mute the laptop; then start the presentation", "mode": "Chaos",
            "chaos_level": 9, "seed": 42}
    a = await (await post(client, "/api/v1/segment", body)).json()
    b = await (await post(client, "/api/v1/segment", body)).json()
    assert a["segments"] == b["segments"] and a["chaos_level"] == 9 and a["mode"] == "Chaos"
    default_level = await (await post(client, "/api/v1/segment", {**body, "chaos_level": None})).json()
    assert default_level["chaos_level"] == 5


async def test_forced_language(client: Any) -> None:
    doc = await (await post(client, "/api/v1/segment", {"command": "Takvimi aç", "language": "en"})).json()
    assert doc["language"] == "en"


async def test_malformed_json_is_400(client: Any) -> None:
    await assert_problem(await post(client, "/api/v1/segment", b'{"command": '), 400, "malformed_json")
    await assert_problem(await post(client, "/api/v1/segment", b""), 400, "malformed_json")
    await assert_problem(await post(client, "/api/v1/segment", b"\xff\xfe"), 400, "malformed_json")


@pytest.mark.parametrize("body, field", [
    ({"command": 123}, "command"),
    ({"command": "Open it", "mode": "Weird"}, "mode"),
    ({"command": "Open it", "language": "de"}, "language"),
    ({"command": "Open it", "format": "xml"}, "format"),
    ({"command": "Open it", "persona": "pirate"}, "persona"),
    ({"command": "Open it", "chaos_level": 3}, "chaos_level"),
    ({"command": "Open it", "mode": "Chaos", "chaos_level": 11}, "chaos_level"),
    ({"command": "Open it", "seed": "7"}, "seed"),
    ({"command": "Open it", "engine": "magic"}, "engine"),
    ({"command": "Open it", "model": "not-allowed"}, "model"),
    ({"command": "Open it", "surprise": 1}, "surprise"),
    ({}, "command"),
    ({"command": ""}, "command"),
    ({"command": "   \n\t"}, "command"),
])
async def test_invalid_fields_are_422_naming_the_field(client: Any, body: dict[str, Any], field: str) -> None:
    problem = await assert_problem(await post(client, "/api/v1/segment", body), 422, "validation_failed")
    assert field in [e["field"] for e in problem["errors"]], problem


async def test_non_object_body_is_422(client: Any) -> None:
    problem = await assert_problem(await post(client, "/api/v1/segment", [1, 2]), 422)
    assert problem["errors"][0]["field"] == "body"


async def test_command_over_limit_is_422(aiohttp_client: Any, make_runtime: Any) -> None:
    client = await aiohttp_client(make_runtime(SEGSVC_LIMITS__MAX_COMMAND_CHARS="40").app)
    ok = await post(client, "/api/v1/segment", {"command": "x" * 40})
    assert ok.status == 200
    problem = await assert_problem(await post(client, "/api/v1/segment", {"command": "x" * 41}), 422)
    assert problem["errors"][0]["field"] == "command"


async def test_body_over_limit_is_413(aiohttp_client: Any, make_runtime: Any) -> None:
    client = await aiohttp_client(make_runtime(SEGSVC_LIMITS__MAX_BODY_BYTES="1024").app)
    big = json.dumps({"command": "open " * 300})
    await assert_problem(await post(client, "/api/v1/segment", big), 413, "payload_too_large")

    async def chunks() -> Any:  # no Content-Length: the limit still holds while streaming
        for _ in range(20):
            yield b" " * 100

    resp = await client.post("/api/v1/segment", data=chunks(), headers={"Content-Type": "application/json"})
    await assert_problem(resp, 413, "payload_too_large")


async def test_wrong_media_type_is_415(client: Any) -> None:
    resp = await client.post("/api/v1/segment", data="command=x", headers={"Content-Type": "text/plain"})
    await assert_problem(resp, 415, "unsupported_media_type")


async def test_unknown_route_404_and_wrong_method_405(client: Any) -> None:
    await assert_problem(await client.get("/api/v1/nothing-here"), 404, "not_found")
    resp = await client.get("/api/v1/segment")
    problem = await assert_problem(resp, 405, "method_not_allowed")
    assert "POST" in resp.headers["Allow"] and "POST" in problem["detail"]


async def test_batch_mixes_documents_and_problems(client: Any) -> None:
    resp = await post(client, "/api/v1/segment/batch", {"items": [
        {"command": "Open the mail app"}, {"command": ""}, {"command": "Takvimi aç", "format": "runner"}]})
    assert resp.status == 200
    results = (await resp.json())["results"]
    AltDocument.model_validate(results[0])
    assert results[1]["status"] == 422 and results[1]["index"] == 1
    assert results[1]["errors"][0]["field"] == "items.1.command"
    RunnerDocument.model_validate(results[2])


async def test_batch_limits(aiohttp_client: Any, make_runtime: Any) -> None:
    client = await aiohttp_client(make_runtime(SEGSVC_LIMITS__MAX_BATCH="2").app)
    items = [{"command": "Open the mail app"}] * 3
    problem = await assert_problem(await post(client, "/api/v1/segment/batch", {"items": items}), 422)
    assert problem["errors"][0]["field"] == "items"
    await assert_problem(await post(client, "/api/v1/segment/batch", {"items": []}), 422)
    await assert_problem(await post(client, "/api/v1/segment/batch", {"items": "x"}), 422)


async def test_info(client: Any) -> None:
    info = await (await client.get("/api/v1/info")).json()
    assert info["name"] == "segmentation-service"
    assert set(info["languages"]) == {"en", "tr"}
    assert len(info["task_types"]) == 10 and "Chaos" in info["modes"] and "default" in info["personas"]


async def test_admin_config_shows_sources_and_redacts_secrets(aiohttp_client: Any, make_runtime: Any) -> None:
    runtime = make_runtime(SEGSVC_SECURITY__JWT__SECRET="s3cr3t-value", SEGSVC_LIMITS__MAX_BATCH="7")
    client = await aiohttp_client(runtime.app)
    resp = await client.get("/api/v1/admin/config")
    text = await resp.text()
    assert "s3cr3t-value" not in text
    body = json.loads(text)
    assert body["keys"]["limits.max_batch"] == {"value": 7, "source": "env", "dynamic": True}
    assert body["keys"]["http.port"]["source"] == "default"
    assert body["keys"]["log_level"]["source"] == "file:config/test.yaml"
    assert body["keys"]["security.jwt.secret"]["value"] == "**********"
    assert body["kv_index"] is None and body["profile"] == "test"


async def test_health(client: Any) -> None:
    live = await client.get("/health/live")
    assert live.status == 200 and (await live.json())["status"] == "alive"
    ready = await client.get("/health/ready")
    body = await ready.json()
    assert ready.status == 200 and body["ready"] is True and body["checks"]["engine"]["status"] == "ok"
    client.server.app[__import__("segsvc.transports.http.keys", fromlist=["HEALTH"]).HEALTH].draining = True
    draining = await client.get("/health/ready")
    assert draining.status == 503 and (await draining.json())["status"] == "draining"


async def test_metrics_exposition(client: Any) -> None:
    await post(client, "/api/v1/segment", {"command": "Open the mail app"})
    await post(client, "/api/v1/segment", {"command": "Takvimi aç ve notlar.md dosyasını sil"})
    await client.get("/no/such/path")
    resp = await client.get("/metrics")
    assert resp.status == 200 and resp.content_type == "text/plain"
    text = await resp.text()
    assert 'segsvc_http_requests_total{method="POST",route="/api/v1/segment",status="200"} 2.0' in text
    assert 'segsvc_http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in text
    assert 'segsvc_segmentation_duration_seconds_count{engine="rules",language="en"} 1.0' in text
    assert 'segsvc_segmentation_duration_seconds_count{engine="rules",language="tr"} 1.0' in text
    assert 'segsvc_segments_per_command_bucket{language="tr",le="2.0"} 1.0' in text
    assert "segsvc_http_request_duration_seconds_bucket" in text


async def test_openapi_lists_every_route(client: Any) -> None:
    spec = await (await client.get("/api/v1/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    routes = {(r.method.lower(), r.resource.canonical) for r in client.server.app.router.routes()}
    documented = {(m, p) for p, item in spec["paths"].items() for m in item}
    assert routes == documented
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert any(code.startswith("2") for code in op["responses"]), (method, path)
            if method == "post" and "requestBody" in op:
                assert {"400", "413", "415", "422"} <= set(op["responses"]), (method, path)
    docs = await client.get("/docs")
    page = await docs.text()
    assert docs.status == 200
    # The page finds the spec relative to itself, so it also works behind a gateway that adds a path prefix.
    fetched = re.findall(r"fetch\('([^']+)'\)", page)
    assert fetched and {urljoin("https://gw.example/seg/docs", url) for url in fetched} == {
        "https://gw.example/seg/api/v1/openapi.json"}
    assert (await client.get(urljoin("/docs", fetched[0]))).status == 200


async def test_logs_are_json_with_ids_and_no_command_text(client: Any, caplog: Any) -> None:
    from segsvc.observability.logging import JsonFormatter, install_context_ids

    install_context_ids()
    formatter = JsonFormatter("segmentation-service", "i-1")
    caplog.set_level(logging.INFO)
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    secret_command = "Send the password hunter2 to Ayşe"
    resp = await post(client, "/api/v1/segment", {"command": secret_command},
                      headers={"X-Request-ID": "rid-42", "traceparent": traceparent})
    assert resp.status == 200
    lines = [json.loads(formatter.format(r)) for r in caplog.records if r.name == "segsvc.access"]
    assert lines and lines[-1]["request_id"] == "rid-42"
    assert lines[-1]["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert lines[-1]["route"] == "/api/v1/segment" and lines[-1]["status"] == 200
    assert all("hunter2" not in formatter.format(r) for r in caplog.records)


SHARED = __import__("tests.conftest", fromlist=["load_cases"]).load_cases("shared_examples.jsonl")


@pytest.mark.parametrize("case", SHARED, ids=[c["id"] for c in SHARED])
async def test_shared_example_over_http(client: Any, case: dict[str, Any]) -> None:
    """Every shared example through the HTTP API: a valid document with the expected segmentation."""
    resp = await post(client, "/api/v1/segment", {"command": case["command"]})
    assert resp.status == 200
    doc = await resp.json()
    AltDocument.model_validate(doc)
    assert doc["language"] == case["lang"]
    got = [s["content"].rstrip(".,;").lower() for s in doc["segments"]]
    assert got == [s["content"].rstrip(".,;").lower() for s in case["segments"]]
    for seg, want in zip(doc["segments"], case["segments"]):
        assert seg["task_type"] in want["task_types"]
    ids = [s["id"] for s in doc["segments"]]
    for index, want in enumerate(case["dependencies"] or []):
        if want is not None:
            assert {ids.index(d) for d in doc["segments"][index]["dependencies"]} >= set(want)
    values = [str(p["value"]) for s in doc["segments"] for p in s["parameters"]]
    for param in case["params"]:
        assert any(param in v for v in values), param


async def test_rules_cache_serves_repeats_and_can_be_turned_off(aiohttp_client: Any, make_runtime: Any) -> None:
    runtime = make_runtime(SEGSVC_ENGINE__RULES_CACHE_SIZE="2")
    client = await aiohttp_client(runtime.app)
    commands = ["Open the mail app", "Takvimi aç", "Check my battery level and remind me to charge the phone at 10 pm"]
    docs = [await (await post(client, "/api/v1/segment", {"command": c})).json() for c in commands + commands[:1]]
    assert docs[0]["segments"] == docs[3]["segments"] and docs[0]["id"] != docs[3]["id"]
    cache = runtime.service._rules_cache
    assert len(cache) == 2                                   # bounded: the oldest entry was evicted
    hits = runtime.metrics.rules_cache.labels("hit")._value.get()
    misses = runtime.metrics.rules_cache.labels("miss")._value.get()
    assert (hits, misses) == (0, 4)                          # "Open the mail app" had been evicted before its repeat
    await post(client, "/api/v1/segment", {"command": "Open the mail app"})
    assert runtime.metrics.rules_cache.labels("hit")._value.get() == 1
    # a different mode, persona or seed is a different answer, never a hit
    chaos = await (await post(client, "/api/v1/segment", {"command": "Open the mail app", "mode": "Chaos",
                                                          "seed": 3})).json()
    assert chaos["mode"] == "Chaos" and runtime.metrics.rules_cache.labels("hit")._value.get() == 1
    off = make_runtime(SEGSVC_ENGINE__RULES_CACHE_SIZE="0")
    off_client = await aiohttp_client(off.app)
    for _ in range(3):
        await post(off_client, "/api/v1/segment", {"command": "Takvimi aç"})
    assert len(off.service._rules_cache) == 0 and off.metrics.rules_cache.labels("hit")._value.get() == 0


async def test_integers_beyond_64_bits_survive_the_response(client: Any) -> None:
    body = {"command": "Open the mail app", "mode": "Chaos", "seed": 2 ** 70, "metadata": {"big": -(2 ** 65)}}
    resp = await post(client, "/api/v1/segment", body)
    assert resp.status == 200
    doc = json.loads(await resp.text())
    assert doc["metadata"]["seed"] == 2 ** 70 and doc["metadata"]["request"] == {"big": -(2 ** 65)}
