"""`/api/me`: who the token belongs to, and the limits that apply to them."""

from __future__ import annotations

from fastapi import APIRouter

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas import LimitsOut, MeOut
from agentcron.auth import CurrentUser

router = APIRouter(prefix="/api", tags=["users"])


@router.get("/me", response_model=MeOut, summary="You", responses=responses(401, 429, 500))
def me(api: ApiDep, user: CurrentUser) -> MeOut:
    settings = api.settings
    _, count = api.schedules.list(user, offset=0, limit=1)
    return MeOut(
        id=user.id,
        name=user.name,
        timezone=user.timezone,
        created_at=user.created_at,
        schedules=count,
        limits=LimitsOut(
            max_schedules=settings.max_schedules_per_user,
            min_gap_s=settings.min_gap_s,
            write_rate_per_minute=settings.write_rate_per_minute,
            command_max_len=settings.command_max_len,
            description_max_len=settings.description_max_len,
        ),
    )
