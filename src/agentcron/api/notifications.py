"""`/api/notifications`: the delivery log, newest first."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas.channels import NotificationOut, NotificationPage
from agentcron.auth import CurrentUser

router = APIRouter(prefix="/api/notifications", tags=["notifications"])


@router.get(
    "",
    response_model=NotificationPage,
    summary="The delivery log",
    responses=responses(401, 404, 422, 429, 500),
)
def list_notifications(
    api: ApiDep,
    user: CurrentUser,
    schedule_id: Annotated[uuid.UUID | None, Query(description="Only this schedule's.")] = None,
    channel_id: Annotated[uuid.UUID | None, Query(description="Only this channel's.")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page (at most 200).")] = 50,
) -> NotificationPage:
    """One entry per notification per channel: its event, status (`pending`, `sending`,
    `sent`, `failed`, `suppressed`), attempts, last error and times. Another user's schedule
    or channel answers 404."""
    rows, total = api.channels.deliveries(
        user, schedule_id=schedule_id, channel_id=channel_id, offset=offset, limit=limit
    )
    return NotificationPage(
        items=[NotificationOut.of(r) for r in rows], total=total, offset=offset, limit=limit
    )
