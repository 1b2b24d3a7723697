"""Organising many schedules: `/api/tags` (and, beside the schedule routes, bulk actions,
backfill and templates). Each route is one service call; the rules are the service's."""

from __future__ import annotations

from fastapi import APIRouter

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas.organise import BulkIn, BulkItemOut, BulkOut, TagList, TagOut
from agentcron.auth import CurrentUser
from agentcron.service.models import ScheduleFilter

router = APIRouter(tags=["organise"])


@router.get(
    "/api/tags",
    response_model=TagList,
    summary="Your tags, with counts",
    responses=responses(401, 429, 500),
)
def list_tags(api: ApiDep, user: CurrentUser) -> TagList:
    """Every tag on your schedules, by name, with how many schedules carry it."""
    return TagList(items=[TagOut(tag=t.tag, count=t.count) for t in api.tags.counts(user)])


@router.post(
    "/api/scheduled-commands/bulk",
    response_model=BulkOut,
    summary="One action on many schedules",
    responses=responses(401, 413, 422, 429, 500),
)
def bulk_action(api: ApiDep, user: CurrentUser, body: BulkIn) -> BulkOut:
    """Enable, disable, run, delete, tag or untag up to 500 schedules, chosen by `ids` or by
    `filter`. Each id is applied on its own, all or nothing: an unknown (or someone else's)
    id gets its own problem (404 not-found) in `results`, and the others still apply."""
    where = None
    if body.filter is not None:
        f = body.filter
        where = ScheduleFilter(
            agent_id=f.agent_id,
            enabled=f.enabled,
            schedule_type=f.schedule_type,
            search=f.q,
            tags=tuple(f.tag or ()),
        )
    results = api.bulk.apply(user, body.action, ids=body.ids, where=where, tags=body.tags)
    items = [
        BulkItemOut(
            id=r.id,
            ok=r.ok,
            status=r.status,
            problem=r.problem,
            problem_type=r.slug,
            execution_id=r.execution_id,
        )
        for r in results
    ]
    applied = sum(r.ok for r in results)
    return BulkOut(
        action=body.action,
        total=len(results),
        applied=applied,
        failed=len(results) - applied,
        results=items,
    )
