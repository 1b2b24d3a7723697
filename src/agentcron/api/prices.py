"""`/api/model-prices`: operators' prices for models, overriding or adding to genai-prices'
bundled data from a given instant on. Everyone reads them; administrators add them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Response, status
from pydantic import BaseModel, ConfigDict, Field

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.auth import CurrentUser
from agentcron.service.prices import PriceDraft

router = APIRouter(prefix="/api/model-prices", tags=["usage"])


class PriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model: Any = Field(description="As agents report it, or without its provider prefix.")
    input_per_mtok: Any = Field(description="USD per million input tokens.", examples=[2.5])
    output_per_mtok: Any = Field(description="USD per million output tokens.", examples=[10])
    valid_from: datetime | None = Field(None, description="From when (default: now).")


class PriceOut(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    id: uuid.UUID
    model: str
    input_per_mtok: float
    output_per_mtok: float
    valid_from: datetime
    created_at: datetime


class PriceList(BaseModel):
    items: list[PriceOut]


def _out(row: Any) -> PriceOut:
    return PriceOut(
        id=row.id,
        model=row.model,
        input_per_mtok=row.input_per_mtok,
        output_per_mtok=row.output_per_mtok,
        valid_from=row.valid_from,
        created_at=row.created_at,
    )


@router.get(
    "",
    response_model=PriceList,
    summary="Operators' model prices",
    responses=responses(401, 429, 500),
)
def list_prices(api: ApiDep, user: CurrentUser) -> PriceList:
    """Oldest model first, each model's prices by start."""
    return PriceList(items=[_out(r) for r in api.prices.list(user)])


@router.post(
    "",
    response_model=PriceOut,
    status_code=status.HTTP_201_CREATED,
    summary="Add a model price (administrators)",
    responses=responses(401, 403, 409, 413, 422, 429, 500),
)
def add_price(
    api: ApiDep, user: CurrentUser, body: Annotated[PriceIn, Body()], response: Response
) -> PriceOut:
    """Runs that end from `valid_from` on are costed at this price (input and output tokens);
    costs already written stay as they are."""
    row = api.prices.add(
        user,
        PriceDraft(body.model, body.input_per_mtok, body.output_per_mtok, body.valid_from),
    )
    response.headers["Location"] = f"{router.prefix}/{row.id}"
    return _out(row)
