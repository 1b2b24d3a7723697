"""The usage page: tokens and cost per UTC day stacked by agent, the success rate per day,
the duration distribution per schedule, insights, and the usage table with a CSV download.
Numbers come from the usage service (summed by the database); charts are server SVG."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from agentcron.errors import InvalidInput
from agentcron.service.usage import DailySeries, UsageLine, UsageService
from agentcron.web import text
from agentcron.web.charts import Chart, Datum, Layer, bar_chart, sparse_ticks, stacked_chart
from agentcron.web.routing import WebRoute, harden, member, page, problems_json, run

router = APIRouter(route_class=WebRoute)
GROUPS = ("day", "agent", "schedule", "model", "tag")
HUES = 8
DURATION_SCHEDULES = 12
INSIGHT_WORDS = {
    "most_expensive": "Most expensive",
    "always_failing": "Always fails",
    "unchanged": "Same result every time",
    "rising_duration": "Getting slower",
}


def _day(d: date) -> str:
    return f"{d.day} {d:%b}"


def daily_charts(series: DailySeries) -> list[Chart]:
    labels = [_day(d) for d in series.days]
    agents = series.agents
    tokens = [
        Layer(f"s{i % HUES}", "@" + a, [float(v) for v in series.tokens[a]])
        for i, a in enumerate(agents)
    ]
    cost = [Layer(f"s{i % HUES}", "@" + a, series.cost[a]) for i, a in enumerate(agents)]
    all_tokens = sum(sum(series.tokens[a]) for a in agents)
    all_cost = sum(sum(series.cost[a]) for a in agents)
    span = f"{len(series.days)} UTC days"
    ticks = sparse_ticks(len(series.days), 6)
    rates = []
    for i, (day, rate) in enumerate(zip(series.days, series.rate, strict=True)):
        css = (
            "rate-none"
            if rate is None
            else ("rate-good" if rate >= 0.95 else "rate-mixed" if rate >= 0.5 else "rate-bad")
        )
        said = "no rated runs" if rate is None else f"{text.percent(rate)} succeeded"
        rates.append(
            Datum(
                100.0 * (rate or 0.0), css, f"{_day(day)}: {said}", labels[i] if i in ticks else ""
            )
        )
    return [
        stacked_chart(
            "Tokens per day",
            f"Tokens per UTC day over {span}, stacked by agent: {text.number(all_tokens)} in all.",
            labels,
            tokens,
            describe=lambda label, name, v: f"{label}, {name}: {int(v):,} tokens",
            when_empty="No tokens reported in this range.",
        ),
        stacked_chart(
            "Cost per day (USD)",
            f"Known cost per UTC day over {span}, stacked by agent: ${all_cost:.4f} in all.",
            labels,
            cost,
            describe=lambda label, name, v: f"{label}, {name}: ${v:.4f}",
            when_empty="No priced runs in this range.",
        ),
        bar_chart(
            "Success rate per day",
            f"Share of rated runs that succeeded, per UTC day over {span}.",
            rates,
            axis_max=100.0,
            y_label="%",
            min_bar=2.0,
            when_empty="No runs in this range.",
        ),
    ]


def duration_chart(lines: list[UsageLine]) -> Chart:
    """Per schedule, stacked: the median, up to the 95th percentile, up to the longest."""
    chosen = sorted(lines, key=lambda line: -(line.totals.duration_max_ms or 0))
    chosen = chosen[:DURATION_SCHEDULES]
    labels: list[str] = []
    for line in chosen:
        label = text.one_line(line.label, 14)
        while label in labels:  # two schedules that read alike keep a bar each
            label += "·"
        labels.append(label)
    p50 = [float(line.totals.duration_p50_ms or 0) for line in chosen]
    p95 = [
        max(0.0, float(line.totals.duration_p95_ms or 0) - p50[i]) for i, line in enumerate(chosen)
    ]
    top = [
        max(0.0, float(line.totals.duration_max_ms or 0) - p50[i] - p95[i])
        for i, line in enumerate(chosen)
    ]
    by_label = {labels[i]: chosen[i].totals for i in range(len(chosen))}

    def describe(label: str, name: str, _value: float) -> str:
        t = by_label[label]
        return (
            f"{label}: median {text.duration_ms(t.duration_p50_ms)}, 95% under "
            f"{text.duration_ms(t.duration_p95_ms)}, longest {text.duration_ms(t.duration_max_ms)}"
        )

    return stacked_chart(
        "Duration per schedule",
        f"Duration distribution of the {len(chosen)} slowest schedules: median, 95th "
        "percentile and longest run, stacked.",
        labels,
        [Layer("d-p50", "median", p50), Layer("d-p95", "p95", p95), Layer("d-max", "max", top)],
        describe=describe,
        y_label="ms",
        ticks=4,
        when_empty="No timed runs in this range.",
    )


@router.get("/usage")
async def usage_page(request: Request) -> Response:
    who = await member(request)
    service: UsageService = who.state.use_cases.usage
    params = request.query_params
    start, end = params.get("from") or None, params.get("to") or None
    group = params.get("group_by") or "schedule"
    errors: list[dict[str, str]] = []
    context: dict[str, Any] = {
        "title": "Usage",
        "nav": "usage",
        "groups": GROUPS,
        "group": group,
        "start": start or "",
        "end": end or "",
        "insight_words": INSIGHT_WORDS,
    }
    try:
        report = await run(service.table, who.user, start, end, group)
    except InvalidInput as exc:
        errors = problems_json(exc)
        report = await run(service.table, who.user, None, None, "schedule")
        context["group"] = "schedule"
    series = await run(service.daily, who.user, report.range.start, report.range.end)
    first, last = report.range.start, report.range.end
    by_schedule = report if report.group_by == "schedule" else None
    if by_schedule is None:
        by_schedule = await run(service.table, who.user, first, last, "schedule")
    durations = await run(service.durations, who.user, report=by_schedule)
    insights = await run(service.insights, who.user, first, last, report=by_schedule)
    query = f"from={report.range.start}&to={report.range.end}&group_by={report.group_by}"
    context.update(
        errors=errors,
        report=report,
        charts=[*daily_charts(series), duration_chart(durations)],
        insights=insights,
        csv_url=f"/usage.csv?{query}",
        start=str(report.range.start),
        end=str(report.range.end),
    )
    return page(request, who, "usage.html", context, status=422 if errors else 200)


@router.get("/usage.csv")
async def usage_csv(request: Request) -> Response:
    who = await member(request)
    service: UsageService = who.state.use_cases.usage
    params = request.query_params
    report = await run(
        service.table,
        who.user,
        params.get("from") or None,
        params.get("to") or None,
        params.get("group_by") or "schedule",
    )
    name = f"usage-{report.group_by}-{report.range.start}-{report.range.end}.csv"
    response = Response(
        UsageService.csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
    harden(response)
    return response
