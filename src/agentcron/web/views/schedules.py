"""The schedules list and what each row can do: enable or disable, run now, delete.

Row actions are plain form posts that redirect back (they work without JavaScript); our
script sends the same posts with `Accept: application/json` and gets JSON instead.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from agentcron.service.models import ScheduleFilter
from agentcron.web.paging import page_number
from agentcron.web.routing import (
    WebRoute,
    form,
    here,
    member,
    page,
    run,
    safe_next,
    see_other,
    set_flash,
    wants_json,
)
from agentcron.web.text import one_line
from agentcron.web.views import organise

router = APIRouter(route_class=WebRoute)

PAGE_SIZE = 50
REGIONS = {"rows": "regions/schedule_rows.html"}


def _clean(value: str, limit: int) -> str:
    """What a filter box holds, without what no schedule can contain (NUL) and capped."""
    return value.replace("\x00", "").strip()[:limit]


def _filters(
    agent: str, enabled: str, q: str, tags: list[str] | None = None, sort: str = ""
) -> ScheduleFilter:
    return ScheduleFilter(
        agent_id=_clean(agent, 64).lstrip("@").lower() or None,
        enabled={"on": True, "off": False}.get(enabled),
        search=_clean(q, 100) or None,
        tags=tuple(organise.clean_tags(tags)),
        sort=sort if sort and sort in organise.SORTS else None,
    )


@router.get("/schedules")
async def schedules(
    request: Request,
    agent: str = "",
    enabled: str = "",
    q: str = "",
    tag: list[str] = Query([]),
    sort: str = "",
    page_no: str = Query("1", alias="page"),
) -> Response:
    who = await member(request)
    number = page_number(page_no)
    where = _filters(agent, enabled, q, tag, sort)
    views, total = await run(
        who.state.schedules.list,
        who.user,
        where,
        offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    context: dict[str, Any] = {
        "title": "Schedules",
        "nav": "schedules",
        "views": views,
        "total": total,
        "page_no": number,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "filters": {
            "agent": _clean(agent, 64).lstrip("@").lower(),
            "enabled": enabled if enabled in ("on", "off") else "",
            "q": _clean(q, 100),
        },
        "agents": who.state.agents.infos(),
        "filtered": bool(agent or enabled or q.strip() or where.tags),
        # Organising (issue #21): tag chips, sort, the selection bar, live "running".
        **await organise.list_context(who, views, where),
        "back": here(request),
        # Runs waiting to try again: "retrying at 09:30 (attempt 2 of 4)" in their rows.
        "retries": await run(who.state.history.retries, who.user, [v.row.id for v in views]),
    }
    return page(request, who, "schedules.html", context, regions=REGIONS)


@router.post("/schedules/{schedule_id}/enabled")
async def set_enabled(request: Request, schedule_id: str) -> Response:
    who = await member(request)
    fields = await form(request, who)
    wanted = fields.get("enabled") == "true"
    view = await run(who.state.schedules.set_enabled, who.user, schedule_id, wanted)
    if wants_json(request):
        return JSONResponse({"ok": True, "enabled": view.row.enabled})
    response = see_other(safe_next(fields.get("next"), "/schedules"))
    verb = "Enabled" if view.row.enabled else "Disabled"
    set_flash(response, who, f"{verb}: {one_line(view.row.command_text, 80)}")
    return response


@router.post("/schedules/{schedule_id}/run")
async def run_now(request: Request, schedule_id: str) -> Response:
    who = await member(request)
    fields = await form(request, who)
    execution = await run(who.state.schedules.run_now, who.user, schedule_id)
    if wants_json(request):
        return JSONResponse({"ok": True, "execution_id": str(execution.id)})
    response = see_other(
        safe_next(fields.get("next"), f"/schedules/{execution.schedule_id}/history")
    )
    set_flash(response, who, "Queued a run; it starts in a moment.")
    return response


@router.get("/schedules/{schedule_id}/delete")
async def confirm_delete(request: Request, schedule_id: str) -> Response:
    """The confirmation page for browsers without JavaScript (others get a dialog)."""
    who = await member(request)
    view = await run(who.state.schedules.get, who.user, schedule_id)
    return page(request, who, "confirm_delete.html", {"title": "Delete schedule", "view": view})


@router.post("/schedules/{schedule_id}/delete")
async def delete(request: Request, schedule_id: str) -> Response:
    who = await member(request)
    fields = await form(request, who)
    view = await run(who.state.schedules.get, who.user, schedule_id)
    await run(who.state.schedules.delete, who.user, schedule_id)
    if wants_json(request):
        return JSONResponse({"ok": True})
    response = see_other(safe_next(fields.get("next"), "/schedules"))
    set_flash(response, who, f"Deleted: {one_line(view.row.command_text, 80)}")
    return response


@router.get("/schedules/{schedule_id}")
async def schedule(request: Request, schedule_id: str) -> Response:
    who = await member(request)
    view = await run(who.state.schedules.get, who.user, schedule_id)
    return see_other(f"/schedules/{view.row.id}/history")
