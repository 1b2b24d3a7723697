"""One POST to an HTTP agent, with the failure rules both HTTP backends share.

Network trouble, timeouts, 408, 429 and 5xx may pass: they are retryable. Any
other non-2xx answer will not change by asking again. A `Retry-After` on such an
answer travels with the error (`retry_after_s`), so the runner can wait as long
as the server asked. Replies are read up to `REPLY_LIMIT` bytes, so a runaway
server cannot fill our memory.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx2

from agentcron.agents.base import AgentContext, AgentError
from agentcron.agents.results import MESSAGE_LIMIT, redact, shorten

REPLY_LIMIT = 1024 * 1024
BACKSTOP_S = 1.0
_RETRYABLE_STATUS = frozenset({408, 425, 429})


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    truncated: bool
    retry_after: str | None = None
    """The raw `Retry-After` header, if the server sent one."""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def secret_from_env(name: str, *, purpose: str) -> str:
    """Read a secret at call time; a missing one is a configuration problem, not worth a retry."""
    value = os.environ.get(name)
    if not value:
        raise AgentError(f"environment variable {name} ({purpose}) is not set", retryable=False)
    return value


def request_timeout(configured_s: float | None, context: AgentContext) -> float:
    """The agent's own `timeout_s`, else a backstop just behind the runner's deadline.

    The runner cancels at `context.timeout_s` and records `timed_out`; an HTTP timeout at
    the same instant would race it and record a plain failure instead.
    """
    return configured_s or context.timeout_s + BACKSTOP_S


def retryable_status(status: int) -> bool:
    return status >= 500 or status in _RETRYABLE_STATUS


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110).

    A date in the past gives 0; anything unreadable gives None, as if the header were absent.
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # the obsolete asctime form carries no zone; it is GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


async def post(
    client: httpx2.AsyncClient,
    url: str,
    *,
    content: bytes,
    headers: Mapping[str, str],
    timeout_s: float,
    what: str,
    secrets: tuple[str, ...] = (),
) -> Reply:
    """POST and read the reply. Raise a retryable AgentError when the call itself failed.

    `what` names the call in messages ("webhook @hook"); the URL never appears there,
    since it may carry credentials.
    """
    try:
        async with client.stream(
            "POST", url, content=content, headers=headers, timeout=timeout_s
        ) as response:
            body = bytearray()
            truncated = False
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > REPLY_LIMIT:
                    del body[REPLY_LIMIT:]
                    truncated = True
                    break
            retry_after = response.headers.get("Retry-After")
            return Reply(response.status_code, bytes(body), truncated, retry_after)
    except httpx2.TimeoutException:
        raise AgentError(f"{what} timed out after {timeout_s:g}s", retryable=True) from None
    except httpx2.HTTPError as exc:
        detail = redact(str(exc), (url, *secrets)) or type(exc).__name__
        message = f"{what} failed: {type(exc).__name__}: {detail}"
        raise AgentError(shorten(message, MESSAGE_LIMIT), retryable=True) from None


def status_error(
    what: str, reply: Reply, detail: str, *, secrets: tuple[str, ...], now: datetime
) -> AgentError:
    """The error for a non-2xx answer, with the server's own words where it gave any."""
    message = f"{what} answered HTTP {reply.status}"
    detail = redact(detail.strip(), secrets)
    if detail:
        message = f"{message}: {detail}"
    retryable = retryable_status(reply.status)
    return AgentError(
        shorten(message, MESSAGE_LIMIT),
        retryable=retryable,
        retry_after_s=parse_retry_after(reply.retry_after, now=now) if retryable else None,
        code="rate_limited" if reply.status == 429 else None,
    )
