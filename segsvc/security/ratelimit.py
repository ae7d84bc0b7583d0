"""Per-subject token buckets: ``burst`` requests at once, refilled at ``requests_per_second``.

One bucket per subject (a token's ``sub``, or the client address while authentication is off), refilled
lazily when the subject comes back, so idle subjects cost nothing but their table entry. The table is
bounded: past ``max_subjects`` the longest-unseen subjects are forgotten, which can only ever give them a
full bucket again, never fewer requests than they are owed. Rates are passed per call, so a new rate from
Consul KV applies to the next request of every subject.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._buckets: dict[str, list[float]] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, subject: str, rate: float, burst: int, max_subjects: int) -> int | None:
        """Spend one request of ``subject``: None when allowed, else the whole seconds until one fits."""
        now = self.clock()
        bucket = self._buckets.pop(subject, None)  # re-inserted below: the dict stays in least-recently-seen order
        if bucket is None:
            tokens = float(burst)
            if len(self._buckets) >= max_subjects:
                for stale in list(self._buckets)[: max(1, len(self._buckets) - max_subjects + 1)]:
                    del self._buckets[stale]
        else:
            tokens = min(float(burst), bucket[0] + (now - bucket[1]) * rate)
        if tokens >= 1.0:
            self._buckets[subject] = [tokens - 1.0, now]
            return None
        self._buckets[subject] = [tokens, now]
        return max(1, math.ceil((1.0 - tokens) / rate))
