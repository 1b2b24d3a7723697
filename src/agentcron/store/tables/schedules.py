"""Schedules and what organises them: tags and templates."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from agentcron.store.tables.base import (
    Base,
    ChainOn,
    Overlap,
    allowed_in,
)
from agentcron.store.types import UTCDateTime
from agentcron.timing.spec import IntervalUnit, ScheduleType


class ScheduledCommand(Base):
    __tablename__ = "scheduled_commands"
    __table_args__ = (
        CheckConstraint(allowed_in("schedule_type", ScheduleType), name="schedule_type"),
        CheckConstraint(
            f"interval_unit IS NULL OR {allowed_in('interval_unit', IntervalUnit)}",
            name="interval_unit",
        ),
        CheckConstraint(allowed_in("overlap", Overlap), name="overlap"),
        CheckConstraint("max_retries >= 0 AND max_retries <= 3", name="max_retries"),
        Index("ix_scheduled_commands_enabled_next_run_at", "enabled", "next_run_at"),
        UniqueConstraint("user_id", "key", name="uq_scheduled_commands_user_id_key"),
        CheckConstraint(f"after_on IS NULL OR {allowed_in('after_on', ChainOn)}", name="after_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str | None] = mapped_column(String(100))
    agent_id: Mapped[str] = mapped_column(String(64), index=True)
    command_text: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    schedule_type: Mapped[str] = mapped_column(String(16))
    cron_expression: Mapped[str | None] = mapped_column(String(255))
    interval_value: Mapped[int | None] = mapped_column(Integer)
    interval_unit: Mapped[str | None] = mapped_column(String(16))
    run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anchor_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    misfire_grace_s: Mapped[int] = mapped_column(Integer, default=300)
    overlap: Mapped[str] = mapped_column(String(8), default=Overlap.SKIP.value)
    max_retries: Mapped[int] = mapped_column(Integer, default=3)
    timeout_s: Mapped[int] = mapped_column(Integer, default=600)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Notifications (0004). `notify` overrides the owner's channels for this schedule: NULL
    # follows them, {"channels": [...] | null, "on": [...] | null} narrows them, and
    # {"channels": [], "on": []} is silence. `consecutive_failures` is the failing streak,
    # written only when it changes; at `auto_pause_after` (0: never) the engine disables the
    # schedule and says why in the `paused_*` fields (`paused_by` is "auto" or "user").
    notify: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    auto_pause_after: Mapped[int] = mapped_column(Integer, default=5, server_default=text("5"))
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_by: Mapped[str | None] = mapped_column(String(16))
    paused_reason: Mapped[str | None] = mapped_column(String(500))
    paused_note: Mapped[str | None] = mapped_column(Text)
    # Chains (0007): an `after` schedule has no clock (next_run_at stays NULL); it runs when
    # its upstream's execution reaches a final outcome `after_on` names. Deleting the
    # upstream (only with ?detach=true while it has children) leaves NULL here.
    after_schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("scheduled_commands.id", ondelete="SET NULL"), index=True
    )
    after_on: Mapped[str | None] = mapped_column(String(8))
    # Organising (0008): a pause by hand may end by itself at `paused_until` (the engine's
    # resume step, engine/resume.py); tags live in `schedule_tags` (store/tags.py).
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    tag_rows: Mapped[list[ScheduleTag]] = relationship(
        lazy="selectin",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ScheduleTag.tag",
    )

    @property
    def tags(self) -> list[str]:
        return [t.tag for t in self.tag_rows]


class ScheduleTag(Base):
    """One tag on one schedule: a row per (schedule, tag), so filtering by tags is a plain
    indexed lookup on SQLite and PostgreSQL alike (store/tags.py)."""

    __tablename__ = "schedule_tags"
    __table_args__ = (Index("ix_schedule_tags_tag", "tag"),)

    schedule_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("scheduled_commands.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(32), primary_key=True)


class ScheduleTemplate(Base):
    """A user's reusable schedule: a command with {placeholders}, its timing and tags
    (service/templates.py). `timing` holds the draft's timing fields as JSON."""

    __tablename__ = "schedule_templates"
    __table_args__ = (
        UniqueConstraint("user_id", "name", name="uq_schedule_templates_user_id_name"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    command_text: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    timing: Mapped[dict[str, Any]] = mapped_column(JSON)
    tags: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
