"""Bearer authentication: API tokens, and JWTs from an identity provider (HS256 with a
shared secret, RS256 with a key pair made here); every way a token can be wrong is a 401,
and too many wrong ones from one address a 429."""

from __future__ import annotations

from datetime import timedelta

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from agentcron.engine.clock import ManualClock
from agentcron.service.users import UserService
from tests.api.conftest import MakeApp
from tests.api.helpers import JWT_SECRET, bearer, hs256, new_caller

pytestmark = pytest.mark.anyio
ISSUER, AUDIENCE = "https://idp.example.test", "agentcron"


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test")


async def test_hs256_jwt_makes_a_user_on_first_use(app: FastAPI, clock: ManualClock) -> None:
    token = hs256("oidc|ada", exp=clock.now() + timedelta(hours=1))
    async with client_for(app) as client:
        first = await client.get("/api/me", headers=bearer(token))
        second = await client.get("/api/me", headers=bearer(token))
        created = await client.post(
            "/api/scheduled-commands",
            json={
                "command_text": "@alice hi",
                "schedule_type": "interval",
                "interval_value": 1,
                "interval_unit": "hours",
            },
            headers=bearer(token),
        )
    assert first.status_code == 200, first.text
    assert first.json()["id"] == second.json()["id"]  # the same user, not a new one each time
    assert created.status_code == 201
    user = UserService(app.state.runtime.services).for_subject("oidc|ada")
    assert str(user.id) == first.json()["id"]


async def test_rs256_jwt_with_issuer_and_audience(make_app: MakeApp, clock: ManualClock) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    app = make_app(jwt_public_key=public_pem, jwt_issuer=ISSUER, jwt_audience=AUDIENCE)
    now = clock.now()
    good = {
        "sub": "grace",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": int((now + timedelta(hours=1)).timestamp()),
    }

    def rs(**changes: object) -> str:
        return jwt.encode({**good, **changes}, private, "RS256")

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused = {
        "wrong issuer": rs(iss="https://evil.test"),
        "no issuer": jwt.encode({k: v for k, v in good.items() if k != "iss"}, private, "RS256"),
        "wrong audience": rs(aud="someone-else"),
        "expired": rs(exp=int((now - timedelta(minutes=5)).timestamp())),
        "not yet valid": rs(nbf=int((now + timedelta(minutes=10)).timestamp())),
        "no exp": jwt.encode({k: v for k, v in good.items() if k != "exp"}, private, "RS256"),
        "no sub": jwt.encode({k: v for k, v in good.items() if k != "sub"}, private, "RS256"),
        "signed by another key": jwt.encode(good, other_key, "RS256"),
        "tampered": _tamper(rs()),
        "alg none": jwt.encode(good, None, "none"),
        # The public key used as an HMAC secret: the classic algorithm confusion.
        "hs256 with the public key": _hs256_raw(good, public_pem.encode()),
        "hs256 with the right secret but wrong issuer": hs256(
            "grace", exp=now + timedelta(hours=1)
        ),
    }
    async with client_for(app) as client:
        ok = await client.get("/api/me", headers=bearer(rs()))
        assert ok.status_code == 200, ok.text
        assert ok.json()["name"] == "grace"
        wrong = []
        for name, token in refused.items():
            response = await client.get("/api/me", headers=bearer(token))
            if response.status_code != 401 or "invalid_token" not in response.headers.get(
                "www-authenticate", ""
            ):
                wrong.append(f"{name}: {response.status_code} {response.text}")
    assert not wrong, "\n".join(wrong)


async def test_bad_hs256_tokens_are_refused(app: FastAPI, clock: ManualClock) -> None:
    now = clock.now()
    refused = {
        "expired": hs256("ada", exp=now - timedelta(seconds=31)),
        "wrong secret": hs256("ada", exp=now + timedelta(hours=1), secret="x" * 40),
        "tampered": _tamper(hs256("ada", exp=now + timedelta(hours=1))),
        "garbage": "not.a.jwt",
        "empty sub": hs256("", exp=now + timedelta(hours=1)),
        "revoked api token": _revoked_token(app),
        "unknown api token": "acr_" + "A" * 43,
    }
    async with client_for(app) as client:
        wrong = []
        for name, token in refused.items():
            response = await client.get("/api/me", headers=bearer(token))
            body = response.json()
            if (
                response.status_code != 401
                or body.get("type") != "urn:agentcron:problem:unauthorized"
            ):
                wrong.append(f"{name}: {response.status_code} {body}")
        within_leeway = hs256("ada", exp=now - timedelta(seconds=5))
        assert (await client.get("/api/me", headers=bearer(within_leeway))).status_code == 200
    assert not wrong, "\n".join(wrong)


async def test_jwts_are_refused_when_no_provider_is_configured(
    make_app: MakeApp, clock: ManualClock
) -> None:
    app = make_app(jwt_secret="")
    token = hs256("ada", exp=clock.now() + timedelta(hours=1))
    async with client_for(app) as client:
        assert (await client.get("/api/me", headers=bearer(token))).status_code == 401


async def test_failed_attempts_are_limited_per_address(make_app: MakeApp) -> None:
    app = make_app(auth_failures_per_minute=3)
    caller = new_caller(app)
    async with client_for(app) as client:
        for _ in range(3):
            assert (await client.get("/api/me", headers=bearer("acr_wrong"))).status_code == 401
        limited = await client.get("/api/me", headers=bearer("acr_wrong"))
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.headers["content-type"] == "application/problem+json"
        # The address is refused before its token is looked at, good token or not.
        assert (await client.get("/api/me", headers=caller.headers)).status_code == 429
    other_address = httpx.ASGITransport(app=app, client=("192.0.2.7", 4000))
    async with httpx.AsyncClient(transport=other_address, base_url="http://api.test") as client:
        assert (await client.get("/api/me", headers=caller.headers)).status_code == 200


def _tamper(token: str) -> str:
    head, payload, signature = token.split(".")
    flipped = "A" if signature[5] != "A" else "B"
    return f"{head}.{payload}.{signature[:5]}{flipped}{signature[6:]}"


def _hs256_raw(claims: dict[str, object], key: bytes) -> str:
    """Sign HS256 with any bytes as the key (PyJWT itself refuses PEM keys for HMAC)."""
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    signature = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(signature)}"


def _revoked_token(app: FastAPI) -> str:
    caller = new_caller(app)
    users = UserService(app.state.runtime.services)
    users.revoke_token(caller.user, caller.token[:12])
    return caller.token


assert len(JWT_SECRET) >= 32  # PyJWT warns (an error here) about shorter HMAC keys
