"""The one outbound client class: every call to the AI Orchestrator, the Runner and the Archive goes here.

Per peer, one :class:`PeerClient` holds one aiohttp session (connection reuse), a concurrency limit, a
circuit breaker and the retry policy. One call is::

    retry policy ( choose an instance ( concurrency slot ( breaker ( one HTTP exchange + parsing ))))

so each attempt may land on another instance (discovery is asked again, and an instance that refused a
connection is sidelined), the breaker counts attempts, and a garbage answer counts as a failure because
parsing happens inside the breaker. Everything is read from the live configuration on each call.

aiohttp exceptions stop in :meth:`PeerClient._exchange`; callers see only :mod:`segsvc.peers.errors`.
Every attempt is counted (``segsvc_peer_requests{peer,outcome}``), timed, carries ``X-Request-ID`` and W3C
``traceparent``, and a failed one is logged with the peer, instance, outcome and elapsed time (the
request and trace ids are stamped on every log line by :mod:`segsvc.observability.logging`).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import aiohttp
from opentelemetry.trace import SpanKind

from segsvc import __version__
from segsvc.config.settings import PeerSettings
from segsvc.config.store import ConfigStore
from segsvc.discovery.peers import Instance, NoInstance, PeerDirectory
from segsvc.lifecycle import Stage
from segsvc.observability.logging import request_id_var
from segsvc.observability.metrics import Metrics
from segsvc.observability.tracing import propagator, tracer
from segsvc.peers.breaker import STATES, Breaker
from segsvc.peers.errors import (
    InvalidAnswer,
    NotConfigured,
    PeerError,
    PeerRejected,
    PeerTimeout,
    PeerUnavailable,
    Saturated,
)
from segsvc.peers.retry import RetryPolicy
from segsvc.security.tls import client_ssl_context

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRYABLE_STATUS = frozenset({502, 503, 504})
BODY_EXCERPT = 200


@dataclass(frozen=True)
class Response:
    """What a parser sees of a 2xx answer: no aiohttp types leave this module."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON; raises ValueError (an invalid answer) when it is not."""
        return json.loads(self.body)


def json_body(response: Response) -> Any:
    return response.json()


@dataclass(frozen=True)
class Call:
    """One logical request. ``idempotent``: a connection lost after sending may be repeated.

    ``body`` is sent as JSON; ``data`` is a body already encoded as JSON (a caller that sends the same bytes
    elsewhere too encodes them once).
    """

    method: str
    path: str
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    idempotent: bool = False
    data: bytes | None = None


class Limiter:
    """At most ``limit()`` holders at once; the limit is read live, so a KV change applies to the next call.

    The free path takes no lock and awaits nothing (the event loop is the only thread); waiters queue in
    order and are handed a slot by :meth:`release`.
    """

    def __init__(self, limit: Callable[[], int]) -> None:
        self.limit = limit
        self.in_use = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self, timeout: float) -> bool:
        """Take a slot; False when none came free within ``timeout`` seconds."""
        if self.in_use < self.limit() and not self._waiters:
            self.in_use += 1
            return True
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                await waiter
            return True
        except TimeoutError:
            return waiter.done() and not waiter.cancelled()  # handed a slot just as the time ran out
        except BaseException:
            if waiter.done() and not waiter.cancelled():  # handed a slot, then cancelled: give it back
                self.release()
            raise
        finally:
            if not waiter.done():
                waiter.cancel()
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def release(self) -> None:
        self.in_use -= 1
        while self._waiters and self.in_use < self.limit():
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.in_use += 1
                waiter.set_result(None)


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class PeerClient:
    """Outbound calls to one peer (a runtime component of stage ``client``: closed last)."""

    stage: Stage = "client"

    def __init__(self, peer: str, config: ConfigStore, directory: PeerDirectory, metrics: Metrics, *,
                 on_breaker_change: Callable[[Breaker, str, str], None] | None = None) -> None:
        self.peer = peer
        self.name = f"peer:{peer}"
        self.config = config
        self.directory = directory
        self.metrics = metrics
        self.breaker = Breaker(peer, lambda: getattr(self.config.settings.breakers, peer), self._breaker_changed)
        self.retry = RetryPolicy(self._settings, self._retrying)
        self.limiter = Limiter(lambda: self._settings().max_concurrency)
        self._on_breaker_change = on_breaker_change
        self._session: aiohttp.ClientSession | None = None
        # Resolved once: a labels() lookup per call is measurable next to a loopback round trip.
        self._latency = metrics.peer_latency.labels(peer)
        self._in_flight = metrics.peer_in_flight.labels(peer)
        self._outcomes: dict[str, Any] = {}
        self._tracer = tracer()
        metrics.peer_breaker_state.labels(peer).set(0)

    def _settings(self) -> PeerSettings:
        settings: PeerSettings = getattr(self.config.settings.peers, self.peer)
        return settings

    @property
    def configured(self) -> bool:
        """Whether any instance of the peer is known right now (a URL, or instances from Consul)."""
        return bool(self.directory.pools[self.peer].instances)

    async def start(self) -> None:
        # The limiter bounds concurrency; the connector only pools connections (keep-alive) per instance.
        # https peers are verified against the system store plus security.outbound_ca_file when set.
        context = client_ssl_context(self.config.settings.security)
        connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, keepalive_timeout=30,
                                         ssl=context if context is not None else True)
        self._session = aiohttp.ClientSession(connector=connector,
                                              headers={"User-Agent": f"segsvc/{__version__}"})

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def request(self, call: Call, parse: Callable[[Response], T] = json_body) -> T:  # type: ignore[assignment]
        """Make ``call`` with retries where safe; ``parse`` turns a 2xx into the result (errors: invalid answer)."""
        self.check()
        return await self.retry.run(lambda: self._attempt(call, parse))

    def check(self) -> None:
        """Raise :class:`BreakerOpen` at once when the breaker would refuse a call now."""
        try:
            self.breaker.check()
        except PeerError as exc:
            self._count(exc.outcome)
            raise

    async def _attempt(self, call: Call, parse: Callable[[Response], T]) -> T:
        try:
            instance = self.directory.choose(self.peer)
        except NoInstance as exc:
            self._count(NotConfigured.outcome)
            raise NotConfigured(self.peer, str(exc)) from None
        timeout = self._settings().timeout
        if not await self.limiter.acquire(timeout):
            self._count(Saturated.outcome)
            raise Saturated(self.peer, f"all {self._settings().max_concurrency} connections busy for {timeout}s")
        gauge = self._in_flight
        gauge.inc()
        try:
            return await self.breaker.call(lambda: self._exchange(instance, call, parse, timeout))
        except PeerError as exc:
            if exc.outcome == "breaker_open":
                self._count(exc.outcome)
            raise
        finally:
            gauge.dec()
            self.limiter.release()

    async def _exchange(self, instance: Instance, call: Call, parse: Callable[[Response], T], timeout: float) -> T:
        if self._session is None:
            raise NotConfigured(self.peer, "the outbound client is not started")
        headers = {"Accept": "application/json", **call.headers}
        request_id = request_id_var.get()
        if request_id:
            headers["X-Request-ID"] = request_id
        data = call.data
        if data is None and call.body is not None:
            data = json.dumps(call.body, ensure_ascii=False).encode()
        if data is not None:
            headers.setdefault("Content-Type", "application/json")
        started = time.perf_counter()
        outcome = "cancelled"
        with self._tracer.start_as_current_span(f"{call.method} {self.peer}", kind=SpanKind.CLIENT) as span:
            propagator.inject(headers)
            try:
                try:
                    async with self._session.request(call.method, instance.url + call.path, data=data,
                                                     headers=headers,
                                                     timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
                        body = await resp.read()
                        status, answer_headers = resp.status, dict(resp.headers)
                except TimeoutError:
                    raise PeerTimeout(self.peer, f"no answer within {timeout:g}s") from None
                except aiohttp.ClientConnectorError as exc:
                    self.directory.sideline(self.peer, instance, f"{type(exc).__name__}: {exc.os_error}")
                    raise PeerUnavailable(self.peer, f"cannot connect to {instance.url}: {exc.os_error}",
                                          outcome="connect_error", retryable=True) from None
                except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError, aiohttp.ClientPayloadError) as exc:
                    raise PeerUnavailable(self.peer, f"connection lost: {type(exc).__name__}",
                                          outcome="connection_lost", retryable=call.idempotent) from None
                except aiohttp.ClientError as exc:
                    raise PeerUnavailable(self.peer, f"{type(exc).__name__}: {exc}") from None
                if span.is_recording():
                    span.set_attribute("http.response.status_code", status)
                    span.set_attribute("server.address", instance.url)
                self._check_status(status, answer_headers, body)
                try:
                    result = parse(Response(status, answer_headers, body))
                except PeerError:
                    raise
                except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
                    raise InvalidAnswer(self.peer, f"{type(exc).__name__}: {exc}"[:BODY_EXCERPT]) from None
                outcome = "ok"
                return result
            except PeerError as exc:
                outcome = exc.outcome
                self._log_failure(exc, instance, call, time.perf_counter() - started)
                raise
            finally:
                self._count(outcome)
                self._latency.observe(time.perf_counter() - started)

    def _count(self, outcome: str) -> None:
        counter = self._outcomes.get(outcome)
        if counter is None:
            counter = self._outcomes[outcome] = self.metrics.peer_requests.labels(self.peer, outcome)
        counter.inc()

    def _check_status(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        if 200 <= status < 300:
            return
        excerpt = body[:BODY_EXCERPT].decode("utf-8", "replace")
        if status == 429:
            raise PeerUnavailable(self.peer, "HTTP 429 (rate limited)", outcome="rate_limited", retryable=True,
                                  http_status=status, retry_after=retry_after_seconds(headers.get("Retry-After")))
        if status in RETRYABLE_STATUS:
            raise PeerUnavailable(self.peer, f"HTTP {status}", outcome=f"http_{status}", retryable=True,
                                  http_status=status, retry_after=retry_after_seconds(headers.get("Retry-After")))
        if status >= 500 or status == 408:
            raise PeerUnavailable(self.peer, f"HTTP {status}", outcome=f"http_{status // 100}xx", http_status=status)
        raise PeerRejected(self.peer, f"HTTP {status}: {excerpt}".rstrip(": "), http_status=status)

    def _log_failure(self, exc: PeerError, instance: Instance, call: Call, elapsed: float) -> None:
        log.warning("peer call failed", extra={
            "peer": self.peer, "instance": instance.url, "method": call.method, "path": call.path,
            "outcome": exc.outcome, "http_status": exc.http_status, "error": exc.reason,
            "elapsed_ms": round(elapsed * 1000, 1), "retryable": exc.retryable})

    def _retrying(self, error: PeerError, tries: int, wait: float) -> None:
        self.metrics.peer_retries.labels(self.peer).inc()
        log.info("retrying peer call", extra={"peer": self.peer, "after_try": tries, "wait_ms": round(wait * 1000),
                                              "outcome": error.outcome})

    def _breaker_changed(self, breaker: Breaker, old: str, new: str) -> None:
        self.metrics.peer_breaker_state.labels(self.peer).set(STATES.index(new))
        if new == "open":
            self.metrics.peer_breaker_opened.labels(self.peer).inc()
        if self._on_breaker_change is not None:
            self._on_breaker_change(breaker, old, new)

    def describe(self) -> dict[str, Any]:
        settings = self._settings()
        return {"breaker": self.breaker.describe(), "in_flight": self.limiter.in_use,
                "timeout": settings.timeout, "max_concurrency": settings.max_concurrency,
                "max_tries": settings.max_tries}
