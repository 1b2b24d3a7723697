"""Organising many schedules: `/api/tags` (and, beside the schedule routes, bulk actions,
backfill and templates). Each route is one service call; the rules are the service's."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, status

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas.organise import (
    BackfillIn,
    BackfillOut,
    BulkIn,
    BulkItemOut,
    BulkOut,
    TagList,
    TagOut,
)
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


@router.post(
    "/api/scheduled-commands/{schedule_id}/backfill",
    response_model=BackfillOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run past slots that have no execution",
    responses=responses(401, 404, 413, 422, 429, 500),
)
def backfill_schedule(
    api: ApiDep,
    user: CurrentUser,
    schedule_id: Annotated[uuid.UUID, Path(description="The schedule's id.")],
    body: BackfillIn,
) -> BackfillOut:
    """Queues one execution (`trigger: backfill`, `scheduled_for` = the slot) for each slot
    of the schedule between `from` and `to` that has none yet; they run oldest first under
    the schedule's overlap policy. Running it again creates nothing new. A window reaching
    past now, or holding more slots than `limit`, is refused (422 naming the field).
    `dry_run: true` lists the slots without queueing them."""
    done = api.backfill.backfill(
        user, schedule_id, body.from_, body.to, limit=body.limit, dry_run=body.dry_run
    )
    return BackfillOut(
        schedule_id=done.schedule_id,
        created=done.created,
        existing=done.existing,
        slots=done.slots,
        execution_ids=done.execution_ids,
        dry_run=done.dry_run,
    )
