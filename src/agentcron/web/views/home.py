"""Mission Control: the summary strip and a card per agent."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from agentcron.web.routing import WebRoute, member, page, run

router = APIRouter(route_class=WebRoute)

REGIONS = {"summary": "regions/summary.html", "agents": "regions/agents.html"}


@router.get("/")
async def home(request: Request) -> Response:
    who = await member(request)
    dashboard = who.state.dashboard
    summary = await run(dashboard.summary, who.user)
    cards = await run(dashboard.agents, who.user)
    context = {"title": "Mission Control", "nav": "home", "summary": summary, "cards": cards}
    return page(request, who, "home.html", context, regions=REGIONS)
