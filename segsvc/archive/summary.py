"""Periodic metric summaries for ``archive.segmentation.metrics``: what this instance segmented, per period.

Counts accumulate from the records the sender builds and are reset only once a summary is published, so a
period in which NATS was away is reported within the next summary instead of lost (``period_start`` then
reaches back to the last published one).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

MAX_SAMPLES = 10000


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    return round(sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * q))], 3)


class Summary:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.period_start = _now()
        self.segmentations = 0
        self.failed = 0
        self.fallbacks = 0
        self.by_engine: dict[str, int] = {}
        self.by_language: dict[str, int] = {}
        self.by_task_type: dict[str, int] = {}
        self.fallback_reasons: dict[str, int] = {}
        self.latencies: list[float] = []

    def add(self, record: dict[str, Any]) -> None:
        self.segmentations += 1
        if record["status"] != "succeeded":
            self.failed += 1
        engine = "llm" if str(record["engine"]).startswith("llm") else "rules"
        self.by_engine[engine] = self.by_engine.get(engine, 0) + 1
        if record["language"]:
            self.by_language[record["language"]] = self.by_language.get(record["language"], 0) + 1
        for task_type, count in record["task_type_counts"].items():
            self.by_task_type[task_type] = self.by_task_type.get(task_type, 0) + count
        if record["fallback"]:
            self.fallbacks += 1
            reason = str(record["fallback_reason"]).split(":", 1)[0]
            self.fallback_reasons[reason] = self.fallback_reasons.get(reason, 0) + 1
        if len(self.latencies) < MAX_SAMPLES:
            self.latencies.append(float(record["latency_ms"]))

    def build(self, *, instance_id: str, service_version: str, delivery: dict[str, Any]) -> dict[str, Any]:
        latencies = sorted(self.latencies)
        return {
            "summary_id": str(uuid.uuid4()), "instance_id": instance_id, "service_version": service_version,
            "period_start": self.period_start, "period_end": _now(), "segmentations": self.segmentations,
            "failed": self.failed, "fallbacks": self.fallbacks, "by_engine": dict(self.by_engine),
            "by_language": dict(self.by_language), "by_task_type": dict(self.by_task_type),
            "fallback_reasons": dict(self.fallback_reasons),
            "latency_ms": {"p50": _percentile(latencies, 0.5), "p95": _percentile(latencies, 0.95),
                           "p99": _percentile(latencies, 0.99), "samples": len(latencies)},
            "delivery": delivery,
        }
