"""The error tree every interface maps in one place. Each class says how it reads over
HTTP (`status`, and `slug`, the last part of its problem type); the API turns any of them
into problem+json and the web UI into a page, each with one small handler.

AgentcronError                                                        400 bad-request
├── InvalidInput (ValueError)      bad fields: a list of Problems      422 invalid-input
├── NotFound (LookupError)         missing *or someone else's*         404 not-found
├── Conflict                       a cap or a state that forbids it    409 conflict
│   └── AmbiguousId                a short id that names several        409 conflict
├── RateLimited                    too many requests; retry_after_s    429 rate-limited
├── Unauthorized                   who are you?                        401 unauthorized
├── Forbidden                      signed in, but not allowed          403 forbidden
└── NotReady                       database unreachable or behind      503 not-ready
    └── StoreUnavailable           the database did not answer (the store raises it)
"""

from __future__ import annotations

from typing import ClassVar

from agentcron.timing.problems import InvalidSchedule, Problem

__all__ = [
    "AgentcronError",
    "AmbiguousId",
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "NotReady",
    "Problem",
    "RateLimited",
    "StoreUnavailable",
    "Unauthorized",
]


class AgentcronError(Exception):
    """Root of every error agentcron raises on purpose."""

    title: ClassVar[str] = "Error"
    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"

    @property
    def detail(self) -> str:
        """What a person reads: the message, never a stack or a secret."""
        return str(self)


class InvalidInput(AgentcronError, ValueError):
    title = "Invalid input"
    status = 422
    slug = "invalid-input"

    def __init__(
        self, problems: list[Problem], *, understood: dict[str, object] | None = None
    ) -> None:
        self.problems = problems
        # A refused sentence: what the parser did understand of it (agent, command, timing,
        # zone), so a person or an assistant can see what to change.
        self.understood = understood
        super().__init__("; ".join(str(p) for p in problems))

    @classmethod
    def one(cls, field: str, message: str, fix: str = "") -> InvalidInput:
        return cls([Problem(field, message, fix)])

    @classmethod
    def from_schedule(cls, error: InvalidSchedule) -> InvalidInput:
        return cls(list(error.problems))

    @property
    def detail(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        return f"{len(self.problems)} problems: " + "; ".join(str(p) for p in self.problems)


class NotFound(AgentcronError, LookupError):
    title = "Not found"
    status = 404
    slug = "not-found"

    def __init__(self, kind: str, ident: object) -> None:
        self.kind = kind
        self.ident = ident
        super().__init__(f"no {kind} {ident}")


class Conflict(AgentcronError):
    title = "Conflict"
    status = 409
    slug = "conflict"


class AmbiguousId(Conflict):
    """A unique prefix of an id was expected (the CLI's and MCP's short ids); several match."""

    def __init__(self, kind: str, prefix: str, count: int) -> None:
        super().__init__(f"id prefix {prefix!r} matches {count} {kind}s; give more digits")


class RateLimited(AgentcronError):
    title = "Too many requests"
    status = 429
    slug = "rate-limited"

    def __init__(self, message: str, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class Unauthorized(AgentcronError):
    title = "Unauthorized"
    status = 401
    slug = "unauthorized"


class Forbidden(AgentcronError):
    title = "Forbidden"
    status = 403
    slug = "forbidden"


class NotReady(AgentcronError):
    title = "Service not ready"
    status = 503
    slug = "not-ready"
    retry_after_s: int | None = None


class StoreUnavailable(NotReady):
    """The database did not answer (restarting, unreachable, locked too long). The request
    may well work in a moment, so it is a 503 with Retry-After, never a 500."""

    retry_after_s = 5

    def __init__(self, cause: Exception) -> None:
        self.cause_name = type(cause).__name__
        super().__init__(
            "the database is unavailable; try again shortly (if this persists, check "
            "/readyz and run `agentcron migrate`)"
        )
