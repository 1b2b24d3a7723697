"""Creating and editing a schedule, and the live preview the form asks for as you type."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from agentcron.errors import Conflict, InvalidInput, Problem, RateLimited
from agentcron.service.channels import EVENTS
from agentcron.service.draft_policies import AUTO_PAUSE_MAX
from agentcron.service.schedules import ScheduleView
from agentcron.service.templates import PRESETS
from agentcron.web import text
from agentcron.web.forms import (
    LABELS,
    ScheduleForm,
    blank_form,
    draft_from,
    form_from_view,
    read_form,
)
from agentcron.web.routing import (
    Member,
    WebRoute,
    form,
    json_body,
    member,
    page,
    problems_json,
    run,
    see_other,
    set_flash,
)
from agentcron.web.views.channels import EVENT_WORDS

router = APIRouter(route_class=WebRoute)


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Suggestions for the time-zone box: real region zones and UTC (the service decides)."""
    names = zoneinfo.available_timezones()
    return tuple(
        sorted(
            n
            for n in names
            if ("/" in n and not n.startswith(("Etc/", "SystemV/", "posix/", "right/")))
            or n == "UTC"
        )
    )


async def _editor(
    request: Request,
    who: Member,
    form_: ScheduleForm,
    *,
    view: ScheduleView | None,
    status: int = 200,
    preview: dict[str, Any] | None = None,
) -> Response:
    settings = who.state.settings
    channels = await run(who.state.channels.list, who.user)
    context: dict[str, Any] = {
        "title": "Edit schedule" if view else "New schedule",
        "nav": "schedules",
        "form": form_,
        "view": view,
        "agents": who.state.agents.infos(),
        "zones": zone_names(),
        "limits": {
            "max_retries": settings.max_retries,
            "max_timeout_s": settings.max_timeout_s,
            "min_gap": text.span(settings.min_gap),
        },
        "action": f"/schedules/{view.row.id}/edit" if view else "/schedules/new",
        "preview": preview,
        "labels": LABELS,
        "channels": channels,
        "events": EVENTS,
        "event_words": EVENT_WORDS,
        "auto_pause_max": AUTO_PAUSE_MAX,
        "presets": PRESETS,  # built-in timings (service/templates.py)
    }
    return page(request, who, "schedule_form.html", context, status=status)


def _defaults(who: Member) -> dict[str, int]:
    settings = who.state.settings
    return {
        "misfire_grace_s": settings.misfire_grace_s,
        "max_retries": settings.max_retries,
        "timeout_s": settings.default_timeout_s,
        "auto_pause_after": settings.auto_pause_after,
    }


@router.get("/schedules/new")
async def new(request: Request, agent: str = "", text: str = "") -> Response:
    """A blank form; `?agent=` starts the sentence with that agent, `?text=` with a whole
    sentence (the help page's "Try it" links)."""
    who = await member(request)
    handle = agent.strip().lstrip("@").lower()
    known = handle if handle in who.state.agents.handles() else None
    form_ = blank_form(timezone=who.user.timezone, agent=known, defaults=_defaults(who))
    if text.strip():
        form_.values["text"] = text.replace("\x00", "").strip()[:2500]
    return await _editor(request, who, form_, view=None)


@router.post("/schedules/new")
async def create(request: Request) -> Response:
    who = await member(request)
    fields = await form(request, who)
    form_ = read_form(fields)
    if fields.get("intent") == "preview":
        return await _editor(request, who, form_, view=None, preview=await _preview(who, form_))
    draft, problems = draft_from(form_)
    if problems:
        form_.add(problems)
        return await _editor(request, who, form_, view=None, status=422)
    try:
        view = await run(who.state.schedules.create, who.user, draft, **_acceptance(fields))
    except InvalidInput as exc:
        form_.add(exc.problems)
        shown = await _reading(who, form_, exc)
        return await _editor(request, who, form_, view=None, status=422, preview=shown)
    except (Conflict, RateLimited) as exc:
        form_.add([Problem("form", str(exc))])
        return await _editor(request, who, form_, view=None, status=409)
    response = see_other(f"/schedules?created={view.row.id}")
    set_flash(
        response,
        who,
        f"Created: {text.one_line(view.row.command_text, 80)} — {view.description_text}",
    )
    return response


@router.get("/schedules/{schedule_id}/edit")
async def edit(request: Request, schedule_id: str) -> Response:
    who = await member(request)
    view = await run(who.state.schedules.get, who.user, schedule_id)
    return await _editor(request, who, form_from_view(view), view=view)


@router.post("/schedules/{schedule_id}/edit")
async def update(request: Request, schedule_id: str) -> Response:
    who = await member(request)
    view = await run(who.state.schedules.get, who.user, schedule_id)
    fields = await form(request, who)
    form_ = read_form(fields)
    if fields.get("intent") == "preview":
        return await _editor(request, who, form_, view=view, preview=await _preview(who, form_))
    draft, problems = draft_from(form_)
    if problems:
        form_.add(problems)
        return await _editor(request, who, form_, view=view, status=422)
    try:
        saved = await run(
            who.state.schedules.update, who.user, schedule_id, draft, **_acceptance(fields)
        )
    except InvalidInput as exc:
        form_.add(exc.problems)
        shown = await _reading(who, form_, exc)
        return await _editor(request, who, form_, view=view, status=422, preview=shown)
    except (Conflict, RateLimited) as exc:
        form_.add([Problem("form", str(exc))])
        return await _editor(request, who, form_, view=view, status=409)
    response = see_other(f"/schedules/{saved.row.id}/history")
    set_flash(response, who, f"Saved: {saved.description_text}")
    return response


def _acceptance(fields: dict[str, str]) -> dict[str, Any]:
    """A model's reading of the sentence is saved only when the form says so: a checkbox
    `accept_model_reading`, and the preview's `model_reading` in a hidden field."""
    return {
        "accept_model_reading": fields.get("accept_model_reading") == "on",
        "model_reading": fields.get("model_reading") or None,
    }


async def _reading(
    who: Member, form_: ScheduleForm, refusal: InvalidInput
) -> dict[str, Any] | None:
    """A save refused for want of accepting a model's reading: the preview beside the form
    shows that reading with its checkbox (for browsers without our script too)."""
    if not any(p.field in ("accept_model_reading", "model_reading") for p in refusal.problems):
        return None
    return await _preview(who, form_)


async def _preview(who: Member, form_: ScheduleForm) -> dict[str, Any]:
    """What the form would schedule: its description and next runs, or its problems."""
    draft, problems = draft_from(form_, with_settings=False)
    if problems:
        return {"ok": False, "problems": problems_json(InvalidInput(problems), form_.mode)}
    try:
        result = await run(who.state.schedules.preview, who.user, draft)
    except InvalidInput as exc:
        return {"ok": False, "problems": problems_json(exc, form_.mode)}
    spec = result.spec
    zone = ZoneInfo(spec.timezone)
    viewer = ZoneInfo(result.viewer_timezone)
    both = result.next_runs_viewer is not None  # the two zones differ
    now = who.state.clock.now()
    run_at = spec.run_at.astimezone(zone) if spec.run_at else None
    return {
        "ok": True,
        "description": result.description,
        "agent": result.agent_id,
        "command": result.command_text,
        # In the schedule's zone, with the viewer's beside it when the two differ.
        "next_runs": [
            {
                "at": at.isoformat().replace("+00:00", "Z"),
                "local": text.day_time(at, zone, zoned=True),
                "title": text.local_full(at, zone),
                "viewer": text.beside(at, zone, viewer) if both else "",
                "relative": text.relative(at, now),
            }
            for at in result.next_runs
        ],
        "timezone": spec.timezone,
        # How words were read, and a model's reading (never saved unless accepted); the
        # model's own note is what the confirmation box says, so it is not said twice.
        "notes": [
            n for n in result.notes if not (result.model and n.startswith("interpreted by "))
        ],
        "viewer_timezone": result.viewer_timezone,
        "interpreted_by": result.model.interpreted_by if result.model else None,
        "grammar_refusal": result.model.refusal if result.model else None,
        "needs_confirmation": result.model is not None,
        "model_reading": result.model.fingerprint if result.model else None,
        # What a sentence meant, so switching to a structured mode can carry it over.
        "spec": {
            "schedule_type": spec.schedule_type.value,
            "cron_expression": spec.cron_expression,
            "interval_value": spec.interval_value,
            "interval_unit": spec.interval_unit.value if spec.interval_unit else None,
            "run_at_local": run_at.strftime("%Y-%m-%dT%H:%M") if run_at else None,
        },
    }


@router.post("/ui/preview")
async def preview(request: Request) -> Response:
    """The editor's as-you-type preview, as JSON."""
    who = await member(request)
    data = await json_body(request, who)
    fields = {k: str(v) for k, v in data.items() if isinstance(v, str | int | float)}
    found = await _preview(who, read_form(fields))
    if found["ok"]:
        found["command_raw"] = found["command"]
        found["command"] = text.one_line(found["command"], 200) if found["command"] else None
        found["agents"] = who.state.agents.handles()
        found["hue"] = who.state.hues.get(found["agent"] or "", 0)
    return JSONResponse(found)
