"""Build ALT documents and their runner rendering as plain dicts.

Plain dicts because this is the hot path of every request: building and then dumping pydantic models
would cost more than the segmentation itself. Their shape is pinned by :mod:`segsvc.models.alt`, and the
tests validate every document they see against those models.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from segsvc.segmentation import Segmentation

# How long the Runner should give one task of each type before giving up, in seconds.
TASK_TIMEOUTS = {"search": 60, "create": 300, "analyze": 120, "open": 30, "transform": 300, "execute": 120,
                 "summarize": 180, "schedule": 30, "communicate": 60, "file": 300}
# Tasks whose repetition is harmless get retries; ones with side effects on other people do not.
TASK_RETRIES = {"communicate": 0, "schedule": 0, "execute": 1}


def build_document(result: Segmentation, command: str, *, metadata: dict[str, Any]) -> dict[str, Any]:
    """The ALT v1.0 document for one segmentation; ``metadata`` is the document metadata (engine, ...)."""
    segments = []
    for index, seg in enumerate(result.segments):
        seg_meta = dict(seg.metadata)
        seg_meta["confidence"] = round(seg.confidence, 3)
        segments.append({
            "id": f"s{index + 1}",
            "task_type": seg.task_type,
            "content": seg.content,
            "parameters": [{"name": p.name, "value": p.value, "type": p.type, "required": p.required,
                            "description": p.description} for p in seg.parameters],
            "dependencies": [f"s{dep + 1}" for dep in seg.dependencies],
            "priority": seg.priority,
            "execution_order": seg.execution_order,
            "metadata": seg_meta,
        })
    return {
        "id": str(uuid.uuid4()),
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "command": command,
        "language": result.language,
        "mode": result.mode,
        "persona": result.persona,
        "chaos_level": result.chaos_level,
        "segments": segments,
        "metadata": metadata,
    }


def _title(command: str, limit: int = 80) -> str:
    text = " ".join(command.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def to_runner(doc: dict[str, Any]) -> dict[str, Any]:
    """Render an ALT document in the Runner Service's task format (the one transformation used everywhere)."""
    tasks = []
    for seg in sorted(doc["segments"], key=lambda s: s["execution_order"]):
        tasks.append({
            "id": seg["id"],
            "description": seg["content"],
            "dependencies": list(seg["dependencies"]),
            "parameters": {p["name"]: p["value"] for p in seg["parameters"]},
            "timeout_seconds": TASK_TIMEOUTS.get(seg["task_type"], 120),
            "retry_count": TASK_RETRIES.get(seg["task_type"], 2),
            "status": "pending",
            "priority": seg["priority"],
            "tags": [seg["task_type"], doc["language"]],
        })
    return {
        "id": doc["id"],
        "version": doc["version"],
        "created_at": doc["timestamp"],
        "title": _title(doc["command"]),
        "description": doc["command"],
        "mode": doc["mode"].lower(),
        "persona": doc["persona"],
        "tasks": tasks,
        "metadata": {**doc["metadata"], "language": doc["language"], "chaos_level": doc["chaos_level"],
                     "source": "segmentation-service"},
        "priority": max((t["priority"] for t in tasks), default=5),
        "tags": sorted({doc["language"], doc["mode"].lower(), *(t["tags"][0] for t in tasks)}),
    }
