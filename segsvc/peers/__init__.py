"""Outbound calls to the AI Orchestrator, the Runner Service and the Archive Service (DESIGN §7).

One client class (:class:`PeerClient`), one retry policy (:class:`RetryPolicy`) and one breaker adapter
(:class:`Breaker`) serve all three peers; the per-peer modules only know their wire formats. Callers see
:mod:`segsvc.peers.errors`, never aiohttp or pybreaker exceptions.
"""

from segsvc.peers.archive import ArchiveClient
from segsvc.peers.assembly import PeerClients
from segsvc.peers.breaker import Breaker
from segsvc.peers.client import Call, PeerClient, Response
from segsvc.peers.errors import (
    BreakerOpen,
    InvalidAnswer,
    NotConfigured,
    PeerError,
    PeerRejected,
    PeerTimeout,
    PeerUnavailable,
    Saturated,
)
from segsvc.peers.orchestrator import OrchestratorClient
from segsvc.peers.retry import RetryPolicy
from segsvc.peers.runner import Accepted, RunnerClient

__all__ = ["Accepted", "ArchiveClient", "Breaker", "BreakerOpen", "Call", "InvalidAnswer", "NotConfigured",
           "OrchestratorClient", "PeerClient", "PeerClients", "PeerError", "PeerRejected", "PeerTimeout",
           "PeerUnavailable", "Response", "RetryPolicy", "RunnerClient", "Saturated"]
