"""`/api/scheduled-commands/{id}/dependents`: the schedules that run after one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas.chains import DependentOut, DependentsOut
from agentcron.auth import CurrentUser

router = APIRouter(prefix="/api/scheduled-commands", tags=["schedules"])


@router.get(
    "/{schedule_id}/dependents",
    response_model=DependentsOut,
    summary="Schedules that run after this one",
    responses=responses(401, 404, 429, 500),
)
def dependents(
    api: ApiDep,
    user: CurrentUser,
    schedule_id: Annotated[uuid.UUID, Path(description="The schedule's id.")],
) -> DependentsOut:
    """Directly (`depth` 1) and through others, nearest first. Deleting this schedule is
    refused while the list is not empty, unless with `detach=true`."""
    items = api.chains.dependents(user, schedule_id)
    return DependentsOut(schedule_id=schedule_id, items=[DependentOut.of(d) for d in items])
