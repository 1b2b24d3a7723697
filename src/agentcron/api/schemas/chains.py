"""Chains in and out: run-now's options and a schedule's dependents."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from agentcron.service.chains import Dependent


class RunNowIn(BaseModel):
    """Options of a manual run (the body may be left out)."""

    model_config = ConfigDict(extra="forbid")

    chain: bool = Field(
        True, description="Whether this run's end starts the schedules that run after it."
    )


class DependentOut(BaseModel):
    id: uuid.UUID
    key: str | None
    agent_id: str
    command_text: str
    enabled: bool
    after_schedule_id: uuid.UUID = Field(description="The schedule it runs right after.")
    after_on: str = Field(description="success, failure or always.")
    depth: int = Field(description="1: runs right after this schedule; 2: after one of those …")

    @classmethod
    def of(cls, d: Dependent) -> DependentOut:
        return cls(
            id=d.id,
            key=d.key,
            agent_id=d.agent_id,
            command_text=d.command_text,
            enabled=d.enabled,
            after_schedule_id=d.after_schedule_id,
            after_on=d.after_on,
            depth=d.depth,
        )


class DependentsOut(BaseModel):
    schedule_id: uuid.UUID
    items: list[DependentOut] = Field(description="Every schedule downstream, nearest first.")
