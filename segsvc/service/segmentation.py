"""The service layer: one request in, one ALT document out, whatever the transport.

It validates against the live limits, chooses the engine, runs the pure segmentation domain, builds the
document and records metrics. Transports (HTTP, gRPC, job workers) only translate to and from it.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from segsvc import segmentation
from segsvc.archive.records import Outcome
from segsvc.config.store import ConfigStore
from segsvc.engines.llm import Ask, LlmEngine
from segsvc.models.document import build_document, to_runner
from segsvc.models.requests import BatchRequest, SegmentRequest
from segsvc.observability.metrics import Metrics
from segsvc.peers.errors import NotConfigured, PeerError
from segsvc.security.limits import effective_limits
from segsvc.service.errors import InvalidRequest, ServiceError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    name: str
    version: str
    instance_id: str


class SegmentationService:
    def __init__(self, config: ConfigStore, metrics: Metrics, identity: Identity, *, llm: LlmEngine | None = None,
                 archive: Callable[[Outcome], None] | None = None) -> None:
        self.config = config
        self.metrics = metrics
        self.identity = identity
        # Set by the composition root once the peers exist: the LLM engine, and the archive's hand-off,
        # which must return at once (it queues; it never waits for the archive).
        self.llm = llm
        self.archive = archive
        self._rules_cache: OrderedDict[tuple[Any, ...], segmentation.Segmentation] = OrderedDict()

    def parse_request(self, body: Any, *, field_prefix: str = "") -> SegmentRequest:
        """Validate a request body (already decoded JSON) against the live limits of the caller's role."""
        if not isinstance(body, Mapping):
            raise InvalidRequest("the request body must be a JSON object",
                                 errors=[{"field": field_prefix.rstrip(".") or "body",
                                          "message": "must be a JSON object"}])
        limits = effective_limits(self.config.settings)
        try:
            request = SegmentRequest.model_validate(body, context={"max_command_chars": limits.max_command_chars})
        except ValidationError as exc:
            raise InvalidRequest.from_validation(exc, field_prefix) from None
        llm = self.config.settings.engine.llm
        if request.model is not None and request.model not in (llm.model, *llm.allowed_models):
            raise InvalidRequest(f"model {request.model!r} is not allowed",
                                 errors=[{"field": field_prefix + "model",
                                          "message": "not in engine.llm.allowed_models"}])
        return request

    async def segment(self, request: SegmentRequest) -> dict[str, Any]:
        """Segment one validated request into an ALT document (or its runner rendering).

        ``engine`` ``rules`` uses the rules engine only; ``llm`` asks the LLM first; ``auto`` answers with the
        rules engine and asks the LLM only when the rules confidence is below
        ``engine.llm.confidence_threshold``. Whatever the LLM does wrong (fails, times out, answers off
        contract, its breaker is open), the rules engine answers and ``metadata.fallback_reason`` says why.
        """
        started = time.perf_counter()
        settings = self.config.settings
        requested = request.engine or settings.engine.default
        model = request.model or settings.engine.llm.model
        rules: segmentation.Segmentation | None = None
        answer: segmentation.Segmentation | None = None
        failure: PeerError | None = None
        cached = False
        if requested == "llm":
            answer, cached, failure = await self._ask_llm(
                request, model, request.language if request.language != "auto" else None)
        if answer is None:
            rules = self._rules(request, started)
            if (requested == "auto" and rules.confidence < settings.engine.llm.confidence_threshold
                    and self.llm is not None and self.llm.configured):
                answer, cached, failure = await self._ask_llm(request, model, rules.language)
        result = answer if answer is not None else rules
        assert result is not None
        engine = "llm" if answer is not None else "rules"
        elapsed = time.perf_counter() - started
        metadata: dict[str, Any] = {
            "engine": f"llm:{model}" if answer is not None else "rules",
            "processing_time_ms": round(elapsed * 1000, 3),
            "service_version": self.identity.version,
            "instance_id": self.identity.instance_id,
            "requested_engine": requested,
            "language_confidence": round(result.language_confidence, 3),
            "confidence": round(result.confidence, 3),
        }
        if answer is not None:
            metadata["model"] = model
            metadata["llm_cache"] = "hit" if cached else "miss"
            if rules is not None:
                metadata["rules_confidence"] = round(rules.confidence, 3)
        if failure is not None:
            metadata["fallback_reason"] = failure.summary
            self.metrics.engine_fallbacks.labels(failure.outcome).inc()
        if request.seed is not None and request.mode == "Chaos":
            metadata["seed"] = request.seed
        if request.metadata:
            metadata["request"] = request.metadata
        doc = build_document(result, request.command, metadata=metadata)
        m = self.metrics
        m.segmented(engine, result.language, len(result.segments), elapsed)
        if self.archive is not None:  # a non-blocking hand-off; the archive sender does the rest
            self.archive(Outcome(doc, engine, model if answer is not None else None,
                                 failure.summary if failure is not None else None, metadata["processing_time_ms"],
                                 "succeeded", result.language))
        if log.isEnabledFor(logging.DEBUG):
            log.debug("segmented", extra={"command": request.command, "segments": len(result.segments),
                                          "language": result.language, "engine": metadata["engine"]})
        return to_runner(doc) if request.format == "runner" else doc

    def _rules(self, request: SegmentRequest, started: float) -> segmentation.Segmentation:
        """The rules engine's answer, from a bounded LRU cache when the same request came before.

        The engine is deterministic for the same input, and its results are immutable (the document
        builder copies the per-segment metadata), so a repeated command can share one answer.
        """
        key = (request.command, request.language, request.mode, request.persona, request.chaos_level, request.seed)
        cache = self._rules_cache
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            self.metrics.rules_cache.labels("hit").inc()
            return hit
        try:
            result = segmentation.segment_command(
                request.command, language=request.language, mode=request.mode, persona=request.persona,
                chaos_level=request.chaos_level, seed=request.seed)
        except ValueError as exc:  # the domain's own input checks, e.g. an unknown persona
            self.metrics.segmentations.labels("rules", request.language, "invalid").inc()
            if self.archive is not None:
                self.archive(Outcome(None, "rules", None, None, round((time.perf_counter() - started) * 1000, 3),
                                     "failed", None, str(exc)))
            raise InvalidRequest(str(exc), errors=[{"field": "command", "message": str(exc)}]) from None
        size = self.config.settings.engine.rules_cache_size
        if size:
            self.metrics.rules_cache.labels("miss").inc()
            cache[key] = result
            while len(cache) > size:
                cache.popitem(last=False)
        return result

    async def _ask_llm(self, request: SegmentRequest, model: str, prompt_language: str | None,
                       ) -> tuple[segmentation.Segmentation | None, bool, PeerError | None]:
        """(answer, from the cache, failure); exactly one of answer and failure is set."""
        if self.llm is None:
            return None, False, NotConfigured("ai_orchestrator", "no LLM engine in this instance")
        ask = Ask(request.command, model, request.language, prompt_language, request.mode, request.persona,
                  request.chaos_level)
        try:
            answer, cached = await self.llm.segment(ask)
        except PeerError as exc:
            return None, False, exc
        return answer, cached, None

    async def segment_batch(self, body: Any) -> list[dict[str, Any]]:
        """Each item is validated and segmented on its own; a bad item yields a problem, not a failed batch."""
        if not isinstance(body, Mapping):
            raise InvalidRequest("the request body must be a JSON object",
                                 errors=[{"field": "body", "message": "must be a JSON object"}])
        try:
            batch = BatchRequest.model_validate(body, context={"max_batch": self.config.settings.limits.max_batch})
        except ValidationError as exc:
            raise InvalidRequest.from_validation(exc) from None
        results: list[dict[str, Any]] = []
        for index, item in enumerate(batch.items):
            try:
                results.append(await self.segment(self.parse_request(item, field_prefix=f"items.{index}.")))
            except ServiceError as exc:
                results.append(exc.problem(index=index))
        return results

    def info(self) -> dict[str, Any]:
        llm = self.config.settings.engine.llm
        return {
            "name": self.identity.name,
            "version": self.identity.version,
            "instance_id": self.identity.instance_id,
            "api_version": "v1",
            "alt_version": "1.0",
            "languages": list(segmentation.LANGUAGES),
            "task_types": list(segmentation.TASK_TYPES),
            "modes": list(segmentation.MODES),
            "personas": list(segmentation.PERSONAS),
            "engines": {"available": ["rules", "llm"] if self.llm is not None and self.llm.configured else ["rules"],
                        "default": self.config.settings.engine.default},
            "models": {"default": llm.model, "allowed": list(llm.allowed_models),
                       **(self.llm.models.describe() if self.llm is not None else {"available": []})},
            "formats": ["alt", "runner"],
        }

