"""Organising many schedules: pauses with a note or an end, tags, bulk actions, backfill
and templates, in and out."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

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


class BulkFilter(BaseModel):
    """The list's filters, choosing the schedules instead of ids (at most 500 may match)."""

    model_config = ConfigDict(extra="forbid")

    agent_id: Text | None = None
    enabled: bool | None = None
    schedule_type: Text | None = None
    q: Text | None = Field(None, description="Text in the command, description or agent.")
    tag: list[Text] | None = Field(None, description="Carrying all of these tags.")


class BulkIn(BaseModel):
    """One action on many schedules: by `ids` or by `filter`."""

    model_config = ConfigDict(extra="forbid")

    action: Text = Field(
        description="enable, disable, run, delete, tag or untag.", examples=["disable"]
    )
    ids: list[Text] | None = Field(None, description="At most 500 schedule ids.")
    filter: BulkFilter | None = Field(None, description="Instead of ids: the list's filters.")
    tags: list[Text] | None = Field(
        None, description="For tag and untag: the tags to add or remove.", examples=[["ops"]]
    )


class BulkItemOut(BaseModel):
    id: str
    ok: bool
    status: int = Field(description="What the single call would have answered.")
    problem: str | None = Field(description="Why this id was not changed (null when ok).")
    problem_type: str | None = Field(description="The problem's slug, e.g. not-found.")
    execution_id: uuid.UUID | None = Field(description="For run: the queued execution.")


class BulkOut(BaseModel):
    action: str
    total: int = Field(description="Schedules the action was tried on.")
    applied: int
    failed: int
    results: list[BulkItemOut] = Field(description="One per id, in the order given.")


class BackfillIn(BaseModel):
    """A past window whose slots without an execution should run now."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: datetime | None = Field(
        None,
        alias="from",
        description="The window's start (inclusive).",
        examples=["2026-12-01T00:00:00Z"],
    )
    to: datetime | None = Field(
        None,
        description="The window's end (inclusive), not after now.",
        examples=["2026-12-03T00:00:00Z"],
    )
    limit: int = Field(100, description="Refuse windows with more slots than this (1 to 1000).")
    dry_run: bool = Field(False, description="Only say which slots would run (the preview).")


class BackfillOut(BaseModel):
    schedule_id: uuid.UUID
    created: int = Field(description="Executions queued (0 for a dry run).")
    existing: int = Field(description="Slots of the window that already had an execution.")
    slots: list[datetime] = Field(
        description="The slots queued (or, dry run, to be), oldest first."
    )
    execution_ids: list[uuid.UUID]
    dry_run: bool


class PresetOut(BaseModel):
    key: str = Field(description="Send it as `preset` to a template, or pick it in the editor.")
    label: str
    schedule_type: str
    cron_expression: str | None = None
    interval_value: int | None = None
    interval_unit: str | None = None


class TemplateIn(BaseModel):
    """A reusable schedule: a command with {placeholders}, its timing and tags. The timing
    comes as fields, as a `preset`, or copied with the rest from `schedule_id`."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(examples=["service health"])
    command_text: Text | None = Field(
        None,
        description="May hold placeholders like {service}; `{{` and `}}` are literal braces.",
        examples=["@alice check {service} health"],
    )
    description: Text | None = None
    schedule_type: Text | None = None
    cron_expression: Text | None = None
    interval_value: int | None = None
    interval_unit: Text | None = None
    run_at: datetime | None = None
    timezone: Text | None = None
    preset: Text | None = Field(None, description="A preset's key instead of the timing fields.")
    tags: list[Text] | None = None
    schedule_id: uuid.UUID | None = Field(
        None, description="Save this schedule of yours as a template (fields given override)."
    )


class TemplateOut(BaseModel):
    id: uuid.UUID
    name: str
    command_text: str
    description: str
    schedule_type: str | None
    cron_expression: str | None
    interval_value: int | None
    interval_unit: str | None
    run_at: datetime | None
    timezone: str | None
    tags: list[str]
    placeholders: list[str] = Field(description="What `use` needs values for.")
    created_at: datetime


class TemplateList(BaseModel):
    items: list[TemplateOut]
    presets: list[PresetOut] = Field(description="The built-in timings.")


class TemplateUseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    values: dict[str, Any] = Field(
        default_factory=dict,
        description="A text value for each placeholder, inserted as plain text.",
        examples=[{"service": "billing"}],
    )
    tags: list[Text] | None = Field(None, description="Instead of the template's tags.")
    key: Text | None = Field(None, description="The new schedule's key.")
