"""The three peer clients of one instance, built once by the composition root.

Besides building them, this is where a peer's state becomes visible: readiness carries one non-critical
check per peer (``peer:<name>``: ``ok`` with the breaker closed, ``degraded`` while it is open or
half-open, ``disabled`` when the peer is not configured at all), and ``/api/v1/admin/peers`` shows each
breaker beside the instances discovery knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from segsvc.config.loader import ConfigSnapshot
from segsvc.config.settings import PEERS
from segsvc.config.store import ConfigStore
from segsvc.discovery.peers import PeerDirectory
from segsvc.lifecycle import Component
from segsvc.observability.metrics import Metrics
from segsvc.peers.archive import ArchiveClient
from segsvc.peers.breaker import Breaker
from segsvc.peers.client import PeerClient
from segsvc.peers.orchestrator import OrchestratorClient
from segsvc.peers.runner import RunnerClient
from segsvc.service.health import Health


@dataclass
class PeerClients:
    clients: dict[str, PeerClient]
    orchestrator: OrchestratorClient
    runner: RunnerClient
    archive: ArchiveClient
    health: Health
    directory: PeerDirectory

    @classmethod
    def build(cls, config: ConfigStore, directory: PeerDirectory, metrics: Metrics, health: Health) -> PeerClients:
        clients: dict[str, PeerClient] = {}
        holder: list[PeerClients] = []

        def changed(breaker: Breaker, old: str, new: str) -> None:
            if holder:  # pybreaker notifies before it stores the new state: pass it on explicitly
                holder[0].report(breaker.peer, new)

        for peer in PEERS:
            clients[peer] = PeerClient(peer, config, directory, metrics, on_breaker_change=changed)
        bundle = cls(clients, OrchestratorClient(clients["ai_orchestrator"]), RunnerClient(clients["runner"]),
                     ArchiveClient(clients["archive"]), health, directory)
        holder.append(bundle)
        config.subscribe(bundle._on_config_change)
        bundle.report_all()
        return bundle

    def components(self) -> list[Component]:
        return list(self.clients.values())

    def report(self, peer: str, state: str | None = None) -> None:
        """Readiness detail of one peer (non-critical: the service answers without any of them)."""
        client = self.clients[peer]
        breaker = client.breaker.describe()
        state = state or breaker["state"]
        if not client.configured and self.directory.mode == "static" and state == "closed":
            self.health.report(f"peer:{peer}", "disabled", f"not configured (peers.{peer}.url)")
        elif state == "closed":
            self.health.report(f"peer:{peer}", "ok", "circuit breaker closed")
        elif state == "half-open":
            self.health.report(f"peer:{peer}", "degraded", "circuit breaker half-open: a trial call is in progress")
        else:
            self.health.report(f"peer:{peer}", "degraded",
                               f"circuit breaker open after {breaker['fail_max']} failures "
                               f"(last: {breaker['last_failure']}); trial after {breaker['reset_timeout']:g}s")

    def report_all(self) -> None:
        for peer in PEERS:
            self.report(peer)

    def _on_config_change(self, old: ConfigSnapshot, new: ConfigSnapshot) -> None:
        self.report_all()

    def describe(self) -> dict[str, Any]:
        """Per peer: breaker, in-flight calls and the limits in force."""
        return {peer: client.describe() for peer, client in self.clients.items()}
