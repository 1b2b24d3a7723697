"""The week's calendar of upcoming runs, and the engine's status page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from agentcron.service.dashboard import Calendar, user_zone
from agentcron.web.routing import WebRoute, member, page, run

router = APIRouter(route_class=WebRoute)


@dataclass
class Chip:
    """One schedule's runs within one hour of one day."""

    schedule_id: uuid.UUID
    agent_id: str
    command_text: str
    description: str
    first: datetime
    count: int = 1


@dataclass
class Day:
    day: date
    today: bool
    hours: dict[int, list[Chip]] = field(default_factory=dict)
    total: int = 0


def week_grid(calendar: Calendar, zone: ZoneInfo, now: datetime) -> list[Day]:
    first = calendar.start.astimezone(zone).date()
    last = (calendar.end - timedelta(microseconds=1)).astimezone(zone).date()
    today = now.astimezone(zone).date()
    dates = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    days = {d: Day(d, d == today) for d in dates}
    for occurrence in calendar.occurrences:
        local = occurrence.at.astimezone(zone)
        day = days.get(local.date())
        if day is None:
            continue
        chips = day.hours.setdefault(local.hour, [])
        day.total += 1
        for chip in chips:
            if chip.schedule_id == occurrence.schedule_id:
                chip.count += 1
                break
        else:
            chips.append(
                Chip(
                    occurrence.schedule_id,
                    occurrence.agent_id,
                    occurrence.command_text,
                    occurrence.description,
                    occurrence.at,
                )
            )
    return list(days.values())


@router.get("/calendar")
async def calendar(request: Request) -> Response:
    who = await member(request)
    found = await run(who.state.dashboard.calendar, who.user)
    zone = user_zone(who.user)
    days = week_grid(found, zone, who.state.clock.now())
    agents = sorted({o.agent_id for o in found.occurrences})
    context = {
        "title": "Calendar",
        "nav": "calendar",
        "calendar": found,
        "days": days,
        "hours": list(range(24)),
        "agents": agents,
        "busy_hours": sorted({h for d in days for h in d.hours}),
    }
    return page(
        request, who, "calendar.html", context, regions={"calendar": "regions/calendar.html"}
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
