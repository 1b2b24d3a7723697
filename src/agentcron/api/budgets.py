"""`/api/budgets`: limits on what your runs spend, per run, UTC day or UTC month. A run that
would pass one is recorded `skipped` (code `budget_exhausted`) without calling its agent;
llm agents stop at what a budget still allows (`budget_exceeded`). Another user's budget
answers 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas.budgets import BudgetIn, BudgetList, BudgetOut
from agentcron.auth import CurrentUser

router = APIRouter(prefix="/api/budgets", tags=["budgets"])

BudgetId = Annotated[uuid.UUID, Path(description="The budget's id.")]
ONE = responses(401, 404, 429, 500)
WRITE = responses(401, 404, 409, 413, 422, 429, 500)


@router.post(
    "",
    response_model=BudgetOut,
    status_code=status.HTTP_201_CREATED,
    summary="Add a budget",
    responses=responses(401, 409, 413, 422, 429, 500),
)
def create_budget(api: ApiDep, user: CurrentUser, body: BudgetIn, response: Response) -> BudgetOut:
    """`{"scope": "user", "period": "day", "max_tokens": 100000, "warn_at": 0.8}`. Spend is
    summed from your executions at each check, never counted apart."""
    view = api.budgets.create(user, body.create_draft())
    response.headers["Location"] = f"{router.prefix}/{view.row.id}"
    return BudgetOut.of(view)


@router.get(
    "", response_model=BudgetList, summary="Your budgets", responses=responses(401, 429, 500)
)
def list_budgets(api: ApiDep, user: CurrentUser) -> BudgetList:
    """Each with what is spent in its current period."""
    return BudgetList(items=[BudgetOut.of(v) for v in api.budgets.list(user)])


@router.get("/{budget_id}", response_model=BudgetOut, summary="One budget", responses=ONE)
def get_budget(api: ApiDep, user: CurrentUser, budget_id: BudgetId) -> BudgetOut:
    return BudgetOut.of(api.budgets.get(user, budget_id))


@router.patch("/{budget_id}", response_model=BudgetOut, summary="Change a budget", responses=WRITE)
def update_budget(api: ApiDep, user: CurrentUser, budget_id: BudgetId, body: BudgetIn) -> BudgetOut:
    """Only the fields given change; a changed budget may warn again in this period."""
    return BudgetOut.of(api.budgets.update(user, budget_id, body.draft()))


@router.delete(
    "/{budget_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Remove a budget",
    responses=ONE,
)
def delete_budget(api: ApiDep, user: CurrentUser, budget_id: BudgetId) -> Response:
    api.budgets.delete(user, budget_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
