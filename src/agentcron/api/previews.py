"""`/api/schedules/preview`: try a schedule's timing without saving anything."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from agentcron.api.deps import ApiDep, refuse_foreign_user_id
from agentcron.api.problems import responses
from agentcron.api.schemas import CREATE_EXAMPLES, PreviewOut, ScheduleIn
from agentcron.auth import CurrentUser

router = APIRouter(prefix="/api/schedules", tags=["schedules"])


@router.post(
    "/preview",
    response_model=PreviewOut,
    summary="Preview a schedule's timing",
    responses=responses(401, 404, 413, 422, 429, 500),
)
def preview_schedule(
    api: ApiDep,
    user: CurrentUser,
    body: Annotated[ScheduleIn, Body(openapi_examples=CREATE_EXAMPLES)],
) -> PreviewOut:
    """Accepts the create body (or just its timing, or `text`) and answers what would be
    saved: the timing in words and the next five fire times from now, or 422 listing every
    problem. An agent is checked only when one is named. Nothing is stored."""
    refuse_foreign_user_id(user, body.user_id)
    return PreviewOut.of(api.schedules.preview(user, body.draft()))
