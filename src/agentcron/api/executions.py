"""`/api/executions`: the latest executions of all your schedules, and one execution with its
attempts and the agent's output."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas import ExecutionDetailOut, ExecutionPage
from agentcron.auth import CurrentUser

router = APIRouter(prefix="/api/executions", tags=["executions"])


@router.get(
    "",
    response_model=ExecutionPage,
    summary="Your latest executions",
    responses=responses(401, 422, 429, 500),
)
def list_executions(
    api: ApiDep,
    user: CurrentUser,
    status_: Annotated[
        list[str] | None,
        Query(
            alias="status",
            description="Only these statuses (repeat the parameter for several): pending, "
            "running, success, failed, timed_out, missed, skipped, cancelled.",
        ),
    ] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page (at most 200).")] = 50,
) -> ExecutionPage:
    """Every schedule's executions, newest first (by when each was queued)."""
    rows, total = api.history.recent(user, statuses=status_, offset=offset, limit=limit)
    return ExecutionPage.of(rows, total, offset, limit)


@router.get(
    "/{execution_id}",
    response_model=ExecutionDetailOut,
    summary="One execution, with attempts and output",
    responses=responses(401, 404, 429, 500),
)
def get_execution(
    api: ApiDep,
    user: CurrentUser,
    execution_id: Annotated[uuid.UUID, Path(description="The execution's id.")],
) -> ExecutionDetailOut:
    """Every attempt (retries included) with its own status, timing and error, and the
    agent's output of the last one."""
    return ExecutionDetailOut.of_detail(api.history.get(user, execution_id))
