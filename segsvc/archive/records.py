"""One archive record per segmentation: what happened, how long it took, and the document itself.

The service layer hands over an :class:`Outcome` on its hot path (a frozen object, nothing computed);
the record is built later, in the archive sender's background loop, so that a request never pays for
ids, counting, JSON or encryption. Record fields (the Archive Service's contract)::

    record_id, alt_id, timestamp, language, segment_count, task_type_counts, engine, model, fallback,
    fallback_reason, latency_ms, status (succeeded | failed), error, instance_id, service_version,
    document (the ALT document, or its compact JWE when encryption is configured), document_encrypted
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from segsvc.config.store import ConfigStore

log = logging.getLogger(__name__)
Encrypt = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the service layer knows about one segmentation (``document`` is None when it failed)."""

    document: dict[str, Any] | None
    engine: str  # "rules" or "llm"
    model: str | None
    fallback_reason: str | None
    latency_ms: float
    status: str  # "succeeded" or "failed"
    language: str | None
    error: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_record(outcome: Outcome, *, instance_id: str, service_version: str) -> dict[str, Any]:
    doc = outcome.document
    counts: dict[str, int] = {}
    if doc is not None:
        for segment in doc["segments"]:
            counts[segment["task_type"]] = counts.get(segment["task_type"], 0) + 1
    return {
        "record_id": str(uuid.uuid4()),
        "alt_id": doc["id"] if doc is not None else None,
        "timestamp": doc["timestamp"] if doc is not None else _now(),
        "language": outcome.language,
        "segment_count": sum(counts.values()),
        "task_type_counts": counts,
        "engine": doc["metadata"]["engine"] if doc is not None else outcome.engine,
        "model": outcome.model,
        "fallback": outcome.fallback_reason is not None,
        "fallback_reason": outcome.fallback_reason,
        "latency_ms": outcome.latency_ms,
        "status": outcome.status,
        "error": outcome.error,
        "instance_id": instance_id,
        "service_version": service_version,
        "document": doc,
        "document_encrypted": False,
    }


def seal(record: dict[str, Any], encrypt: Encrypt | None) -> dict[str, Any]:
    """Encrypt the record's document once, before it leaves memory (network or disk).

    When encryption is configured but fails (a missing or unreadable key), the document is left out rather
    than sent in the clear; the rest of the record (counts, latency) still reaches the archive.
    """
    if encrypt is None or record["document"] is None or record["document_encrypted"]:
        return record
    try:
        record["document"] = encrypt(record["document"])
        record["document_encrypted"] = True
    except Exception as exc:
        log.error("archive record left without its document: encryption failed",
                  extra={"record_id": record["record_id"], "error": f"{type(exc).__name__}: {exc}"})
        record["document"] = None
        record["document_omitted"] = "encryption failed"
    return record


def jwe_encryptor(config: ConfigStore) -> Encrypt | None:
    """JWE encryption of archived documents when ``security.encryption`` is configured, else None.

    The key is resolved per call by :mod:`segsvc.security.jwe` (cached, picking up a rotated key file).
    """
    from segsvc.security import jwe

    if not config.settings.security.encryption.configured:
        return None

    def encrypt(document: dict[str, Any]) -> Any:
        return jwe.encrypt_document(document, config.settings.security.encryption)

    return encrypt
