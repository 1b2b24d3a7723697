"""The calendar of upcoming runs, a week at a time, and the engine's status page."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from agentcron.web.routing import WebRoute, member, page, run

router = APIRouter(route_class=WebRoute)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/calendar")
async def calendar(request: Request, week: str = "0", agent: str = "", day: str = "") -> Response:
    who = await member(request)
    number = int(week) if week.isdigit() and len(week) < 4 else 0
    handle = agent.strip().lstrip("@").lower()[:64] or None
    chosen = _day(day)
    found = await run(
        who.state.dashboard.calendar, who.user, week=number, agent=handle, full_day=chosen
    )
    days = [d.day for d in found.days]
    today = found.today
    selected = chosen if chosen in days else (today.day if today else days[0])
    context = {
        "title": "Calendar",
        "nav": "calendar",
        "cal": found,
        "selected": selected,
        "hours": list(range(24)),
    }
    # A busy week is a big page: rendered off the event loop, like the data behind it.
    return await run(
        page, request, who, "calendar.html", context, regions={"calendar": "regions/calendar.html"}
    )


@router.get("/status")
async def status(request: Request) -> Response:
    who = await member(request)
    report = await run(who.state.status.status)
    failures = await run(who.state.dashboard.recent_failures, who.user, 10)
    context = {
        "title": "Status",
        "nav": "status",
        "report": report,
        "failures": failures,
        "engine_running": report.engine_running,
        "engine_refusal": report.engine_refusal,
        "worker_id": report.worker_id,
    }
    return page(request, who, "status.html", context, regions={"status": "regions/status.html"})
