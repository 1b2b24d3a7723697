"""Tokens from an identity provider: JWTs signed with a shared secret (HS256) or the
provider's RSA key (RS256).

The algorithm is chosen by the key the operator configured, never by the token alone: a
token whose `alg` has no configured key is refused, so an RS256 public key can never be
misused as an HMAC secret, and `none` is never accepted. Expiry is checked against the
injected clock, like every other instant in agentcron.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from agentcron.config import Settings
from agentcron.errors import Unauthorized

LEEWAY_S = 30  # clocks of the provider and of this server may disagree a little
SUBJECT_MAX = 255  # the users.subject column


def load_public_key(value: str) -> RSAPublicKey:
    """A PEM text (newlines may be written as `\\n`, as environment variables often carry
    them), or the path of a PEM file."""
    text = value.strip()
    if not text.startswith("-----BEGIN"):
        text = Path(text).read_text()
    key = load_pem_public_key(text.replace("\\n", "\n").encode())
    if not isinstance(key, RSAPublicKey):
        raise ValueError("AGENTCRON_JWT_PUBLIC_KEY must be an RSA public key (for RS256)")
    return key


class JwtVerifier:
    def __init__(self, settings: Settings, now: Callable[[], datetime]) -> None:
        self.now = now
        self.keys: dict[str, Any] = {}
        if settings.jwt_secret:
            self.keys["HS256"] = settings.jwt_secret.encode()
        if settings.jwt_public_key:
            self.keys["RS256"] = load_public_key(settings.jwt_public_key)
        self.issuer = settings.jwt_issuer or None
        self.audience = settings.jwt_audience or None

    @property
    def enabled(self) -> bool:
        return bool(self.keys)

    def subject(self, token: str) -> str:
        """The verified `sub` of `token`, or Unauthorized."""
        try:
            alg = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError:
            raise Unauthorized("invalid token") from None
        key = self.keys.get(alg) if isinstance(alg, str) else None
        if key is None or not isinstance(alg, str):
            raise Unauthorized("invalid token")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[alg],
                issuer=self.issuer,
                audience=self.audience,
                options={
                    "require": ["exp", "sub"],
                    "verify_exp": False,  # checked below, against our clock
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": self.audience is not None,
                    "verify_iss": self.issuer is not None,
                },
            )
        except jwt.PyJWTError:
            raise Unauthorized("invalid token") from None
        now = self.now().timestamp()
        exp, nbf, sub = claims.get("exp"), claims.get("nbf"), claims.get("sub")
        if not isinstance(exp, int | float) or isinstance(exp, bool):
            raise Unauthorized("invalid token")
        if now >= exp + LEEWAY_S:
            raise Unauthorized("token expired")
        if nbf is not None and (
            not isinstance(nbf, int | float) or isinstance(nbf, bool) or now + LEEWAY_S < nbf
        ):
            raise Unauthorized("token not valid yet")
        if not isinstance(sub, str) or not sub.strip() or len(sub) > SUBJECT_MAX:
            raise Unauthorized("invalid token")
        return sub
