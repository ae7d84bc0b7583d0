"""The service layer: one request in, one ALT document out, whatever the transport.

It validates against the live limits, chooses the engine, runs the pure segmentation domain, builds the
document and records metrics. Transports (HTTP, gRPC, job workers) only translate to and from it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from segsvc import segmentation
from segsvc.config.store import ConfigStore
from segsvc.models.document import build_document, to_runner
from segsvc.models.requests import BatchRequest, SegmentRequest
from segsvc.observability.metrics import Metrics
from segsvc.service.errors import InvalidRequest, ServiceError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    name: str
    version: str
    instance_id: str


class SegmentationService:
    def __init__(self, config: ConfigStore, metrics: Metrics, identity: Identity) -> None:
        self.config = config
        self.metrics = metrics
        self.identity = identity

    def parse_request(self, body: Any, *, field_prefix: str = "") -> SegmentRequest:
        """Validate a request body (already decoded JSON) against the live limits."""
        if not isinstance(body, Mapping):
            raise InvalidRequest("the request body must be a JSON object",
                                 errors=[{"field": field_prefix.rstrip(".") or "body",
                                          "message": "must be a JSON object"}])
        limits = self.config.settings.limits
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
        """Segment one validated request into an ALT document (or its runner rendering)."""
        started = time.perf_counter()
        requested = request.engine or self.config.settings.engine.default
        try:
            result = segmentation.segment_command(
                request.command, language=request.language, mode=request.mode, persona=request.persona,
                chaos_level=request.chaos_level, seed=request.seed)
        except ValueError as exc:  # the domain's own input checks, e.g. an unknown persona
            self.metrics.segmentations.labels("rules", request.language, "invalid").inc()
            raise InvalidRequest(str(exc), errors=[{"field": "command", "message": str(exc)}]) from None
        elapsed = time.perf_counter() - started
        metadata: dict[str, Any] = {
            "engine": "rules",
            "processing_time_ms": round(elapsed * 1000, 3),
            "service_version": self.identity.version,
            "instance_id": self.identity.instance_id,
            "requested_engine": requested,
            "language_confidence": round(result.language_confidence, 3),
            "confidence": round(result.confidence, 3),
        }
        if requested == "llm":
            # No AI Orchestrator client is wired into this release: say so instead of pretending.
            metadata["fallback_reason"] = "llm engine unavailable: no AI Orchestrator client configured"
        if request.seed is not None and request.mode == "Chaos":
            metadata["seed"] = request.seed
        if request.metadata:
            metadata["request"] = request.metadata
        doc = build_document(result, request.command, metadata=metadata)
        m = self.metrics
        m.segmentation_time.labels("rules", result.language).observe(elapsed)
        m.segmentations.labels("rules", result.language, "ok").inc()
        m.segments_per_command.labels(result.language).observe(len(result.segments))
        if log.isEnabledFor(logging.DEBUG):
            log.debug("segmented", extra={"command": request.command, "segments": len(result.segments),
                                          "language": result.language})
        return to_runner(doc) if request.format == "runner" else doc

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
            "engines": {"available": ["rules"], "default": self.config.settings.engine.default},
            "models": {"default": llm.model, "allowed": list(llm.allowed_models), "available": []},
            "formats": ["alt", "runner"],
        }

