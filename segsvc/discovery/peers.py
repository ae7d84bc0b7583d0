"""Where the peers (AI Orchestrator, Runner, Archive) are, in the three discovery modes of DESIGN §6.

* ``static``: one instance per peer from ``peers.<peer>.url`` (read live, so a KV change applies).
* ``consul``: a blocking health watch per peer service (``?passing``); the last good list is kept while
  Consul is unreachable; instances are chosen by smooth weighted round robin (nginx's algorithm, using
  Consul's ``Weights.Passing``); an instance that refused a connection is sidelined for a while.
* ``sidecar``: the local Envoy upstream ``127.0.0.1:<local_bind_port>``; Envoy does discovery and mTLS.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from segsvc.config.settings import PEERS, Settings
from segsvc.config.store import ConfigStore
from segsvc.discovery.consul_client import ConsulClient, ConsulForbidden
from segsvc.discovery.watch import WatchPlan
from segsvc.lifecycle import Stage
from segsvc.service.health import Health

log = logging.getLogger(__name__)


@dataclass
class Instance:
    id: str
    url: str
    weight: int = 1
    node: str = ""
    tags: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    sidelined_until: float = 0.0
    current: int = 0  # smooth weighted round robin state

    def describe(self, now: float) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "weight": self.weight, "node": self.node, "tags": self.tags,
                "meta": self.meta, "healthy": self.sidelined_until <= now,
                "sidelined_for_seconds": round(max(0.0, self.sidelined_until - now), 3)}


class NoInstance(Exception):
    """No usable instance of a peer is known right now."""


@dataclass
class PeerPool:
    peer: str
    service: str
    instances: list[Instance] = field(default_factory=list)
    changed_at: float | None = None
    source: str = ""
    error: str | None = None

    def replace(self, instances: list[Instance], source: str) -> None:
        known = {i.id: i for i in self.instances}
        for inst in instances:  # keep sideline and rotation state of instances that stay
            if inst.id in known:
                inst.sidelined_until, inst.current = known[inst.id].sidelined_until, known[inst.id].current
        if [(i.id, i.url, i.weight) for i in instances] != [(i.id, i.url, i.weight) for i in self.instances]:
            self.changed_at = time.time()
            log.info("peer instances changed", extra={"peer": self.peer, "instances": [i.url for i in instances]})
        self.instances, self.source, self.error = instances, source, None

    def choose(self, now: float | None = None) -> Instance:
        """Smooth weighted round robin over instances that are not sidelined."""
        now = time.monotonic() if now is None else now
        usable = [i for i in self.instances if i.sidelined_until <= now]
        if not usable:
            if not self.instances:
                raise NoInstance(f"no instance of {self.service} is known")
            usable = self.instances  # all sidelined: trying one beats failing without trying
        total = sum(i.weight for i in usable)
        best = usable[0]
        for inst in usable:
            inst.current += inst.weight
            if inst.current > best.current:
                best = inst
        best.current -= total
        return best


def instances_from_health(entries: list[dict[str, Any]]) -> list[Instance]:
    out = []
    for entry in entries:
        svc, node = entry.get("Service", {}), entry.get("Node", {})
        address = svc.get("Address") or node.get("Address") or "127.0.0.1"
        host = f"[{address}]" if ":" in address else address
        weight = int((svc.get("Weights") or {}).get("Passing", 1) or 1)
        out.append(Instance(id=str(svc.get("ID", f"{address}:{svc.get('Port')}")), url=f"http://{host}:{svc.get('Port')}",
                            weight=max(1, weight), node=str(node.get("Node", "")), tags=list(svc.get("Tags") or []),
                            meta=dict(svc.get("Meta") or {})))
    out.sort(key=lambda i: i.id)
    return out


class PeerDirectory:
    """Resolves each peer to an instance; in consul mode also the component that runs the health watches."""

    name = "peer-discovery"
    stage: Stage = "background"

    def __init__(self, store: ConfigStore, health: Health, consul: ConsulClient | None = None, *,
                 wait: float = 30.0, sideline_seconds: float = 10.0) -> None:
        self.store = store
        self.health = health
        self.consul = consul
        self.mode = store.settings.discovery_mode
        self.wait = wait
        self.sideline_seconds = sideline_seconds
        self.pools: dict[str, PeerPool] = {p: PeerPool(p, getattr(store.settings.peers, p).service) for p in PEERS}
        self._plans: list[WatchPlan[list[dict[str, Any]]]] = []
        self._refresh_static(store.settings)
        store.subscribe(lambda old, new: self._refresh_static(new.settings))

    def _refresh_static(self, settings: Settings) -> None:
        for peer, pool in self.pools.items():
            cfg = getattr(settings.peers, peer)
            if self.mode == "static":
                pool.replace([Instance(id=f"{peer}-static", url=cfg.url.rstrip("/"))] if cfg.url else [], "static")
            elif self.mode == "sidecar":
                pool.replace([Instance(id=f"{peer}-sidecar", url=f"http://127.0.0.1:{cfg.local_bind_port}")],
                             "sidecar")

    def choose(self, peer: str) -> Instance:
        return self.pools[peer].choose()

    def sideline(self, peer: str, instance: Instance, reason: str) -> None:
        """Take an instance out of rotation for a while (it refused a connection)."""
        instance.sidelined_until = time.monotonic() + self.sideline_seconds
        log.warning("peer instance sidelined", extra={"peer": peer, "instance": instance.url, "reason": reason,
                                                      "seconds": self.sideline_seconds})

    def _watch(self, peer: str) -> WatchPlan[list[dict[str, Any]]]:
        pool = self.pools[peer]

        async def fetch(index: int) -> tuple[int, list[dict[str, Any]]]:
            assert self.consul is not None
            return await self.consul.health_service(pool.service, index, self.wait)

        def handle(index: int, entries: list[dict[str, Any]]) -> None:
            pool.replace(instances_from_health(entries), f"consul (index {index})")
            self._report()

        def error(exc: Exception, failures: int) -> None:
            pool.error = ("forbidden: " if isinstance(exc, ConsulForbidden) else "unreachable: ") + str(exc)
            if failures == 1:
                log.warning("peer watch failing; keeping the last known instances",
                            extra={"peer": peer, "error": str(exc)})
            self._report()

        return WatchPlan(f"health:{pool.service}", fetch, handle, on_error=error)

    def _report(self) -> None:
        errors = [f"{p}: {pool.error}" for p, pool in self.pools.items() if pool.error]
        if errors:
            self.health.report("discovery", "degraded", "; ".join(errors))
        else:
            self.health.report("discovery", "ok", f"{self.mode} mode")

    def describe(self) -> dict[str, Any]:
        now = time.monotonic()
        return {"mode": self.mode, "peers": {
            peer: {"service": pool.service, "source": pool.source, "error": pool.error,
                   "changed_at": (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(pool.changed_at))
                                  if pool.changed_at else None),
                   "instances": [i.describe(now) for i in pool.instances]}
            for peer, pool in self.pools.items()}}

    async def start(self) -> None:
        if self.mode == "consul" and self.consul is not None:
            self._plans = [self._watch(peer) for peer in PEERS]
            for plan in self._plans:
                plan.start()
        self._report()

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        for plan in self._plans:
            await plan.stop()
        self._plans = []
