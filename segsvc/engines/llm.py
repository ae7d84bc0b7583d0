"""The LLM segmentation engine: the AI Orchestrator asked to segment, its answer validated into a ``Segmentation``.

The answer (DESIGN §7) is ``{"language", "segments": [{"content", "task_type", "parameters", "depends_on"}]}``
inside ``choices[0].message.content``. :func:`parse_answer` turns it into the same value objects the rules
engine returns (:mod:`segsvc.segmentation.models`), so the document builder, the runner rendering and the
archive cannot tell the engines apart. Anything off contract (not JSON, an unknown task type, a dependency
out of range or in a cycle, too many segments) raises ValueError, which the outbound client counts as an
invalid answer *inside* the circuit breaker: an orchestrator answering garbage is as unwell as one that
does not answer. The service layer then falls back to the rules engine.

Valid answers are kept in a bounded LRU keyed by (command, model, mode, persona): the same command asked
again costs no inference. The orchestrator's ``GET /v1/models`` is cached too, for ``/api/v1/info``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from segsvc.config.settings import LlmSettings
from segsvc.config.store import ConfigStore
from segsvc.engines.prompts import build_messages
from segsvc.lifecycle import Stage
from segsvc.observability.metrics import Metrics
from segsvc.peers.errors import NotConfigured, PeerError
from segsvc.peers.orchestrator import OrchestratorClient
from segsvc.segmentation.dependencies import execution_order
from segsvc.segmentation.language import detect_language
from segsvc.segmentation.models import LANGUAGES, TASK_TYPES, ParameterDraft, Segmentation, SegmentDraft
from segsvc.segmentation.modes import DEFAULT_PRIORITY, persona_priority

log = logging.getLogger(__name__)
CacheKey = tuple[str, str, str, str]


@dataclass(frozen=True)
class Ask:
    """What the engine needs of a request; the service layer builds it from a ``SegmentRequest``."""

    command: str
    model: str
    language: str  # "auto", "en" or "tr"; the document keeps a forced language
    prompt_language: str | None  # "en" or "tr": which prompt to use; None: detected when the call is made
    mode: str
    persona: str
    chaos_level: int | None


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


def _strip_fences(content: str) -> str:
    """Models asked for JSON sometimes wrap it in a Markdown code fence; the JSON inside is still the answer."""
    text = content.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text.strip()


def _acyclic(deps: list[tuple[int, ...]]) -> bool:
    remaining = [len(d) for d in deps]
    users: list[list[int]] = [[] for _ in deps]
    for i, d in enumerate(deps):
        for j in d:
            users[j].append(i)
    ready = [i for i, n in enumerate(remaining) if n == 0]
    seen = 0
    while ready:
        i = ready.pop()
        seen += 1
        for u in users[i]:
            remaining[u] -= 1
            if remaining[u] == 0:
                ready.append(u)
    return seen == len(deps)


def _parameters(raw: Any, where: str) -> tuple[ParameterDraft, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ValueError(f"{where}.parameters is not an object")
    params = []
    for index, (name, value) in enumerate(raw.items()):
        if not name.strip():
            raise ValueError(f"{where}.parameters has an empty name")
        # The prompt asks for the parameter the task cannot run without first.
        params.append(ParameterDraft(name, value, _json_type(value), index == 0, name.replace("_", " ")))
    return tuple(params)


def _depends_on(raw: Any, index: int, count: int, where: str) -> tuple[int, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError(f"{where}.depends_on is not a list")
    deps = set()
    for dep in raw:
        if isinstance(dep, bool) or not isinstance(dep, int) or not 0 <= dep < count or dep == index:
            raise ValueError(f"{where}.depends_on has {dep!r}: not the index of another segment")
        deps.add(dep)
    return tuple(sorted(deps))


def parse_answer(content: str, ask: Ask, settings: LlmSettings) -> Segmentation:
    """Validate the orchestrator's answer into a ``Segmentation``; ValueError when it is off contract."""
    try:
        answer = json.loads(_strip_fences(content))
    except ValueError:
        raise ValueError("the answer is not JSON") from None
    if not isinstance(answer, dict):
        raise ValueError("the answer is not a JSON object")
    language = answer.get("language")
    if language not in LANGUAGES:
        raise ValueError(f"language is {language!r}, not one of {', '.join(LANGUAGES)}")
    segments = answer.get("segments")
    if not isinstance(segments, list) or not segments:
        raise ValueError("segments is not a non-empty list")
    if len(segments) > settings.max_segments:
        raise ValueError(f"{len(segments)} segments; at most {settings.max_segments} (engine.llm.max_segments)")
    contents, types, params, deps = [], [], [], []
    for index, segment in enumerate(segments):
        where = f"segments[{index}]"
        if not isinstance(segment, dict):
            raise ValueError(f"{where} is not an object")
        content_text = segment.get("content")
        if not isinstance(content_text, str) or not content_text.strip():
            raise ValueError(f"{where}.content is not a non-empty string")
        task_type = segment.get("task_type")
        task_type = task_type.strip().lower() if isinstance(task_type, str) else task_type
        if task_type not in TASK_TYPES:
            raise ValueError(f"{where}.task_type {task_type!r} is not one of the ALT task types")
        contents.append(content_text.strip())
        types.append(task_type)
        params.append(_parameters(segment.get("parameters"), where))
        deps.append(_depends_on(segment.get("depends_on"), index, len(segments), where))
    if not _acyclic(deps):
        raise ValueError("depends_on forms a cycle")
    order = execution_order(deps)
    chaos_level = (ask.chaos_level or 5) if ask.mode == "Chaos" else None
    drafts = tuple(
        SegmentDraft(contents[i], types[i], params[i], deps[i], persona_priority(ask.persona, types[i],
                                                                                   DEFAULT_PRIORITY),
                     order[i], settings.confidence, {"source": "llm"})
        for i in range(len(segments)))
    return Segmentation(language if ask.language == "auto" else ask.language, 1.0, ask.mode, ask.persona,
                        chaos_level, drafts, settings.confidence)


class AnswerCache:
    """A bounded LRU of validated answers with a time to live; size and TTL are read live."""

    def __init__(self, settings: Callable[[], LlmSettings]) -> None:
        self.settings = settings
        self._entries: OrderedDict[CacheKey, tuple[float, Segmentation]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: CacheKey) -> Segmentation | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: CacheKey, value: Segmentation) -> None:
        settings = self.settings()
        if settings.cache_size <= 0:
            self._entries.clear()
            return
        self._entries[key] = (time.monotonic() + settings.cache_ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > settings.cache_size:
            self._entries.popitem(last=False)


class ModelCatalog:
    """The orchestrator's ``GET /v1/models``, refreshed in the background when older than ``models_ttl``."""

    def __init__(self, orchestrator: OrchestratorClient, ttl: Callable[[], float]) -> None:
        self.orchestrator = orchestrator
        self.ttl = ttl
        self.ids: list[str] = []
        self.fetched_at: float | None = None
        self.error: str | None = None
        self._checked = 0.0
        self._task: asyncio.Task[None] | None = None

    def describe(self) -> dict[str, Any]:
        """The cached list (never waits); starts a refresh when it is stale and the orchestrator is known."""
        self.refresh_soon()
        fetched = (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.fetched_at))
                   if self.fetched_at is not None else None)
        return {"available": list(self.ids), "fetched_at": fetched, "error": self.error}

    def refresh_soon(self) -> None:
        if not self.orchestrator.configured or (self._task is not None and not self._task.done()):
            return
        if time.monotonic() - self._checked < self.ttl() and self._checked:
            return
        try:
            self._task = asyncio.get_running_loop().create_task(self.refresh(), name="llm-models")
        except RuntimeError:  # no loop (a synchronous caller outside the service): stay with what we have
            return

    async def refresh(self) -> None:
        self._checked = time.monotonic()
        try:
            self.ids = await self.orchestrator.models()
        except PeerError as exc:
            self.error = exc.summary
            log.info("could not list the orchestrator's models; keeping the last list", extra={"error": exc.detail})
            return
        self.fetched_at, self.error = time.time(), None

    async def aclose(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


class LlmEngine:
    """Segments through the AI Orchestrator; raises :class:`~segsvc.peers.errors.PeerError` on any failure.

    Also a runtime component (stage ``background``) so that a model-list refresh in flight is stopped before
    the peer sessions close. The list is fetched when ``/api/v1/info`` asks for it, not at start-up: a
    background call of our own must not spend the breaker's failure budget before any traffic does.
    """

    name = "llm-engine"
    stage: Stage = "background"

    def __init__(self, config: ConfigStore, orchestrator: OrchestratorClient, metrics: Metrics) -> None:
        self.config = config
        self.orchestrator = orchestrator
        self.metrics = metrics
        self.cache = AnswerCache(lambda: self.config.settings.engine.llm)
        self.models = ModelCatalog(orchestrator, lambda: self.config.settings.engine.llm.models_ttl)

    @property
    def configured(self) -> bool:
        return self.orchestrator.configured

    async def start(self) -> None:
        return None

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        await self.models.aclose()

    async def segment(self, ask: Ask) -> tuple[Segmentation, bool]:
        """(segmentation, answered from the cache)."""
        settings = self.config.settings.engine.llm
        key = (ask.command, ask.model, ask.mode, ask.persona)
        cached = self.cache.get(key)
        if cached is not None:
            self.metrics.llm_cache.labels("hit").inc()
            return _with_request(cached, ask), True
        self.metrics.llm_cache.labels("miss").inc()
        if not self.orchestrator.configured:
            raise NotConfigured("ai_orchestrator", "no AI Orchestrator instance is configured")
        self.orchestrator.check()
        prompt_language = ask.prompt_language or detect_language(ask.command)[0]
        messages = build_messages(ask.command, prompt_language, ask.mode, ask.persona)
        # ask.mode is one of the four modes (validated with the request); the dict is keyed by that Literal.
        sampling = settings.modes.get(ask.mode)  # type: ignore[call-overload]
        temperature = settings.temperature if sampling is None or sampling.temperature is None else \
            sampling.temperature
        max_tokens = settings.max_tokens if sampling is None or sampling.max_tokens is None else sampling.max_tokens
        result = await self.orchestrator.chat(model=ask.model, messages=messages, temperature=temperature,
                                              max_tokens=max_tokens,
                                              parse=lambda content: parse_answer(content, ask, settings))
        self.cache.put(key, result)
        return result, False


def _with_request(cached: Segmentation, ask: Ask) -> Segmentation:
    """A cached answer under this request's forced language and chaos level (the cache key omits them)."""
    language = cached.language if ask.language == "auto" else ask.language
    chaos_level = (ask.chaos_level or 5) if ask.mode == "Chaos" else None
    if language == cached.language and chaos_level == cached.chaos_level:
        return cached
    return Segmentation(language, cached.language_confidence, cached.mode, cached.persona, chaos_level,
                        cached.segments, cached.confidence)
