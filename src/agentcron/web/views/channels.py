"""The channels page (add, test, turn on and off, remove, see each one's last error and the
latest deliveries) and the bell's feed of recent notices (`/ui/notifications`, JSON)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from agentcron.errors import InvalidInput
from agentcron.service.channels import DEFAULT_ON, EVENTS, ChannelDraft, ChannelView
from agentcron.web.routing import (
    Member,
    WebRoute,
    form,
    member,
    page,
    problems_json,
    run,
    see_other,
    set_flash,
    wants_json,
)

router = APIRouter(route_class=WebRoute)
EVENT_WORDS = {
    "failure": "Failure (first of a streak)",
    "recovery": "Recovery",
    "success": "Every success",
    "agent": "The agent asks",
    "auto_paused": "Paused after failures",
    "missed": "Missed slot",
    "budget_warning": "Budget nearly spent",
    "budget_exhausted": "Budget exhausted",
}


async def _render(
    request: Request,
    who: Member,
    *,
    created: ChannelView | None = None,
    errors: list[dict[str, str]] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    channels = await run(who.state.channels.list, who.user)
    log, _ = await run(who.state.channels.deliveries, who.user, limit=20)
    context = {
        "title": "Channels",
        "nav": "channels",
        "channels": channels,
        "log": log,
        "events": EVENTS,
        "event_words": EVENT_WORDS,
        "default_on": DEFAULT_ON,
        "created": created,
        "errors": errors or [],
        "values": values or {},
    }
    return page(
        request,
        who,
        "channels.html",
        context,
        status=status,
        regions={"log": "regions/deliveries.html"},
    )


@router.get("/channels")
async def channels_page(request: Request) -> Response:
    return await _render(request, await member(request))


@router.post("/channels")
async def add_channel(request: Request) -> Response:
    """Rendered, not redirected: a webhook's secret is shown on this answer only, and never
    travels in a cookie."""
    who = await member(request)
    fields = await form(request, who)
    on = [e for e in EVENTS if fields.get(f"on_{e}") == "on"]
    draft = ChannelDraft(name=fields.get("name"), url=fields.get("url"), on=on)
    try:
        created = await run(who.state.channels.create, who.user, draft)
    except InvalidInput as exc:
        values = {"name": fields.get("name", ""), "on": on}  # never the URL: a credential
        return await _render(request, who, errors=problems_json(exc), values=values, status=422)
    return await _render(request, who, created=created, status=201)


@router.post("/channels/{channel_id}/test")
async def test_channel(request: Request, channel_id: str) -> Response:
    who = await member(request)
    await form(request, who)
    result = await who.state.channels.test(who.user, channel_id)
    if wants_json(request):
        return JSONResponse({"ok": result.ok, "error": result.error})
    response = see_other("/channels")
    set_flash(response, who, "Test sent." if result.ok else f"The test failed: {result.error}")
    return response


@router.post("/channels/{channel_id}/enabled")
async def set_enabled(request: Request, channel_id: str) -> Response:
    who = await member(request)
    fields = await form(request, who)
    wanted = fields.get("enabled") == "true"
    view = await run(who.state.channels.update, who.user, channel_id, ChannelDraft(enabled=wanted))
    if wants_json(request):
        return JSONResponse({"ok": True, "enabled": view.row.enabled})
    response = see_other("/channels")
    set_flash(response, who, f"{'Enabled' if view.row.enabled else 'Disabled'}: {view.row.name}")
    return response


@router.post("/channels/{channel_id}/delete")
async def delete_channel(request: Request, channel_id: str) -> Response:
    who = await member(request)
    await form(request, who)
    view = await run(who.state.channels.get, who.user, channel_id)
    await run(who.state.channels.delete, who.user, channel_id)
    response = see_other("/channels")
    set_flash(response, who, f"Removed: {view.row.name}")
    return response


@router.get("/ui/notifications")
async def bell(request: Request) -> Response:
    """The bell's feed: the newest notices, each with where it went."""
    who = await member(request)
    items = await run(who.state.channels.recent, who.user, 20)
    return JSONResponse(
        {
            "items": [
                {
                    "id": str(item.notice.id),
                    "event": item.notice.event,
                    "title": item.notice.title,
                    "message": item.notice.message,
                    "created_at": item.notice.created_at.isoformat(),
                    "schedule_id": str(item.notice.schedule_id)
                    if item.notice.schedule_id
                    else None,
                    "execution_id": str(item.notice.execution_id)
                    if item.notice.execution_id
                    else None,
                    "deliveries": list(item.statuses),
                }
                for item in items
            ]
        },
        headers={"Cache-Control": "no-store"},
    )
