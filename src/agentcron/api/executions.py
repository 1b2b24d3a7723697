"""`/api/executions/{id}`: one execution with its attempts and the agent's output."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas import ExecutionDetailOut
from agentcron.auth import CurrentUser

router = APIRouter(prefix="/api/executions", tags=["executions"])


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
