"""Organising many schedules in the browser: tag chips and sorting on the list, the
selection bar's bulk actions, pausing with a note or until a time, backfill with a preview
of its slots, and templates (save a schedule as one, make a schedule from one).

Forms post and redirect (they work without JavaScript); our script sends the bulk and
backfill requests as JSON and shows each answer in place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from agentcron.errors import InvalidInput
from agentcron.service.dashboard import user_zone
from agentcron.service.models import ScheduleFilter
from agentcron.service.schedules import ScheduleView
from agentcron.service.templates import PRESETS, TemplateDraft, placeholders
from agentcron.web.routing import (
    Member,
    WebRoute,
    form,
    json_body,
    member,
    page,
    run,
    safe_next,
    see_other,
    set_flash,
    wants_json,
)
from agentcron.web.text import one_line

router = APIRouter(route_class=WebRoute)

SORTS = {
    "": "Created",
    "next_run": "Next run",
    "-last_run": "Last run",
    "agent": "Agent",
    "status": "Status",
}


def clean_tags(values: list[str] | None) -> list[str]:
    """Tags from the query string, as the filter reads them (bad ones are dropped: a chip
    link is ours, and a hand-typed bad tag simply matches nothing)."""
    out = []
    for value in values or []:
        tag = value.replace("\x00", "").strip().lower()[:32]
        if tag and tag not in out:
            out.append(tag)
    return out[:10]


async def list_context(
    who: Member, views: list[ScheduleView], where: ScheduleFilter
) -> dict[str, Any]:
    """What the list adds for organising: the user's tags as chips (which are on), the sort,
    a query string that keeps both in the pager's links, and which rows are running."""
    state = who.state.use_cases
    counts = await run(state.tags.counts, who.user)
    running = await run(state.tags.running, who.user, [v.row.id for v in views])
    kept = [("tag", t) for t in where.tags] + ([("sort", where.sort)] if where.sort else [])
    return {
        "tag_counts": counts,
        "chosen_tags": list(where.tags),
        "sort": where.sort or "",
        "sorts": SORTS,
        "extra_query": (urlencode(kept) + "&") if kept else "",
        "running": running,
    }


def _where_of(data: dict[str, Any]) -> ScheduleFilter:
    """The list's filters as the selection bar sends them ("all matching")."""
    agent = str(data.get("agent") or "").strip().lstrip("@").lower()[:64]
    enabled = {"on": True, "off": False}.get(str(data.get("enabled") or ""))
    q = str(data.get("q") or "").replace("\x00", "").strip()[:100]
    tags = data.get("tag") or []
    return ScheduleFilter(
        agent_id=agent or None,
        enabled=enabled,
        search=q or None,
        tags=tuple(clean_tags([str(t) for t in tags] if isinstance(tags, list) else [])),
    )


@router.post("/schedules/bulk")
async def bulk(request: Request) -> Response:
    """The selection bar: one action on the ticked rows, or on every row matching the
    filters. Answers per row, as the API does."""
    who = await member(request)
    data = await json_body(request, who)
    ids = data.get("ids")
    where = _where_of(data.get("filter") or {}) if data.get("all") else None
    tags = data.get("tags")
    results = await run(
        who.state.use_cases.bulk.apply,
        who.user,
        str(data.get("action") or ""),
        ids=None if where is not None else [str(i) for i in ids or []],
        where=where,
        tags=[str(t) for t in tags] if isinstance(tags, list) else None,
    )
    applied = sum(r.ok for r in results)
    return JSONResponse(
        {
            "total": len(results),
            "applied": applied,
            "failed": len(results) - applied,
            "problems": [{"id": r.id, "problem": r.problem} for r in results if not r.ok],
        }
    )


def _until(value: str, who: Member) -> datetime | None:
    """A `datetime-local` value, read in the user's zone."""
    value = value.strip()
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput.one(
            "until", "is not a date and time", "pick one, or leave it empty"
        ) from None
    return at if at.tzinfo else at.replace(tzinfo=user_zone(who.user))


@router.post("/schedules/{schedule_id}/pause")
async def pause(request: Request, schedule_id: str) -> Response:
    who = await member(request)
    fields = await form(request, who)
    until = _until(fields.get("until", ""), who)
    view = await run(
        who.state.use_cases.pauses.pause,
        who.user,
        schedule_id,
        note=fields.get("note") or None,
        until=until,
    )
    if wants_json(request):
        return JSONResponse({"ok": True})
    response = see_other(safe_next(fields.get("next"), f"/schedules/{view.row.id}/history"))
    set_flash(response, who, f"Paused: {one_line(view.row.command_text, 80)}")
    return response


@router.post("/schedules/{schedule_id}/backfill")
async def backfill(request: Request, schedule_id: str) -> Response:
    """The backfill form's preview (`dry_run`) and its confirmed run, as JSON."""
    who = await member(request)
    data = await json_body(request, who)
    zone = user_zone(who.user)

    def instant(name: str) -> datetime | None:
        value = str(data.get(name) or "").strip()
        if not value:
            return None
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput.one(name, "is not a date and time", "pick one") from None
        return at if at.tzinfo else at.replace(tzinfo=zone)

    limit = data.get("limit", 100)
    done = await run(
        who.state.use_cases.backfill.backfill,
        who.user,
        schedule_id,
        instant("from"),
        instant("to"),
        limit=limit if isinstance(limit, int) else 100,
        dry_run=bool(data.get("dry_run")),
    )
    here = zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")
    return JSONResponse(
        {
            "created": done.created,
            "existing": done.existing,
            "dry_run": done.dry_run,
            "slots": [s.astimezone(here).strftime("%a %d %b %Y %H:%M") for s in done.slots],
        }
    )


@router.post("/schedules/{schedule_id}/save-template")
async def save_template(request: Request, schedule_id: str) -> Response:
    who = await member(request)
    fields = await form(request, who)
    row = await run(
        who.state.use_cases.templates.create,
        who.user,
        TemplateDraft(
            name=fields.get("name", ""),
            command_text=fields.get("command_text") or None,
            schedule_id=schedule_id,
        ),
    )
    response = see_other("/templates")
    set_flash(response, who, f"Saved template {row.name}")
    return response


# -- templates ----------------------------------------------------------------------------


@router.get("/templates")
async def templates(request: Request) -> Response:
    who = await member(request)
    rows = await run(who.state.use_cases.templates.list, who.user)
    return page(request, who, "templates.html", _templates_context(rows))


def _templates_context(rows: list[Any], **extra: Any) -> dict[str, Any]:
    return {
        "title": "Templates",
        "nav": "schedules",
        "templates": [(t, placeholders(t.command_text)) for t in rows],
        "presets": PRESETS,
        "problem": None,
        "problem_for": None,
        **extra,
    }


@router.post("/templates/{template_id}/use")
async def use_template(request: Request, template_id: str) -> Response:
    who = await member(request)
    fields = await form(request, who)
    values = {k[2:]: v for k, v in fields.items() if k.startswith("v.")}
    try:
        view = await run(who.state.use_cases.templates.use, who.user, template_id, values)
    except InvalidInput as refusal:
        rows = await run(who.state.use_cases.templates.list, who.user)
        context = _templates_context(rows, problem=refusal.detail, problem_for=template_id)
        return page(request, who, "templates.html", context, status=422)
    response = see_other(f"/schedules/{view.row.id}/history")
    set_flash(response, who, f"Created from the template: {one_line(view.row.command_text, 80)}")
    return response


@router.post("/templates/{template_id}/delete")
async def delete_template(request: Request, template_id: str) -> Response:
    who = await member(request)
    await form(request, who)
    await run(who.state.use_cases.templates.delete, who.user, template_id)
    response = see_other("/templates")
    set_flash(response, who, "Deleted the template")
    return response
