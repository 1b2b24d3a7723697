from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from agentcron.agents.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify

SECRET = "whsec-test-0123456789"
BODY = b'{"command":"check deprecated models","agent":"hook"}'
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TS = int(NOW.timestamp())


def signed_headers(secret: str = SECRET, body: bytes = BODY, ts: int = TS) -> dict[str, str]:
    return {TIMESTAMP_HEADER: str(ts), SIGNATURE_HEADER: sign(secret, ts, body)}


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{TS}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, TS, BODY) == f"sha256={expected}"
    assert sign(SECRET.encode(), str(TS), BODY) == f"sha256={expected}"


def test_verify_accepts_a_fresh_correct_signature() -> None:
    assert verify(SECRET, signed_headers(), BODY, now=NOW)
    assert verify(SECRET, signed_headers(), BODY, now=NOW.timestamp() + 299)


def test_verify_ignores_header_case() -> None:
    headers = {name.lower(): value for name, value in signed_headers().items()}
    assert verify(SECRET, headers, BODY, now=NOW)


@pytest.mark.parametrize(
    ("secret", "body", "now"),
    [
        pytest.param("other-secret", BODY, NOW, id="wrong secret"),
        pytest.param(SECRET, BODY + b" ", NOW, id="tampered body"),
        pytest.param(SECRET, BODY, NOW + timedelta(seconds=301), id="replayed late"),
        pytest.param(SECRET, BODY, NOW - timedelta(seconds=301), id="from the future"),
    ],
)
def test_verify_refuses(secret: str, body: bytes, now: datetime) -> None:
    assert not verify(secret, signed_headers(), body, now=now)


def test_verify_tolerance_is_configurable() -> None:
    assert not verify(
        SECRET, signed_headers(), BODY, now=NOW + timedelta(seconds=61), tolerance_s=60
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {TIMESTAMP_HEADER: str(TS)},
        {SIGNATURE_HEADER: sign(SECRET, TS, BODY)},
        {TIMESTAMP_HEADER: "soon", SIGNATURE_HEADER: sign(SECRET, TS, BODY)},
        {TIMESTAMP_HEADER: str(TS), SIGNATURE_HEADER: "sha256=é"},
        {TIMESTAMP_HEADER: f"0{TS}", SIGNATURE_HEADER: sign(SECRET, TS, BODY)},
    ],
)
def test_verify_refuses_missing_or_malformed_headers(headers: dict[str, str]) -> None:
    assert not verify(SECRET, headers, BODY, now=NOW)
