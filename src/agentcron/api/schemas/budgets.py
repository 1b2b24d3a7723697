"""Budget bodies of the REST API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agentcron.service.budgets import BudgetDraft, BudgetView


class BudgetIn(BaseModel):
    """A budget as sent on create (POST) and change (PATCH: only the fields given change)."""

    model_config = ConfigDict(extra="forbid")

    scope: str | None = Field(None, description="user, schedule or agent.", examples=["user"])
    schedule_id: uuid.UUID | None = Field(None, description="For scope=schedule: which one.")
    agent: str | None = Field(None, description="For scope=agent: its handle.", examples=["alice"])
    period: str | None = Field(
        None, description="run, day or month (UTC calendar days and months).", examples=["day"]
    )
    max_tokens: Any = Field(None, description="Tokens allowed per period.", examples=[100000])
    max_usd: Any = Field(None, description="USD allowed per period (known costs).", examples=[5])
    warn_at: Any = Field(
        None, description="Share of a limit that sends `budget_warning` (default 0.8)."
    )

    def draft(self) -> BudgetDraft:
        return BudgetDraft(
            scope=self.scope,
            schedule_id=self.schedule_id,
            agent=self.agent,
            period=self.period,
            max_tokens=self.max_tokens,
            max_usd=self.max_usd,
            warn_at=self.warn_at,
            given=frozenset(self.model_fields_set),
        )

    def create_draft(self) -> BudgetDraft:
        draft = self.draft()
        return BudgetDraft(**{**{n: getattr(draft, n) for n in draft.__slots__}, "given": None})


class BudgetOut(BaseModel):
    id: uuid.UUID
    scope: str
    schedule_id: uuid.UUID | None
    agent: str | None
    period: str
    max_tokens: int | None
    max_usd: float | None
    warn_at: float
    period_key: str | None = Field(description="The current period: a UTC day or month.")
    spent_tokens: int | None = Field(description="Spent in the current period (summed now).")
    spent_usd: float | None = Field(description="Known USD spent in the current period.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: BudgetView) -> BudgetOut:
        row = view.row
        return cls(
            id=row.id,
            scope=row.scope,
            schedule_id=row.schedule_id,
            agent=row.agent_id,
            period=row.period,
            max_tokens=row.max_tokens,
            max_usd=row.max_usd,
            warn_at=row.warn_at,
            period_key=view.period_key,
            spent_tokens=view.spent_tokens,
            spent_usd=view.spent_usd,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


class BudgetList(BaseModel):
    items: list[BudgetOut]
