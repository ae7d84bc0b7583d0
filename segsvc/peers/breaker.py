"""The one circuit-breaker adapter: pybreaker's state machine, driven from asyncio.

pybreaker's decorator cannot time an ``async def`` (it sees a coroutine object returned at once), so every
guarded await runs inside ``with breaker.calling():`` here and nowhere else. pybreaker alone would let
every caller through once the reset timeout has passed (half-open admits all comers); this adapter admits
exactly one trial at a time and refuses the rest as if the breaker were still open, so a peer that is
coming back meets one request, not a thundering herd.

``fail_max`` and ``reset_timeout`` are read from the live configuration on every call, so a KV change
applies to the next call. Only errors with ``counts_for_breaker`` trip it; a 4xx rejection passes as a
success (the peer answered).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import pybreaker

from segsvc.config.settings import BreakerSettings
from segsvc.peers.errors import BreakerOpen, PeerError

log = logging.getLogger(__name__)
T = TypeVar("T")
STATES = ("closed", "half-open", "open")
OnChange = Callable[["Breaker", str, str], None]


class _Listener(pybreaker.CircuitBreakerListener):
    def __init__(self, owner: Breaker) -> None:
        self.owner = owner

    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        old = old_state.name if old_state is not None else "closed"
        if old != new_state.name:
            self.owner._changed(old, new_state.name)


class Breaker:
    """One peer's breaker. ``state`` is ``closed``, ``open`` or ``half-open``."""

    def __init__(self, peer: str, settings: Callable[[], BreakerSettings], on_change: OnChange | None = None) -> None:
        self.peer = peer
        self.settings = settings
        self.on_change = on_change
        current = settings()
        self._cb = pybreaker.CircuitBreaker(fail_max=current.fail_max, reset_timeout=current.reset_timeout,
                                            exclude=[self._not_a_peer_failure], listeners=[_Listener(self)],
                                            name=peer)
        self._trial = False
        self.opened = 0
        self.last_failure: str | None = None
        self.changed_at = time.time()

    def _not_a_peer_failure(self, error: BaseException) -> bool:
        """pybreaker's exclusion hook: errors that say nothing about the peer's health do not count.

        A cancelled call (the client went away, shutdown) proves nothing either way, except for a trial:
        one that never finished must not close the breaker, so it counts as a failure and reopens it.
        """
        if isinstance(error, PeerError):
            return not error.counts_for_breaker
        if isinstance(error, asyncio.CancelledError | GeneratorExit):
            return not self._trial
        return False  # anything unexpected (a bug in parsing an answer, say) counts

    @property
    def state(self) -> str:
        return str(self._cb.current_state)

    def _sync(self) -> None:
        current = self.settings()
        self._cb.fail_max = current.fail_max
        self._cb.reset_timeout = current.reset_timeout

    def _retry_in(self) -> float:
        opened_at = self._cb._state_storage.opened_at  # pybreaker keeps it only there
        if self.state != "open" or opened_at is None:
            return 0.0
        return max(0.0, self._cb.reset_timeout - (datetime.now(UTC) - opened_at).total_seconds())

    def _because(self) -> str:
        return f" (last failure: {self.last_failure})" if self.last_failure else ""

    def check(self) -> None:
        """Refuse at once while open (no trial due, or one running): callers skip building a request for nothing."""
        if self._cb.current_state != "closed" and (self._trial or self._retry_in() > 0):
            self._sync()
            raise BreakerOpen(self.peer, f"circuit breaker open{self._because()}; "
                                         f"next trial in {self._retry_in():.1f}s")

    async def call(self, operation: Callable[[], Awaitable[T]]) -> T:
        """Run ``operation`` under the breaker; raises :class:`BreakerOpen` without running it when open."""
        self._sync()
        trial = self.state != "closed"
        if trial:
            if self._trial:
                raise BreakerOpen(self.peer, f"circuit breaker open{self._because()}; a trial call is in progress")
            if self._retry_in() > 0:
                raise BreakerOpen(self.peer, f"circuit breaker open{self._because()}; "
                                             f"next trial in {self._retry_in():.1f}s")
            self._trial = True
        try:
            with self._cb.calling():
                return await operation()
        except pybreaker.CircuitBreakerError as exc:
            cause = exc.__context__
            if cause is None:  # refused at the door
                raise BreakerOpen(self.peer, f"circuit breaker open ({exc})") from None
            # This call's own failure tripped the breaker: report that failure; the state change is logged.
            if isinstance(cause, PeerError):
                self.last_failure = cause.summary
            raise cause from None
        except PeerError as exc:
            if exc.counts_for_breaker:
                self.last_failure = exc.summary
            raise
        finally:
            if trial:
                self._trial = False

    def _changed(self, old: str, new: str) -> None:
        self.changed_at = time.time()
        if new == "open":
            self.opened += 1
            log.warning("circuit breaker opened", extra={"peer": self.peer, "from_state": old,
                                                          "reset_timeout": self._cb.reset_timeout,
                                                          "last_failure": self.last_failure})
        else:
            log.info("circuit breaker %s", new, extra={"peer": self.peer, "from_state": old})
        if self.on_change is not None:
            self.on_change(self, old, new)

    def describe(self) -> dict[str, Any]:
        """What ``/api/v1/admin/peers`` and readiness show."""
        self._sync()
        return {"state": self.state, "failures": self._cb.fail_counter, "fail_max": self._cb.fail_max,
                "reset_timeout": self._cb.reset_timeout, "retry_in_seconds": round(self._retry_in(), 3),
                "trial_in_progress": self._trial, "times_opened": self.opened, "last_failure": self.last_failure,
                "changed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.changed_at))}
