"""The only errors that leave the outbound layer; aiohttp and pybreaker exceptions are translated here.

Each error says three things the callers and the resilience machinery need, so nobody above this package
inspects a foreign exception or an HTTP status:

* ``outcome`` — a short, stable word used as a metric label and at the start of a fallback reason;
* ``retryable`` — whether repeating the same request is safe and may help (the retry policy reads it);
* ``counts_for_breaker`` — whether it says something about the peer's health (a 4xx rejection does not).
"""

from __future__ import annotations

from segsvc.service.errors import ServiceError


class PeerError(ServiceError):
    """A call to a peer did not produce a usable answer."""

    status = 503
    code = "peer_unavailable"
    title = "Peer unavailable"
    outcome = "error"
    retryable = False
    counts_for_breaker = True

    def __init__(self, peer: str, detail: str, *, http_status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(f"{peer}: {detail}")
        self.peer = peer
        self.reason = detail
        self.http_status = http_status
        self.retry_after = retry_after

    @property
    def summary(self) -> str:
        """``<outcome>: <detail>``, what a document's ``fallback_reason`` and job events show."""
        return f"{self.outcome}: {self.reason}"


class PeerUnavailable(PeerError):
    """Connection refused or reset, or a 5xx; ``retryable`` is set for the cases where repeating is safe."""

    outcome = "unavailable"

    def __init__(self, peer: str, detail: str, *, outcome: str = "unavailable", retryable: bool = False,
                 http_status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(peer, detail, http_status=http_status, retry_after=retry_after)
        self.outcome = outcome
        self.retryable = retryable


class PeerTimeout(PeerError):
    """No answer within ``peers.<peer>.timeout``; never repeated (the peer may still be working on it)."""

    outcome = "timeout"


class InvalidAnswer(PeerError):
    """A 2xx whose body is not what the contract says (garbage JSON, missing fields): the peer is unwell."""

    outcome = "invalid_answer"


class PeerRejected(PeerError):
    """A 4xx other than 408/429: the peer is healthy and says our request is wrong; not worth repeating."""

    status = 502
    code = "peer_rejected"
    title = "Peer rejected the request"
    outcome = "rejected"
    counts_for_breaker = False


class BreakerOpen(PeerError):
    """The circuit breaker refused the call without trying the peer."""

    outcome = "breaker_open"


class NotConfigured(PeerError):
    """No instance of the peer is known (no URL in static mode, none passing in Consul)."""

    outcome = "not_configured"
    counts_for_breaker = False


class Saturated(PeerError):
    """Every one of ``peers.<peer>.max_concurrency`` slots stayed busy for the whole timeout."""

    outcome = "saturated"
    counts_for_breaker = False
