"""A person's own settings: the time zone every page shows times in (and new schedules
default to), the browser's suggested zone answered once, and their API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from agentcron.errors import InvalidInput, NotFound, RateLimited
from agentcron.web.routing import (
    Member,
    WebRoute,
    form,
    member,
    page,
    run,
    safe_next,
    see_other,
    set_flash,
)
from agentcron.web.views.editor import zone_names

router = APIRouter(route_class=WebRoute)


def offset_text(at: datetime) -> str:
    """ "UTC+05:30", "UTC-03:00", "UTC" for a zone's offset at `at`."""
    delta = at.utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def zone_choices(now: datetime) -> list[tuple[str, str]]:
    """Every zone the picker offers, with its offset now (what people search for too)."""
    return [(name, offset_text(now.astimezone(ZoneInfo(name)))) for name in zone_names()]


async def _render(
    request: Request, who: Member, *, problem: str = "", asked: str = "", status: int = 200
) -> Response:
    now = who.state.clock.now()
    zone = ZoneInfo(who.user.timezone)
    tokens = await run(who.state.users.tokens, who.user)
    context: dict[str, Any] = {
        "title": "Settings",
        "nav": "settings",
        "zones": zone_choices(now),
        "here_now": now.astimezone(zone),
        "offset": offset_text(now.astimezone(zone)),
        "problem": problem,
        "asked": asked,
        "tokens": sorted(tokens, key=lambda t: (t.revoked_at is not None, t.created_at)),
    }
    return page(request, who, "settings.html", context, status=status)


@router.get("/settings")
async def settings(request: Request) -> Response:
    who = await member(request)
    return await _render(request, who)


@router.post("/settings/timezone")
async def set_timezone(request: Request) -> Response:
    """From the settings page, and from the suggestion banner on any page ("Use …" sets the
    browser's zone, "Keep …" the one they have: both are a choice and end the offer)."""
    who = await member(request)
    fields = await form(request, who)
    wanted = fields.get("timezone", "").strip()[:64]
    try:
        user = await run(who.state.users.set_timezone, who.user, wanted)
    except InvalidInput as exc:
        message = "; ".join(f"{p.message} — {p.fix}" if p.fix else p.message for p in exc.problems)
        return await _render(request, who, problem=message, asked=wanted, status=422)
    except RateLimited as exc:
        return await _render(request, who, problem=str(exc), asked=wanted, status=429)
    response = see_other(safe_next(fields.get("next"), "/settings"))
    set_flash(response, who, f"Times are shown in {user.timezone}; new schedules start there.")
    return response


@router.post("/settings/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: str) -> Response:
    """Revoking the token this browser signed in with signs it out too (sessions.py)."""
    who = await member(request)
    await form(request, who)
    mine = {str(t.id): t for t in await run(who.state.users.tokens, who.user)}
    token = mine.get(token_id)
    if token is None or token.revoked_at is not None:
        raise NotFound("token", token_id)
    ended = await run(who.state.users.revoke_token, who.user, str(token.id))
    response = see_other("/settings")
    label = token.name or token.prefix
    more = f" and ended {ended.sessions} browser session(s)" if ended.sessions else ""
    set_flash(response, who, f"Revoked the token {label}{more}.")
    return response
