"""Browser sessions and CSRF protection for the web UI.

A session is a signed cookie (itsdangerous, keyed by the app's secret key) holding the user's
id and a per-session CSRF token; nothing is stored server-side, so any instance can read it.
Visitors who have not signed in get an anonymous session too, so the sign-in form itself is
CSRF-protected. Signing in issues a fresh session (a new CSRF token: no fixation), and the
cookie is HttpOnly, SameSite=Lax, and Secure with the `__Host-` prefix when configured so.

State-changing requests must echo the session's token, in the `csrf_token` form field or the
`X-CSRF-Token` header; the comparison is constant-time. A signed-out cookie stays valid until
it expires (14 days by default): signing out deletes it from the browser, it cannot recall a
copy stolen earlier.
"""

from __future__ import annotations

import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SALT = "agentcron.browser-session.v1"


@dataclass(frozen=True, slots=True)
class BrowserSession:
    csrf: str
    user_id: uuid.UUID | None = None
    signed_in_at: int | None = None  # unix seconds

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None


class SessionCookies:
    """Reads and writes the session cookie; knows nothing of users beyond their id."""

    def __init__(self, secret_key: str, *, max_age_s: int, secure: bool) -> None:
        if not secret_key:
            raise ValueError("browser sessions need a secret key")
        self._serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)
        self.max_age_s = max_age_s
        self.secure = secure
        # `__Host-` makes the browser refuse the cookie unless it is Secure, host-only, Path=/.
        self.cookie_name = "__Host-agentcron_session" if secure else "agentcron_session"

    def read(self, request: Request) -> BrowserSession | None:
        raw = request.cookies.get(self.cookie_name)
        if not raw or len(raw) > 4096:
            return None
        try:
            data: Any = self._serializer.loads(raw, max_age=self.max_age_s)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str) or len(data["c"]) < 16:
            return None
        user_id: uuid.UUID | None = None
        if data.get("u") is not None:
            try:
                user_id = uuid.UUID(str(data["u"]))
            except ValueError:
                return None
        at = data.get("t")
        return BrowserSession(data["c"], user_id, at if isinstance(at, int) else None)

    @staticmethod
    def anonymous() -> BrowserSession:
        return BrowserSession(secrets.token_urlsafe(32))

    @staticmethod
    def for_user(user_id: uuid.UUID) -> BrowserSession:
        return BrowserSession(secrets.token_urlsafe(32), user_id, int(time.time()))

    def write(self, response: Response, session: BrowserSession) -> None:
        payload = {
            "c": session.csrf,
            "u": str(session.user_id) if session.user_id else None,
            "t": session.signed_in_at,
        }
        response.set_cookie(
            self.cookie_name,
            self._serializer.dumps(payload),
            max_age=self.max_age_s,
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(
            self.cookie_name, path="/", secure=self.secure, httponly=True, samesite="lax"
        )


def csrf_matches(session: BrowserSession | None, supplied: str | None) -> bool:
    """Whether `supplied` is this session's CSRF token (constant-time)."""
    if session is None or not supplied:
        return False
    return hmac.compare_digest(session.csrf.encode(), supplied.encode())


def cross_site(request: Request) -> bool:
    """A browser said the request came from another site: refuse it even before the token."""
    return request.headers.get("sec-fetch-site", "") == "cross-site"
