"""Per-key token buckets for write and authentication rate limits.

Kept in process memory: a limit is a courtesy to the server, not a record, so losing it on
restart is harmless, and with several instances each enforces its own share.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class RateLimiter:
    """`per_minute` events per key, refilled continuously, bursts up to `per_minute`."""

    def __init__(self, per_minute: int, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._monotonic = monotonic
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> int:
        """Spend one token; return 0 when allowed, else the seconds to wait before retrying."""
        now = self._monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                if len(self._buckets) > 10_000:
                    self._forget_full(now)
                return 0
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / self.rate))

    def wait(self, key: str) -> int:
        """Seconds until `key` may act again (0: now), without spending anything.

        For refusing a caller who is already over the limit before doing the costly part
        (authentication refuses a blocked address before checking its token)."""
        now = self._monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        return 0 if tokens >= 1 else max(1, math.ceil((1 - tokens) / self.rate))

    def _forget_full(self, now: float) -> None:
        for key, (tokens, last) in list(self._buckets.items()):
            if tokens + (now - last) * self.rate >= self.capacity:
                del self._buckets[key]
