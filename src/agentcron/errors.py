"""The error tree every interface maps in one place.

AgentcronError
├── InvalidInput (ValueError)      bad fields: a list of Problems        → 422
├── NotFound (LookupError)         missing *or someone else's*           → 404
├── Conflict                       a cap or a state that forbids it      → 409
├── RateLimited                    too many writes; retry_after seconds  → 429
├── Unauthorized                   who are you?                          → 401
└── NotReady                       database unreachable or behind        → 503
"""

from __future__ import annotations

from agentcron.timing.problems import InvalidSchedule, Problem

__all__ = [
    "AgentcronError",
    "Conflict",
    "InvalidInput",
    "NotFound",
    "NotReady",
    "Problem",
    "RateLimited",
    "Unauthorized",
]


class AgentcronError(Exception):
    """Root of every error agentcron raises on purpose."""

    title = "Error"


class InvalidInput(AgentcronError, ValueError):
    title = "Invalid input"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    @classmethod
    def one(cls, field: str, message: str, fix: str = "") -> InvalidInput:
        return cls([Problem(field, message, fix)])

    @classmethod
    def from_schedule(cls, error: InvalidSchedule) -> InvalidInput:
        return cls(list(error.problems))


class NotFound(AgentcronError, LookupError):
    title = "Not found"

    def __init__(self, kind: str, ident: object) -> None:
        self.kind = kind
        self.ident = ident
        super().__init__(f"no {kind} {ident}")


class Conflict(AgentcronError):
    title = "Conflict"


class RateLimited(AgentcronError):
    title = "Too many requests"

    def __init__(self, message: str, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class Unauthorized(AgentcronError):
    title = "Unauthorized"


class NotReady(AgentcronError):
    title = "Service not ready"
