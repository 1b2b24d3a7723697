"""Browser sessions and CSRF protection for the web UI.

A session is a signed cookie (itsdangerous, keyed by the app's secret key) holding a
per-session CSRF token and, once signed in, the raw id of a server-side session row
(`service.sessions`), which every request checks: signing out, revoking the token that
signed in, or `agentcron users sign-out` ends it on every instance, stolen copies included.
Visitors who have not signed in get an anonymous session too, so the sign-in form itself is
CSRF-protected. Signing in issues a fresh session (a new CSRF token: no fixation), and the
cookie is HttpOnly, SameSite=Lax, and Secure with the `__Host-` prefix when configured so.

State-changing requests must echo the session's token, in the `csrf_token` form field or the
`X-CSRF-Token` header; the comparison is constant-time.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SALT = "agentcron.browser-session.v2"  # v1 cookies (no server-side row) read as anonymous


@dataclass(frozen=True, slots=True)
class BrowserSession:
    csrf: str
    session_id: str | None = None  # the server-side session's raw id, once signed in

    @property
    def signed_in(self) -> bool:
        return self.session_id is not None


class SessionCookies:
    """Reads and writes the session cookie; knows nothing of users: the id it carries is
    looked up in the database on each request."""

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
        sid = data.get("s")
        if sid is not None and (not isinstance(sid, str) or not 16 <= len(sid) <= 200):
            return None
        return BrowserSession(data["c"], sid)

    @staticmethod
    def anonymous() -> BrowserSession:
        return BrowserSession(secrets.token_urlsafe(32))

    @staticmethod
    def signed_in_as(session_id: str) -> BrowserSession:
        """A fresh cookie (new CSRF token) for a new server-side session."""
        return BrowserSession(secrets.token_urlsafe(32), session_id)

    def write(self, response: Response, session: BrowserSession) -> None:
        payload = {"c": session.csrf, "s": session.session_id}
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
