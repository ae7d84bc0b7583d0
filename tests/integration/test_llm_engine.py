"""The LLM engine end to end: a started instance, an orchestrator stand-in on loopback in every mood.

Healthy → ``engine: llm`` answers with the orchestrator's segmentation, validated into an ALT document.
Garbage, 500 or a timeout → 200 from the rules engine with ``fallback_reason``, within the timeout plus a
little. ``fail_max`` failures open the breaker, after which nothing reaches the orchestrator until the
reset period; a successful trial closes it. The answer contract is also checked piece by piece.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from segsvc.config.loader import Layer
from segsvc.config.settings import LlmSettings
from segsvc.engines.llm import Ask, parse_answer
from segsvc.models.alt import AltDocument
from tests.support.peers import Orchestrator, closed_port

COMMAND = "Find the quarterly numbers"
LOW_CONFIDENCE = "blorp the zzyzx"  # the rules engine scores it 0.5
HIGH_CONFIDENCE = "Open Firefox and go to wikipedia.org"  # 0.95
TIMEOUT = 0.5
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture
async def orchestrator() -> Any:
    stand_in = await Orchestrator().start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def instance(start_runtime: Callable[..., Any], orchestrator: Orchestrator) -> Callable[..., Any]:
    async def make(url: str | None = None, **env: str) -> Any:
        settings = {"SEGSVC_PEERS__AI_ORCHESTRATOR__URL": url or orchestrator.url,
                    "SEGSVC_PEERS__AI_ORCHESTRATOR__TIMEOUT": str(TIMEOUT),
                    "SEGSVC_BREAKERS__AI_ORCHESTRATOR__FAIL_MAX": "3",
                    "SEGSVC_BREAKERS__AI_ORCHESTRATOR__RESET_TIMEOUT": "1",
                    "SEGSVC_PEERS__AI_ORCHESTRATOR__BACKOFF_BASE": "0.01", **env}
        return await start_runtime(**settings)

    return make


async def call(runtime: Any, method: str, path: str, body: Any = None,
               headers: dict[str, str] | None = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, f"http://127.0.0.1:{runtime.http_port}{path}", json=body,
                                   headers=headers or {}) as resp:
            if resp.content_type == "application/json" or resp.content_type.endswith("+json"):
                return resp.status, await resp.json()
            return resp.status, await resp.text()


async def segment(runtime: Any, command: str = COMMAND, **fields: Any) -> dict[str, Any]:
    status, doc = await call(runtime, "POST", "/api/v1/segment", {"command": command, **fields})
    assert status == 200, doc
    AltDocument.model_validate(doc)
    return dict(doc)


async def test_healthy_orchestrator_answers_engine_llm(instance: Any, orchestrator: Orchestrator) -> None:
    runtime = await instance()
    status, doc = await call(runtime, "POST", "/api/v1/segment", {"command": COMMAND, "engine": "llm"},
                             headers={"traceparent": TRACEPARENT, "X-Request-ID": "req-llm-1"})
    assert status == 200
    AltDocument.model_validate(doc)
    meta = doc["metadata"]
    assert meta["engine"] == "llm:alt-las-segmenter" and meta["model"] == "alt-las-segmenter"
    assert "fallback_reason" not in meta
    assert [s["content"] for s in doc["segments"]] == [f"llm step one of: {COMMAND}", "llm step two"]
    assert [s["task_type"] for s in doc["segments"]] == ["search", "summarize"]
    assert doc["segments"][1]["dependencies"] == ["s1"] and doc["segments"][1]["execution_order"] == 2
    assert doc["segments"][0]["parameters"] == [{"name": "query", "value": COMMAND, "type": "string",
                                                 "required": True, "description": "query"}]
    (chat,) = orchestrator.chats
    body = chat.body
    assert body["model"] == "alt-las-segmenter" and body["response_format"] == {"type": "json_object"}
    assert body["temperature"] == 0.0 and body["max_tokens"] == 1024
    system = body["messages"][0]
    assert system["role"] == "system" and "summarize" in system["content"] and "depends_on" in system["content"]
    assert body["messages"][-1] == {"role": "user", "content": COMMAND}
    # W3C trace context and the request id travel to the peer
    assert chat.headers["traceparent"].split("-")[1] == "0af7651916cd43dd8448eb211c80319c"
    assert chat.headers["X-Request-ID"] == "req-llm-1"


async def test_turkish_command_gets_the_turkish_prompt(instance: Any, orchestrator: Orchestrator) -> None:
    runtime = await instance()
    orchestrator.answer = lambda command: {"language": "tr", "segments": [
        {"content": command, "task_type": "summarize", "parameters": {}, "depends_on": []}]}
    doc = await segment(runtime, "Toplantı notlarını özetle", engine="llm")
    assert doc["language"] == "tr" and doc["metadata"]["engine"].startswith("llm:")
    assert "Kurallar" in orchestrator.chats[0].body["messages"][0]["content"]


@pytest.mark.parametrize("mode,reason", [("garbage", "invalid_answer"), ("garbage_content", "invalid_answer"),
                                         ("fail500", "http_5xx"), ("slow", "timeout")])
async def test_failures_fall_back_to_rules_within_the_timeout(instance: Any, orchestrator: Orchestrator,
                                                              mode: str, reason: str) -> None:
    runtime = await instance()
    orchestrator.mode, orchestrator.delay = mode, (TIMEOUT * 1.6 if mode == "slow" else 0.0)
    started = time.monotonic()
    doc = await segment(runtime, HIGH_CONFIDENCE, engine="llm")
    elapsed = time.monotonic() - started
    meta = doc["metadata"]
    assert meta["engine"] == "rules" and meta["fallback_reason"].startswith(f"{reason}: ")
    assert [s["content"] for s in doc["segments"]] == ["Open Firefox", "go to wikipedia.org"]
    assert elapsed < TIMEOUT + 0.4, elapsed
    assert len(orchestrator.chats) == 1  # none of these is worth repeating


async def test_breaker_opens_after_fail_max_and_a_successful_trial_closes_it(instance: Any,
                                                                             orchestrator: Orchestrator) -> None:
    runtime = await instance()
    orchestrator.mode = "fail500"
    for _ in range(3):
        doc = await segment(runtime, engine="llm")
        assert doc["metadata"]["fallback_reason"].startswith("http_5xx")
    assert len(orchestrator.chats) == 3
    for _ in range(5):
        doc = await segment(runtime, engine="llm")
        assert doc["metadata"]["fallback_reason"].startswith("breaker_open: ")
    assert len(orchestrator.chats) == 3  # nothing reached the orchestrator while open
    _, ready = await call(runtime, "GET", "/health/ready")
    assert ready["status"] == "degraded" and ready["ready"] is True
    assert ready["checks"]["peer:ai_orchestrator"]["status"] == "degraded"
    assert "open" in ready["checks"]["peer:ai_orchestrator"]["detail"]
    _, peers = await call(runtime, "GET", "/api/v1/admin/peers")
    breaker = peers["peers"]["ai_orchestrator"]["breaker"]
    assert breaker["state"] == "open" and breaker["fail_max"] == 3 and breaker["last_failure"].startswith("http_5xx")
    _, metrics = await call(runtime, "GET", "/metrics")
    assert 'segsvc_peer_breaker_state{peer="ai_orchestrator"} 2.0' in metrics
    assert re.search(r'segsvc_peer_requests_total\{outcome="breaker_open",peer="ai_orchestrator"\} 5\.0', metrics)
    assert re.search(r'segsvc_engine_fallbacks_total\{reason="breaker_open"\} 5\.0', metrics)

    orchestrator.mode = "healthy"
    await asyncio.sleep(1.05)
    doc = await segment(runtime, engine="llm")
    assert doc["metadata"]["engine"] == "llm:alt-las-segmenter"
    assert len(orchestrator.chats) == 4
    _, peers = await call(runtime, "GET", "/api/v1/admin/peers")
    assert peers["peers"]["ai_orchestrator"]["breaker"]["state"] == "closed"
    _, ready = await call(runtime, "GET", "/health/ready")
    assert ready["checks"]["peer:ai_orchestrator"]["status"] == "ok"
    _, metrics = await call(runtime, "GET", "/metrics")
    assert 'segsvc_peer_breaker_state{peer="ai_orchestrator"} 0.0' in metrics


async def test_failed_trial_keeps_it_open(instance: Any, orchestrator: Orchestrator) -> None:
    runtime = await instance()
    orchestrator.mode = "fail503"  # repeated by the retry policy: each attempt counts
    doc = await segment(runtime, engine="llm")
    assert doc["metadata"]["fallback_reason"].startswith("http_503")
    assert len(orchestrator.chats) == 3  # max_tries attempts, which also reach fail_max
    await asyncio.sleep(1.05)
    doc = await segment(runtime, engine="llm")  # the trial fails (and is not repeated into an open breaker)
    assert len(orchestrator.chats) == 4
    doc = await segment(runtime, engine="llm")
    assert doc["metadata"]["fallback_reason"].startswith("breaker_open")
    assert len(orchestrator.chats) == 4


@pytest.mark.parametrize("down", ["refusing", "failing"])
async def test_a_thousand_requests_with_the_orchestrator_down(instance: Any, orchestrator: Orchestrator,
                                                              down: str) -> None:
    """Zero 5xx, and once the breaker is open no call reaches the orchestrator (latency: benchmarks/run.py)."""
    if down == "refusing":
        runtime = await instance(url=await closed_port(), SEGSVC_BREAKERS__AI_ORCHESTRATOR__RESET_TIMEOUT="60")
    else:
        orchestrator.mode = "fail500"
        runtime = await instance(SEGSVC_BREAKERS__AI_ORCHESTRATOR__RESET_TIMEOUT="60")
    statuses: list[int] = []
    reasons: set[str] = set()

    async def attempts() -> float:
        _, text = await call(runtime, "GET", "/metrics")
        return sum(float(v) for v in re.findall(
            r'segsvc_peer_requests_total\{outcome="(?!breaker_open)[a-z_0-9]+",peer="ai_orchestrator"\} (\S+)', text))

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=50)) as session:
        async def one(i: int) -> None:
            async with session.post(f"http://127.0.0.1:{runtime.http_port}/api/v1/segment",
                                    json={"command": f"{COMMAND} {i}", "engine": "llm"}) as resp:
                statuses.append(resp.status)
                body = await resp.json()
                reasons.add(body["metadata"]["fallback_reason"].split(":")[0])

        await asyncio.gather(*(one(i) for i in range(200)))
        reached_after_200, chats_after_200 = await attempts(), len(orchestrator.chats)
        await asyncio.gather(*(one(i) for i in range(200, 1000)))
    assert len(statuses) == 1000 and set(statuses) == {200}
    assert "breaker_open" in reasons
    assert await attempts() == reached_after_200  # calls stopped reaching the peer
    assert len(orchestrator.chats) == chats_after_200
    assert reached_after_200 <= 3 + 50 * 3  # fail_max, plus what was already in flight when it opened


async def test_auto_asks_the_llm_only_below_the_confidence_threshold(instance: Any,
                                                                     orchestrator: Orchestrator) -> None:
    runtime = await instance()
    doc = await segment(runtime, HIGH_CONFIDENCE, engine="auto")
    assert doc["metadata"]["engine"] == "rules" and "fallback_reason" not in doc["metadata"]
    assert orchestrator.chats == []
    doc = await segment(runtime, LOW_CONFIDENCE)  # engine.default is auto
    assert doc["metadata"]["engine"] == "llm:alt-las-segmenter" and doc["metadata"]["rules_confidence"] == 0.5
    assert len(orchestrator.chats) == 1
    orchestrator.mode = "fail500"
    doc = await segment(runtime, "blorp the zzyzx again", engine="auto")
    assert doc["metadata"]["engine"] == "rules" and doc["metadata"]["fallback_reason"].startswith("http_5xx")
    doc = await segment(runtime, LOW_CONFIDENCE, engine="rules")
    assert doc["metadata"]["engine"] == "rules" and len(orchestrator.chats) == 2


async def test_auto_without_an_orchestrator_is_plain_rules(start_runtime: Callable[..., Any]) -> None:
    runtime = await start_runtime()
    doc = await segment(runtime, LOW_CONFIDENCE)
    assert doc["metadata"]["engine"] == "rules" and "fallback_reason" not in doc["metadata"]
    doc = await segment(runtime, LOW_CONFIDENCE, engine="llm")
    assert doc["metadata"]["fallback_reason"].startswith("not_configured: ")
    _, info = await call(runtime, "GET", "/api/v1/info")
    assert info["engines"]["available"] == ["rules"]


async def test_answers_are_cached_by_command_model_mode_and_persona(instance: Any,
                                                                   orchestrator: Orchestrator) -> None:
    runtime = await instance(SEGSVC_ENGINE__LLM__ALLOWED_MODELS="big-model")
    first = await segment(runtime, engine="llm")
    second = await segment(runtime, engine="llm")
    assert first["metadata"]["llm_cache"] == "miss" and second["metadata"]["llm_cache"] == "hit"
    assert [s["content"] for s in first["segments"]] == [s["content"] for s in second["segments"]]
    assert len(orchestrator.chats) == 1
    await segment(runtime, engine="llm", persona="formal")
    await segment(runtime, engine="llm", mode="Dream")
    await segment(runtime, engine="llm", model="big-model")
    assert len(orchestrator.chats) == 4
    assert orchestrator.chats[-1].body["model"] == "big-model"
    doc = await segment(runtime, engine="llm", model="big-model")
    assert doc["metadata"]["engine"] == "llm:big-model" and len(orchestrator.chats) == 4


async def test_model_selection_and_info(instance: Any, orchestrator: Orchestrator) -> None:
    runtime = await instance(SEGSVC_ENGINE__LLM__ALLOWED_MODELS="big-model", SEGSVC_ENGINE__LLM__TEMPERATURE="0.3",
                             SEGSVC_ENGINE__LLM__MAX_TOKENS="300")
    status, problem = await call(runtime, "POST", "/api/v1/segment",
                                 {"command": COMMAND, "engine": "llm", "model": "not-allowed"})
    assert status == 422 and problem["errors"][0]["field"] == "model"
    await segment(runtime, engine="llm", model="big-model")
    assert orchestrator.chats[0].body["model"] == "big-model"
    assert orchestrator.chats[0].body["temperature"] == 0.3 and orchestrator.chats[0].body["max_tokens"] == 300
    _, info = await call(runtime, "GET", "/api/v1/info")
    assert info["engines"]["available"] == ["rules", "llm"]
    assert info["models"]["default"] == "alt-las-segmenter" and info["models"]["allowed"] == ["big-model"]
    for _ in range(50):  # the model list is fetched in the background and cached
        _, info = await call(runtime, "GET", "/api/v1/info")
        if info["models"]["available"]:
            break
        await asyncio.sleep(0.02)
    assert info["models"]["available"] == ["alt-las-segmenter", "big-model"]
    calls = len(orchestrator.calls("/v1/models"))
    await call(runtime, "GET", "/api/v1/info")
    assert len(orchestrator.calls("/v1/models")) == calls == 1  # cached for engine.llm.models_ttl


async def test_breaker_settings_reload_live(instance: Any, orchestrator: Orchestrator) -> None:
    runtime = await instance()
    orchestrator.mode = "fail500"
    store = runtime.config
    store.replace(store.snapshot.with_layer(Layer("consul-kv", {"breakers.ai_orchestrator.fail_max": 1,
                                                                "breakers.ai_orchestrator.reset_timeout": "20s"})))
    await segment(runtime, engine="llm")
    doc = await segment(runtime, engine="llm")
    assert doc["metadata"]["fallback_reason"].startswith("breaker_open")
    assert len(orchestrator.chats) == 1
    _, peers = await call(runtime, "GET", "/api/v1/admin/peers")
    assert peers["peers"]["ai_orchestrator"]["breaker"]["reset_timeout"] == 20.0


# -- the answer contract, piece by piece -----------------------------------------------------------------------

ASK = Ask("do things", "m", "auto", "en", "Normal", "technical", None)


def answer(*segments: dict[str, Any], language: str = "en") -> str:
    import json
    return json.dumps({"language": language, "segments": list(segments)})


def seg(content: str = "x", task_type: str = "search", parameters: Any = None, depends_on: Any = None) -> dict:
    out: dict[str, Any] = {"content": content, "task_type": task_type}
    if parameters is not None:
        out["parameters"] = parameters
    if depends_on is not None:
        out["depends_on"] = depends_on
    return out


def test_valid_answer_becomes_a_segmentation() -> None:
    result = parse_answer("```json\n" + answer(seg("run the tests", "execute", {"target": "tests", "n": 3}),
                                               seg("send it", "communicate", {"flag": True}, [0])) + "\n```",
                          ASK, LlmSettings())
    assert result.language == "en" and result.confidence == 0.9
    first, second = result.segments
    assert first.priority == 6  # the technical persona favours execute, as in the rules engine
    assert [(p.name, p.type, p.required) for p in first.parameters] == [("target", "string", True),
                                                                         ("n", "number", False)]
    assert second.dependencies == (0,) and second.execution_order == 2
    assert second.parameters[0].type == "boolean"


@pytest.mark.parametrize("content,message", [
    ("not json", "not JSON"),
    ("[1, 2]", "not a JSON object"),
    (answer(seg(), language="de"), "language"),
    ('{"language": "en", "segments": []}', "non-empty list"),
    (answer(seg(content="  ")), "content"),
    (answer(seg(task_type="dance")), "task_type"),
    (answer(seg(parameters=["a"])), "parameters"),
    (answer(seg(depends_on=[0])), "depends_on"),
    (answer(seg(), seg(depends_on=[5])), "depends_on"),
    (answer(seg(depends_on=[1]), seg(depends_on=[0])), "cycle"),
    (answer(seg(depends_on=["0"])), "depends_on"),
    (answer(*[seg() for _ in range(51)]), "at most 50"),
])
def test_off_contract_answers_are_refused(content: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_answer(content, ASK, LlmSettings())


def test_forced_language_and_chaos_level_come_from_the_request() -> None:
    ask = Ask("x", "m", "tr", "tr", "Chaos", "default", None)
    result = parse_answer(answer(seg()), ask, LlmSettings())
    assert result.language == "tr" and result.chaos_level == 5



async def test_sampling_per_mode(instance: Any, orchestrator: Orchestrator) -> None:
    runtime = await instance(SEGSVC_ENGINE__LLM__MODES='{"Dream": {"temperature": 0.9, "max_tokens": 200}, '
                                                      '"Chaos": {"temperature": 1.2}}')
    for mode in ("Normal", "Dream", "Chaos"):
        await segment(runtime, engine="llm", mode=mode)
    assert [(c.body["temperature"], c.body["max_tokens"]) for c in orchestrator.chats] == [
        (0.0, 1024), (0.9, 200), (1.2, 1024)]
