"""Signing in (an API token, which alone says whose it is, or a one-time link) and out."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from agentcron.errors import Unauthorized
from agentcron.web.routing import (
    WebRoute,
    form,
    page,
    run,
    safe_next,
    see_other,
    set_flash,
    visitor,
)

router = APIRouter(route_class=WebRoute)

WRONG = "That token does not belong to an account, or it was revoked."


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login")
async def login_page(request: Request, next: str = "/") -> Response:
    who = await visitor(request)
    if who.user is not None:
        return see_other(safe_next(next))
    return page(
        request,
        who,
        "login.html",
        {"title": "Sign in", "next": safe_next(next), "error": "", "link_failed": False},
    )


@router.post("/login")
async def login(request: Request) -> Response:
    who = await visitor(request)
    fields = await form(request, who)
    token = fields.get("token", "").strip()
    target = safe_next(fields.get("next"))
    context = {"title": "Sign in", "next": target, "error": WRONG, "link_failed": False}
    wait = who.state.sign_in_limiter.take(_client(request))
    if wait:
        context["error"] = f"Too many attempts. Try again in {wait} seconds."
        refused = page(request, who, "login.html", context, status=429)
        refused.headers["Retry-After"] = str(wait)
        return refused
    if not token:
        context["error"] = "Enter an API token."
        return page(request, who, "login.html", context, status=400)
    try:
        holder = await run(who.state.users.authenticate_token, token)
    except Unauthorized:
        return page(request, who, "login.html", context, status=401)
    response = see_other(target)
    raw = await run(who.state.sessions.start, holder.user, token_id=holder.token_id)
    who.state.cookies.write(response, who.state.cookies.signed_in_as(raw))
    return response


@router.get("/login/link")
async def login_link(request: Request, token: str = "") -> Response:
    """The one-time link `agentcron serve` prints: redeem it, then drop it from the address bar."""
    who = await visitor(request)
    response: Response
    try:
        if not token or len(token) > 200:
            raise Unauthorized("missing token")
        user = await run(who.state.users.redeem_login_link, token)
    except Unauthorized:
        context = {
            "title": "Sign in",
            "next": "/",
            "error": "This sign-in link is invalid, already used or expired.",
            "link_failed": True,
        }
        response = page(request, who, "login.html", context, status=400)
    else:
        response = see_other("/")
        raw = await run(who.state.sessions.start, user)
        who.state.cookies.write(response, who.state.cookies.signed_in_as(raw))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    who = await visitor(request)
    await form(request, who)
    if who.session.session_id is not None:
        await run(who.state.sessions.end, who.session.session_id)
    response = see_other("/login")
    who.state.cookies.clear(response)
    set_flash(response, who, "You are signed out.")
    return response
