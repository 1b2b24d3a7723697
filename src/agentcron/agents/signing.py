"""Signatures on webhook calls, for agentcron to send and for receivers to check.

The signed message is `"<timestamp>.<raw body>"`, keyed with the shared secret
(HMAC-SHA256). The timestamp is inside the signature, so a receiver that also
checks its age refuses replays of old calls. Receivers must verify the raw bytes
they received, before parsing the JSON.

    from agentcron.agents.signing import verify
    if not verify(secret, request.headers, raw_body, now=datetime.now(UTC)):
        ...  # answer 401
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

TIMESTAMP_HEADER = "X-Agentcron-Timestamp"
SIGNATURE_HEADER = "X-Agentcron-Signature"
EXECUTION_HEADER = "X-Agentcron-Execution-Id"


class Headers(Protocol):
    """Anything with `items()`: a dict, Starlette's or httpx's headers, `http.server`'s message."""

    def items(self) -> Iterable[tuple[str, Any]]: ...


def sign(secret: str | bytes, timestamp: int | str, body: bytes) -> str:
    """The `X-Agentcron-Signature` value: `sha256=<hex digest>`."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    message = f"{timestamp}.".encode("ascii") + body
    return "sha256=" + hmac.new(key, message, hashlib.sha256).hexdigest()


def signature_headers(secret: str | bytes, timestamp: int, body: bytes) -> dict[str, str]:
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}


def _header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return str(value)
    return None


def verify(
    secret: str | bytes,
    headers: Headers,
    body: bytes,
    *,
    now: datetime | float,
    tolerance_s: float = 300,
) -> bool:
    """True when the signature matches `body` and the timestamp is within `tolerance_s` of `now`.

    `now` is an aware datetime or Unix seconds. Header names are matched case-insensitively;
    the comparison takes the same time whatever the signature, so it leaks nothing.
    """
    timestamp = _header(headers, TIMESTAMP_HEADER)
    signature = _header(headers, SIGNATURE_HEADER)
    if timestamp is None or signature is None:
        return False
    timestamp = timestamp.strip()
    if not (timestamp.isascii() and timestamp.isdigit()):
        return False
    now_s = now.timestamp() if isinstance(now, datetime) else float(now)
    if abs(now_s - int(timestamp)) > tolerance_s:
        return False
    expected = sign(secret, timestamp, body).encode("ascii")
    return hmac.compare_digest(expected, signature.strip().encode("utf-8"))
