"""Per-client rate limits: a token bucket per client address and route class.

The buckets live in the memory of one API process, so with N processes (uvicorn workers, or
hosts behind a balancer) a client may make up to N times the configured number of requests.
That bounds a flood, which is the point; a shared store would be needed for exact quotas.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Beyond this many tracked clients, buckets that have refilled completely are forgotten (a full
# bucket and no bucket behave the same), so a spray of addresses cannot grow memory without end.
MAX_TRACKED = 100_000


@dataclass
class _Bucket:
    tokens: float
    updated: float
    capacity: int
    rate: float  # tokens per second

    def refill(self, now: float) -> float:
        return min(self.capacity, self.tokens + (now - self.updated) * self.rate)


class RateLimiter:
    """Token buckets keyed by (route class, client address); thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def acquire(self, route_class: str, client: str, capacity: int, period_s: float) -> float:
        """Takes one token; returns 0 if granted, else the seconds until a token is back."""
        rate = capacity / period_s
        with self._lock:
            now = self._clock()
            key = (route_class, client)
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= MAX_TRACKED:
                    self._forget_full(now)
                bucket = self._buckets[key] = _Bucket(float(capacity), now, capacity, rate)
            else:
                bucket.capacity, bucket.rate = capacity, rate
                bucket.tokens, bucket.updated = bucket.refill(now), now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / rate

    def _forget_full(self, now: float) -> None:
        full = [k for k, bucket in self._buckets.items() if bucket.refill(now) >= bucket.capacity]
        for key in full:
            del self._buckets[key]


def retry_after_header(wait_s: float) -> str:
    """``Retry-After`` in whole seconds, rounded up (at least 1)."""
    return str(max(1, math.ceil(wait_s)))
