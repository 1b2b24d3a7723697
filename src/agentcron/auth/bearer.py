"""`Authorization: Bearer <token>` for the REST API, as one FastAPI dependency.

A token is either an agentcron API token (`acr_…`, stored hashed, see UserService) or a JWT
from the operator's identity provider (see `idp`), whose `sub` becomes a user on first use.
Failed attempts are counted per client address; an address over the limit is refused with
429 before its token is even looked at, so guessing costs the guesser, not the database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from agentcron.auth.idp import JwtVerifier
from agentcron.errors import RateLimited, Unauthorized
from agentcron.service.limits import RateLimiter
from agentcron.service.models import User
from agentcron.service.usecases import UseCases
from agentcron.service.users import TOKEN_PREFIX

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description=(
        "An agentcron API token (`acr_…`, from `agentcron tokens create <user>`) or a JWT from "
        "the configured identity provider (HS256 or RS256; `exp` and `sub` required)."
    ),
)


@dataclass(frozen=True, slots=True)
class Caller:
    user: User
    token_id: uuid.UUID | None  # None for a JWT from the identity provider


class BearerAuth:
    """Who is calling; one per app, holding the failure counter of each client address."""

    def __init__(self, use_cases: UseCases) -> None:
        self.users = use_cases.users
        self.jwt = JwtVerifier(use_cases.settings, use_cases.clock.now)
        self.failures = RateLimiter(use_cases.settings.auth_failures_per_minute)

    def authenticate(self, token: str, address: str) -> Caller:
        wait = self.failures.wait(address)
        if wait:
            raise RateLimited("too many failed authentications from your address", wait)
        try:
            return self._caller_for(token)
        except Unauthorized:
            wait = self.failures.take(address)
            if wait:
                raise RateLimited(
                    "too many failed authentications from your address", wait
                ) from None
            raise

    def _caller_for(self, token: str) -> Caller:
        if token.startswith(TOKEN_PREFIX):
            holder = self.users.authenticate_token(token)
            return Caller(holder.user, holder.token_id)
        if self.jwt.enabled and token.count(".") == 2:
            return Caller(self.users.for_subject(self.jwt.subject(token)), None)
        raise Unauthorized("invalid token")


def challenge(authorization: str | None) -> str:
    """`WWW-Authenticate` for a 401 (RFC 6750): the scheme, and `invalid_token` when a token
    was sent and refused. The API and the MCP endpoint answer with the same one."""
    value = 'Bearer realm="agentcron"'
    if (authorization or "").lower().startswith("bearer "):
        value += ', error="invalid_token"'
    return value


def bearer_auth(request: Request) -> BearerAuth:
    """The app's BearerAuth (the API installs one; made here for an app that did not)."""
    state = request.app.state
    auth = getattr(state, "bearer_auth", None)
    if not isinstance(auth, BearerAuth):
        auth = state.bearer_auth = BearerAuth(state.use_cases)
    return auth


def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> User:
    """The authenticated caller, or Unauthorized (401) / RateLimited (429)."""
    if credentials is None or not credentials.credentials:
        raise Unauthorized("send Authorization: Bearer <token>")
    address = request.client.host if request.client else "unknown"
    caller = bearer_auth(request).authenticate(credentials.credentials, address)
    request.state.user = caller.user
    request.state.token_id = caller.token_id
    return caller.user


CurrentUser = Annotated[User, Depends(current_user)]
