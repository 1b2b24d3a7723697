"""A schedule's execution history with its charts, and one execution in full."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from agentcron.service.dashboard import HistorySeries, user_zone
from agentcron.service.groups import combined
from agentcron.service.history import pending_retry
from agentcron.web import text
from agentcron.web.charts import Chart, Datum, bar_chart, sparse_ticks
from agentcron.web.paging import page_number
from agentcron.web.routing import WebRoute, here, member, page, run
from agentcron.web.timeline import attempt_rows, explain

router = APIRouter(route_class=WebRoute)

PAGE_SIZE = 25
REGIONS = {"history": "regions/history.html"}
EXECUTION_REGIONS = {"execution": "regions/execution.html"}
STATUS_FILTERS = (
    "success",
    "failed",
    "timed_out",
    "missed",
    "skipped",
    "cancelled",
    "running",
    "pending",
)


def charts(series: HistorySeries, zone: ZoneInfo, now: datetime) -> list[Chart]:
    points = series.points
    ticks = sparse_ticks(len(points), 4)
    days = {p.scheduled_for.astimezone(zone).date() for p in points}

    def when(index: int) -> str:
        return text.local(points[index].scheduled_for, zone, now, zoned=True)

    def tick(index: int) -> str:
        if index not in ticks:
            return ""
        at = points[index].scheduled_for.astimezone(zone)
        return at.strftime("%H:%M") if len(days) == 1 else f"{at.day} {at:%b}"

    durations = [
        Datum(
            float(p.duration_ms or 0),
            f"st-{p.status}",
            f"{when(i)}: {text.duration_ms(p.duration_ms)}, {p.status.replace('_', ' ')}",
            tick(i),
        )
        for i, p in enumerate(points)
    ]
    tokens = [
        Datum(
            float(p.tokens_used),
            "tokens",
            f"{when(i)}: {text.number(p.tokens_used)} tokens in {p.llm_calls} LLM calls",
            tick(i),
        )
        for i, p in enumerate(points)
    ]
    day_ticks = sparse_ticks(len(series.days), 5)
    rates = []
    for i, day in enumerate(series.days):
        rated = day.success + day.failed
        label = (
            f"{day.day:%a} {day.day.day} {day.day:%b}: {day.success} of {rated} succeeded"
            if rated
            else f"{day.day:%a} {day.day.day} {day.day:%b}: no runs"
        )
        rate = day.rate
        css = (
            "rate-none"
            if rate is None
            else ("rate-good" if rate >= 0.95 else "rate-mixed" if rate >= 0.5 else "rate-bad")
        )
        rates.append(
            Datum(
                100.0 * (rate or 0.0),
                css,
                label,
                f"{day.day.day} {day.day:%b}" if i in day_ticks else "",
            )
        )
    total_ms = sum(p.duration_ms or 0 for p in points)
    average = text.duration_ms(total_ms // len(points)) if points else "—"
    longest = text.duration_ms(max((p.duration_ms or 0) for p in points)) if points else "—"
    all_tokens = sum(p.tokens_used for p in points)
    return [
        bar_chart(
            "Duration",
            f"Duration of the last {len(points)} runs: average {average}, longest {longest}.",
            durations,
            y_label="ms",
            min_bar=1.5,
        ),
        bar_chart(
            "Tokens",
            f"Tokens used by the last {len(points)} runs: {text.number(all_tokens)} in all.",
            tokens,
            min_bar=1.5,
            when_flat="No tokens reported: this agent says nothing of tokens.",
        ),
        bar_chart(
            "Success rate",
            f"Daily success rate over {len(series.days)} days; "
            f"{text.percent(series.success_rate)} over the last {series.window_days}.",
            rates,
            axis_max=100.0,
            y_label="%",
            min_bar=2.0,
        ),
    ]


@router.get("/schedules/{schedule_id}/history")
async def history(
    request: Request,
    schedule_id: str,
    status: str = "",
    page_no: str = Query("1", alias="page"),
) -> Response:
    who = await member(request)
    state = who.state
    view = await run(state.schedules.get, who.user, schedule_id)
    number = page_number(page_no)
    statuses = [status] if status in STATUS_FILTERS else None
    executions, total = await run(
        state.history.for_schedule,
        who.user,
        view.row.id,
        statuses=statuses,
        offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    series = await run(state.dashboard.history_series, who.user, view.row.id)
    chain = await run(state.chains.graph, who.user, view.row.id)
    members = state.agents.categories().get(view.row.agent_id)
    now = state.clock.now()
    context: dict[str, Any] = {
        "title": f"History · {text.one_line(view.row.command_text, 60)}",
        "nav": "schedules",
        "view": view,
        "executions": executions,
        "total": total,
        "page_no": number,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "status_filter": status if statuses else "",
        "status_filters": STATUS_FILTERS,
        "charts": charts(series, user_zone(who.user), now),
        "series": series,
        "back": here(request),
        "pending_retry": pending_retry,
        "chain": chain,
        "members": members,
        "group_slot": combined(executions) if members else None,
    }
    return page(request, who, "history.html", context, regions=REGIONS)


@router.get("/executions/{execution_id}")
async def execution(request: Request, execution_id: str) -> Response:
    """One execution: outcome, cost, why it ended, every attempt's timeline and the output.
    While it runs, its page's stream carries its steps and output too (`/ui/events?execution=`)."""
    who = await member(request)
    detail = await run(who.state.history.get, who.user, execution_id)
    view = await run(who.state.schedules.get, who.user, detail.execution.schedule_id)
    context = {
        "title": "Execution",
        "nav": "schedules",
        "detail": detail,
        "view": view,
        "attempts": attempt_rows(detail, who.state.clock.now()),
        "explain": explain,
        "events_url": f"/ui/events?execution={detail.execution.id}",
    }
    return page(request, who, "execution.html", context, regions=EXECUTION_REGIONS)
