"""`/api/me`: who the token belongs to, the limits that apply to them, and their time zone."""

from __future__ import annotations

from fastapi import APIRouter

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas import LimitsOut, MeIn, MeOut
from agentcron.auth import CurrentUser
from agentcron.service.models import User

router = APIRouter(prefix="/api", tags=["users"])


@router.get("/me", response_model=MeOut, summary="You", responses=responses(401, 429, 500))
def me(api: ApiDep, user: CurrentUser) -> MeOut:
    return _me(api, user)


@router.patch(
    "/me",
    response_model=MeOut,
    summary="Change your time zone",
    responses=responses(401, 413, 422, 429, 500),
)
def update_me(api: ApiDep, user: CurrentUser, body: MeIn) -> MeOut:
    """`{"timezone": "Europe/Berlin"}` sets the zone new schedules default to. An unknown
    zone answers 422 naming `timezone`, with the closest real names as the fix."""
    if body.timezone is not None:
        user = api.users.set_timezone(user, body.timezone)
    return _me(api, user)


def _me(api: ApiDep, user: User) -> MeOut:
    settings = api.settings
    _, count = api.schedules.list(user, offset=0, limit=1)
    return MeOut(
        id=user.id,
        name=user.name,
        timezone=user.timezone,
        timezone_chosen=user.timezone_chosen,
        suggested_timezone=user.suggested_timezone,
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
