"""Liveness and readiness as facts reported by the parts that know them.

Each part (configuration, Consul registration, NATS, peers) reports its own check; readiness is derived
from those reports and the draining flag, never from a timer. ``critical`` checks make the instance not
ready when they are down; others only make it ``degraded``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["ok", "degraded", "down", "disabled"]


@dataclass(frozen=True)
class Check:
    status: Status
    detail: str
    critical: bool
    since: float


class Health:
    def __init__(self) -> None:
        self.started = False
        self.draining = False
        self._checks: dict[str, Check] = {}

    def report(self, name: str, status: Status, detail: str = "", *, critical: bool = False) -> None:
        old = self._checks.get(name)
        since = old.since if old and old.status == status else time.time()
        self._checks[name] = Check(status, detail, critical, since)

    @property
    def ready(self) -> bool:
        return self.started and not self.draining and not any(
            c.critical and c.status == "down" for c in self._checks.values())

    @property
    def state(self) -> str:
        """``starting``, ``draining``, ``unavailable``, ``degraded`` or ``ready``."""
        if not self.started:
            return "starting"
        if self.draining:
            return "draining"
        if not self.ready:
            return "unavailable"
        if any(c.status in ("degraded", "down") for c in self._checks.values()):
            return "degraded"
        return "ready"

    def degraded_parts(self) -> list[str]:
        return sorted(n for n, c in self._checks.items() if c.status in ("degraded", "down"))

    def describe(self) -> dict[str, Any]:
        return {"status": self.state, "ready": self.ready,
                "checks": {name: {"status": c.status, "detail": c.detail, "critical": c.critical,
                                  "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(c.since))}
                           for name, c in sorted(self._checks.items())}}
