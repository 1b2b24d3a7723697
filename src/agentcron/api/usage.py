"""`/api/usage`: what your runs spent, summed by the database, per UTC day, agent, schedule
or model, as JSON or CSV."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas.usage import UsageOut
from agentcron.auth import CurrentUser
from agentcron.service.usage import UsageService

router = APIRouter(prefix="/api/usage", tags=["usage"])


@router.get(
    "",
    response_model=UsageOut,
    summary="Usage and cost by day, agent, schedule or model",
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        **responses(401, 422, 429, 500),
    },
)
def get_usage(
    api: ApiDep,
    user: CurrentUser,
    from_: Annotated[
        str | None,
        Query(
            alias="from", description="First UTC day, YYYY-MM-DD (default: 29 days before `to`)."
        ),
    ] = None,
    to: Annotated[
        str | None, Query(description="Last UTC day, included, YYYY-MM-DD (default: today).")
    ] = None,
    group_by: Annotated[
        str, Query(description="day, agent, schedule or model (tag: not on this version).")
    ] = "day",
    format_: Annotated[
        str, Query(alias="format", pattern="^(json|csv)$", description="json or csv.")
    ] = "json",
) -> Any:
    """Runs, successes, failures, success rate, LLM calls, input/output/total tokens, the
    known cost and how much is unknown (runs and tokens without a price), and duration
    p50/p95/max, for each group and in total. Pruned history counts through the daily
    rollup (its durations count in the maximum, not in the percentiles). Only your own runs."""
    report = api.usage.table(user, from_, to, group_by)
    if format_ == "csv":
        name = f"usage-{report.group_by}-{report.range.start}-{report.range.end}.csv"
        return Response(
            UsageService.csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return UsageOut.of(report).dump()
