"""Organising many schedules: pauses with a note or an end, tags, bulk actions, backfill
and templates, in and out."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from agentcron.api.schemas.schedules import Text


class PauseIn(BaseModel):
    """Why a schedule is paused, and when it starts again by itself."""

    model_config = ConfigDict(extra="forbid")

    note: Text | None = Field(
        None,
        description="Why it is paused (up to 1000 characters).",
        examples=["waiting for the vendor"],
    )
    until: datetime | None = Field(
        None,
        description="When it resumes by itself: a future instant with its offset. Left out, "
        "it stays paused until enabled.",
        examples=["2026-12-24T09:00:00Z"],
    )


class TagOut(BaseModel):
    tag: str
    count: int = Field(description="How many of your schedules carry it.")


class TagList(BaseModel):
    items: list[TagOut]
