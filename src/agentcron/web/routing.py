"""The web layer's request plumbing: who is visiting, CSRF-checked form bodies, rendering a
page or one live region of it, and a route class that turns errors into pages (the app's
global handlers belong to the API) and puts the security headers on every response.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote, unquote, urlencode
from zoneinfo import ZoneInfo

from fastapi.routing import APIRoute
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from agentcron.auth.sessions import (
    CSRF_FIELD,
    CSRF_HEADER,
    BrowserSession,
    cross_site,
    csrf_matches,
)
from agentcron.errors import AgentcronError, InvalidInput
from agentcron.service.dashboard import user_zone
from agentcron.service.models import User
from agentcron.web.state import WebState, web_state
from agentcron.web.templating import render

log = logging.getLogger(__name__)
T = TypeVar("T")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
THEME_COOKIE = "agentcron_theme"
FLASH_COOKIE = "agentcron_flash"
BROWSER_ZONE_COOKIE = "agentcron_browser_tz"


class SignInRequired(Exception):
    pass


class CsrfRefused(Exception):
    pass


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


async def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a (blocking, database-touching) service function off the event loop."""
    return await run_in_threadpool(fn, *args, **kwargs)


@dataclass
class Visitor:
    """The person behind a request: their session (maybe fresh) and, if signed in, the user."""

    state: WebState
    session: BrowserSession
    user: User | None
    fresh: bool  # the session was made for this response and must be written
    session_hash: str | None = None  # the server-side session, once signed in

    @property
    def csrf(self) -> str:
        return self.session.csrf


@dataclass
class Member(Visitor):
    user: User


async def visitor(request: Request) -> Visitor:
    cached = getattr(request.state, "visitor", None)
    if isinstance(cached, Visitor):
        return cached
    state = web_state(request)
    session = state.cookies.read(request)
    user = None
    fresh = session is None
    session_hash = None
    if session is None:
        session = state.cookies.anonymous()
    elif session.session_id is not None:
        signed_in = await run(state.sessions.check, session.session_id)
        if signed_in is None:  # signed out, revoked or expired: carry on as a visitor
            session, fresh = state.cookies.anonymous(), True
        else:
            user, session_hash = signed_in.user, signed_in.session_hash
    if user is not None:
        user = await _offer_browser_zone(request, state, user)
    found = (
        Visitor(state, session, user, fresh)
        if user is None
        else Member(state, session, user, fresh, session_hash)
    )
    request.state.visitor = found
    return found


async def _offer_browser_zone(request: Request, state: WebState, user: User) -> User:
    """A user who never chose a time zone gets the browser's (app.js keeps it in a cookie)
    as a one-time suggestion; the service ignores anything that is not a real zone."""
    if user.timezone_chosen or user.suggested_timezone is not None:
        return user
    zone = unquote(request.cookies.get(BROWSER_ZONE_COOKIE, ""))[:64]
    if not zone or zone == user.timezone:
        return user
    return await run(state.users.suggest_timezone, user, zone)


async def member(request: Request) -> Member:
    found = await visitor(request)
    if not isinstance(found, Member):
        raise SignInRequired
    return found


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BadRequest("the request is too large", 413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BadRequest("the request is too large", 413)
    return body


def _check_csrf(request: Request, who: Visitor, supplied: str | None) -> None:
    if cross_site(request) or not csrf_matches(who.session, supplied):
        raise CsrfRefused


async def form(request: Request, who: Visitor) -> dict[str, str]:
    """The url-encoded form body, after checking its CSRF token (field or header).
    Repeated fields keep their last value, except those ending in `[]`, joined by commas."""
    if who.fresh:
        raise CsrfRefused  # no session cookie came with the post: nothing to match against
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request, who.state.settings.max_body_bytes)
    if kind != "application/x-www-form-urlencoded" and body:
        raise BadRequest("send the form url-encoded", 415)
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=200)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest("the form could not be read") from exc
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name.endswith("[]") and name in fields:
            fields[name] += "," + value
        else:
            fields[name] = value
    _check_csrf(request, who, fields.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER))
    return fields


async def json_body(request: Request, who: Visitor) -> dict[str, Any]:
    """A JSON object posted by our own scripts; the CSRF token comes in the header."""
    _check_csrf(request, who, request.headers.get(CSRF_HEADER))
    body = await read_body(request, who.state.settings.max_body_bytes)
    try:
        data = json.loads(body or b"{}")
    except ValueError as exc:
        raise BadRequest("the body is not JSON") from exc
    if not isinstance(data, dict):
        raise BadRequest("send a JSON object")
    return data


def safe_next(target: str | None, default: str = "/") -> str:
    """Only paths on this site: never `//host`, `/\\host` or a full URL."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(c in target for c in "\r\n\x00"):
        return default
    return target


def here(request: Request) -> str:
    """This page's path and query, without the `fragment` our live updates add."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "fragment"]
    return request.url.path + (f"?{urlencode(query)}" if query else "")


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def set_flash(response: Response, who: Visitor, message: str) -> None:
    signer = URLSafeSerializer(who.state.secret_key, salt="agentcron.flash")
    response.set_cookie(
        FLASH_COOKIE,
        signer.dumps(message[:300]),
        max_age=60,
        path="/",
        httponly=True,
        samesite="lax",
        secure=who.state.cookies.secure,
    )


def _read_flash(request: Request, who: Visitor) -> str:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return ""
    try:
        message = URLSafeSerializer(who.state.secret_key, salt="agentcron.flash").loads(raw)
    except BadSignature:
        return ""
    return message if isinstance(message, str) else ""


def base_context(request: Request, who: Visitor) -> dict[str, Any]:
    state = who.state
    theme = request.cookies.get(THEME_COOKIE, "")
    return {
        "request": request,
        "user": who.user,
        "csrf_token": who.csrf,
        "theme": theme if theme in ("light", "dark") else "",
        "now": state.clock.now(),
        "zone": user_zone(who.user) if who.user else ZoneInfo("UTC"),
        "hues": state.hues,
        "path": request.url.path,
        "nav": "",
        "flash": "",
        "title": "",
        "link_minutes": state.settings.login_link_ttl_s // 60,
    }


def page(
    request: Request,
    who: Visitor,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    regions: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render `template`, or only the live region `?fragment=` names (for live updates)."""
    values = base_context(request, who)
    values.update(context or {})
    fragment = request.query_params.get("fragment")
    had_flash = False
    if regions and fragment is not None and fragment in regions:
        body = render(who.state.env, regions[fragment], values)
    else:
        had_flash = FLASH_COOKIE in request.cookies
        values["flash"] = _read_flash(request, who) if had_flash else ""
        body = render(who.state.env, template, values)
    response = HTMLResponse(body, status_code=status)
    if had_flash:
        response.delete_cookie(
            FLASH_COOKIE, path="/", secure=who.state.cookies.secure, httponly=True
        )
    if who.fresh:
        who.state.cookies.write(response, who.session)
    return response


def problems_json(error: InvalidInput, mode: str = "") -> list[dict[str, str]]:
    """Problems for our scripts; `label` is what the form calls the field (none for what
    the sentence stands for, in sentence mode: the problem is about the sentence)."""
    from agentcron.web.forms import LABELS, SENTENCE_COVERS

    unlabelled = {"text", *SENTENCE_COVERS} if mode == "sentence" else {"text"}
    return [
        {
            "field": p.field,
            "label": "" if p.field in unlabelled else LABELS.get(p.field, ""),
            "message": p.message,
            "fix": p.fix,
        }
        for p in error.problems
    ]


def _error_response(request: Request, status: int, title: str, message: str) -> Response:
    if wants_json(request) or request.url.path.startswith("/ui/"):
        return JSONResponse({"error": title, "message": message}, status_code=status)
    who = getattr(request.state, "visitor", None)
    if not isinstance(who, Visitor):
        state = web_state(request)
        who = Visitor(state, state.cookies.anonymous(), None, False)
    return page(
        request,
        who,
        "error.html",
        {"title": title, "status": status, "message": message},
        status=status,
    )


# How the UI titles each kind of error; the message is the error's own.
PAGE_TITLES = {404: "Not found", 409: "Not possible", 422: "Invalid input", 429: "Slow down"}


def error_page(request: Request, exc: AgentcronError) -> Response:
    """Any error of ours as a page (or JSON for our scripts), by the status it declares."""
    if exc.status >= 500:
        log.warning("web request failed: %s", exc)
    title = PAGE_TITLES.get(exc.status, exc.title)
    response = _error_response(request, exc.status, title, exc.detail)
    retry_after = getattr(exc, "retry_after_s", None)
    if isinstance(retry_after, int):
        response.headers["Retry-After"] = str(retry_after)
    return response


def harden(response: Response, *, cache: str = "no-store") -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", cache)


class WebRoute(APIRoute):
    """Every web route: errors become pages (or JSON for our scripts), headers get added."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await original(request)
            except SignInRequired:
                if wants_json(request) or request.url.path.startswith("/ui/"):
                    response = JSONResponse({"error": "Sign in first"}, status_code=401)
                else:
                    target = safe_next(
                        request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    )
                    response = see_other(
                        "/login" + ("" if target == "/" else f"?next={quote(target)}")
                    )
            except CsrfRefused:
                response = _error_response(
                    request,
                    403,
                    "Refused",
                    "This form is out of date or did not come from agentcron. "
                    "Reload the page and try again.",
                )
            except BadRequest as exc:
                response = _error_response(request, exc.status, "Bad request", exc.message)
            except AgentcronError as exc:
                response = error_page(request, exc)
            harden(response)
            return response

        return handler
