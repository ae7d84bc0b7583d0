"""The one retry policy of every outbound call: jittered exponential back-off, only where repeating is safe.

Built on ``backoff.on_exception`` (which drives coroutines natively). What may be repeated is decided by
the error itself (:attr:`PeerError.retryable`): a refused connection (nothing was sent), 502/503/504 (a
proxy or the peer said it did not take the request) and 429. A timeout, a 500 or an invalid answer is
never repeated: the peer may have done the work, and repeating a slow call only doubles the wait.

Delays use AWS's "full jitter": uniform in ``[0, min(backoff_max, backoff_base * 2**n)]``, so instances
that failed together do not come back together. A 429's ``Retry-After`` is a floor under the delay; one
longer than ``backoff_max`` ends the call at once rather than hold a request that long.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Generator
from typing import Any, TypeVar

import backoff
from backoff.types import Details

from segsvc.config.settings import PeerSettings
from segsvc.peers.errors import PeerError

T = TypeVar("T")
OnRetry = Callable[[PeerError, int, float], None]


def retry_delays(base: float, cap: float) -> Generator[float, Any, None]:
    """backoff wait generator: receives the error that failed, yields the pause before the next try."""
    expo = backoff.expo(base=2, factor=base, max_value=cap)
    next(expo)  # prime it, as backoff itself does
    error: PeerError | None = yield 0.0  # backoff discards what the priming send returns
    while True:
        delay = random.uniform(0.0, next(expo))  # full jitter
        if error is not None and error.retry_after is not None:
            delay = max(delay, error.retry_after)
        error = yield delay


class RetryPolicy:
    """Repeats one attempt per ``peers.<peer>`` settings, read live on every call."""

    def __init__(self, settings: Callable[[], PeerSettings], on_retry: OnRetry | None = None) -> None:
        self.settings = settings
        self.on_retry = on_retry
        self._run = backoff.on_exception(
            retry_delays, PeerError, max_tries=lambda: self.settings().max_tries, giveup=self._give_up,
            jitter=None, on_backoff=self._backing_off, logger=None,
            base=lambda: self.settings().backoff_base, cap=lambda: self.settings().backoff_max)(self._once)

    async def run(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """``await attempt()`` until it succeeds, fails in a way not worth repeating, or tries run out."""
        result: T = await self._run(attempt)
        return result

    @staticmethod
    async def _once(attempt: Callable[[], Awaitable[T]]) -> T:
        return await attempt()

    def _give_up(self, error: Exception) -> bool:
        if not isinstance(error, PeerError) or not error.retryable:
            return True
        return error.retry_after is not None and error.retry_after > self.settings().backoff_max

    def _backing_off(self, details: Details) -> None:
        if self.on_retry is not None:
            extra: dict[str, Any] = dict(details)
            self.on_retry(extra["exception"], int(details["tries"]), float(extra["wait"]))
