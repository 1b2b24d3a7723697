"""What every sender takes and how it fails."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

RETRYABLE_STATUS = frozenset({408, 425, 429})
"""4xx answers that may pass: timeouts and rate limits. Any other 4xx will not change by
asking again (a deleted Slack webhook answers 404, a revoked one 410)."""


@dataclass(frozen=True, slots=True)
class Message:
    """One notice, ready to send. `id` is stable across retries, so a receiver can drop a
    copy it has already seen; `payload` holds the `schedule` and `execution` objects of the
    webhook body; `suppressed` counts earlier messages the rate limit held back."""

    id: str
    event: str
    title: str
    body: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    suppressed: int = 0

    @property
    def text(self) -> str:
        """The body as people read it, with the rate limit's count where there is one."""
        if not self.suppressed:
            return self.body
        return (
            f"{self.body}\n\n({self.suppressed} earlier notification(s) to this channel were "
            "held back by its rate limit)"
        )


class DeliveryError(Exception):
    """The channel did not take the message. `permanent`: asking again will not help (the
    URL is gone or refused us), so the channel should be disabled with this reason."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def status_is_permanent(status: int) -> bool:
    return 400 <= status < 500 and status not in RETRYABLE_STATUS
