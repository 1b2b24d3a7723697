"""Organising many schedules: `/api/tags` (and, beside the schedule routes, bulk actions,
backfill and templates). Each route is one service call; the rules are the service's."""

from __future__ import annotations

from fastapi import APIRouter

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas.organise import TagList, TagOut
from agentcron.auth import CurrentUser

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
