"""The one place that decides whether a failed attempt is retried, and when.

Used by the recorder (an attempt reported its outcome) and by recovery (an attempt's
worker was lost): both ask `after_failure`, so the two paths cannot drift apart.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from agentcron.store.tables import ExecutionStatus

RETRIABLE = (ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT)


def backoff(attempt: int, base_s: float, cap_s: float, rng: random.Random) -> timedelta:
    """Exponential in the attempt number, capped, with half of it jittered so that schedules
    failing together do not retry together."""
    delay = min(cap_s, base_s * (2 ** max(0, attempt - 1)))
    return timedelta(seconds=delay / 2 + rng.uniform(0, delay / 2))


class RetryPolicy:
    """Backoff settings and the jitter source, shared by every decision of an engine."""

    def __init__(self, base_s: float, cap_s: float, rng: random.Random) -> None:
        self.base_s = base_s
        self.cap_s = cap_s
        self.rng = rng

    def after(
        self,
        status: ExecutionStatus,
        *,
        retryable: bool,
        failures: int,
        max_retries: int,
        attempt: int,
        now: datetime,
    ) -> datetime | None:
        """When to try again after an attempt ended with `status`, or None: the outcome is
        final. `failures` counts failed or timed-out attempts including this one; a schedule
        with `max_retries` = 3 gets up to four attempts that fail."""
        if not retryable or status not in RETRIABLE or failures > max_retries:
            return None
        return now + backoff(attempt, self.base_s, self.cap_s, self.rng)
