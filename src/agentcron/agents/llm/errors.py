"""Turning what pydantic-ai raises into an `AgentError` that says whether to retry.

limit reached (max_llm_calls, max_tokens, the budget's allowance)  permanent
HTTP 408, 425, 429, 5xx; network trouble; timeouts                 retryable
HTTP 429 / 503 with Retry-After                                    retryable, retry_after_s
other HTTP 4xx (a wrong key, an unknown model)                     permanent
an answer that cannot be used (empty, malformed)                   permanent
a tool server that fails to start                                  retryable (toolsets.py)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic_ai.exceptions import (
    ModelAPIError,
    ModelHTTPError,
    ToolFailedError,
    ToolRetryError,
    UnexpectedModelBehavior,
    UsageLimitExceeded,
    UserError,
)

from agentcron.agents.base import AgentError
from agentcron.agents.httpcall import parse_retry_after, retryable_status
from agentcron.agents.results import MESSAGE_LIMIT, redact, shorten


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits one attempt runs under, and which of them `max_tokens` came from."""

    max_llm_calls: int
    max_tokens: int | None
    tokens_from_budget: bool


def unwrap(exc: BaseException) -> BaseException:
    """The one error inside task-group wrapping, if it is one error."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def describe(exc: BaseException) -> str:
    """A short account of a model or tool error, the provider's own words where it gave any."""
    exc = unwrap(exc)
    if isinstance(exc, ModelHTTPError):
        return f"HTTP {exc.status_code}: {_server_words(exc.body)}".rstrip(": ")
    if isinstance(exc, ModelAPIError | UnexpectedModelBehavior | UserError):
        return exc.message
    if isinstance(exc, ToolFailedError | ToolRetryError):  # what the model was told
        return str(exc)
    return f"{type(exc).__name__}: {exc}".rstrip(": ")


def to_agent_error(
    exc: BaseException,
    *,
    what: str,
    limits: Limits,
    now: Callable[[], datetime],
    secrets: tuple[str, ...],
) -> AgentError:
    exc = unwrap(exc)
    if isinstance(exc, AgentError):
        return exc
    if isinstance(exc, UsageLimitExceeded):
        return _limit_error(exc, what=what, limits=limits)
    retryable, retry_after, code = False, None, None
    if isinstance(exc, ModelHTTPError):
        message = f"{what} answered HTTP {exc.status_code}: {_server_words(exc.body)}"
        retryable = retryable_status(exc.status_code)
        if retryable:
            header = (exc.headers or {}).get("retry-after")
            retry_after = parse_retry_after(header, now=now()) if header else exc.retry_after
        code = "rate_limited" if exc.status_code == 429 else None
    elif isinstance(exc, UnexpectedModelBehavior):  # before ModelAPIError: a bad answer is both
        message = f"{what}: the model's answer could not be used: {_without_links(exc.message)}"
    elif isinstance(exc, ModelAPIError):
        message = f"{what} could not get an answer: {exc.message}"
        retryable = True
    elif isinstance(exc, UserError):
        message = f"{what}: {exc.message}"
    else:
        message = f"{what} failed: {describe(exc)}"
    return AgentError(
        shorten(redact(message.rstrip(": "), secrets), MESSAGE_LIMIT),
        retryable=retryable,
        retry_after_s=retry_after,
        code=code,
    )


def _limit_error(exc: UsageLimitExceeded, *, what: str, limits: Limits) -> AgentError:
    if "token" in exc.message:
        if limits.tokens_from_budget:
            message = (
                f"{what} stopped: the budget allowed {limits.max_tokens} more tokens "
                "for this run and they are spent"
            )
            return AgentError(message, retryable=False, code="budget_exceeded")
        message = f"{what} stopped: it reached max_tokens ({limits.max_tokens}) for one run"
        return AgentError(message, retryable=False, code="max_tokens")
    message = (
        f"{what} stopped: it reached max_llm_calls ({limits.max_llm_calls}) "
        "before giving its final answer"
    )
    return AgentError(message, retryable=False, code="max_llm_calls")


def _without_links(message: str) -> str:
    """A validation error without pydantic's "for further information visit" lines."""
    return "\n".join(line for line in message.splitlines() if "errors.pydantic.dev" not in line)


def _server_words(body: object) -> str:
    """`{"message": …}`, `{"error": {"message": …}}`, a string, or the body as it is."""
    for _ in range(2):
        if isinstance(body, dict):
            inner = body.get("error", body.get("message"))
            if inner is None:
                break
            body = inner
    if isinstance(body, str):
        return shorten(" ".join(body.split()), 500)
    return shorten(str(body), 300) if body is not None else ""
