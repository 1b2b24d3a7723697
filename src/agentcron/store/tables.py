"""The schema, as typed SQLAlchemy models. Alembic migrations are written from these and a
test proves autogenerate finds no drift between the two.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from agentcron.store.types import UTCDateTime
from agentcron.timing.spec import IntervalUnit, ScheduleType

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ExecutionStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    MISSED = "missed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self not in (ExecutionStatus.PENDING, ExecutionStatus.RUNNING)


class ExecutionTrigger(StrEnum):
    SCHEDULE = "schedule"
    MANUAL = "manual"
    RETRY = "retry"
    CHAIN = "chain"  # created by its upstream's final outcome (0007)
    BACKFILL = "backfill"  # a past slot run on request (0008)


class ChainOn(StrEnum):
    """Which final outcomes of its upstream an `after` schedule runs on (0007)."""

    SUCCESS = "success"
    FAILURE = "failure"  # failed or timed out
    ALWAYS = "always"  # any of the three (never cancelled, skipped or missed)


class Overlap(StrEnum):
    SKIP = "skip"
    ALLOW = "allow"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone_chosen: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    """Whether the user (or whoever created them) set `timezone`; a default UTC is not a choice."""
    suggested_timezone: Mapped[str | None] = mapped_column(String(64))
    """The browser's zone, seen at a sign-in while `timezone` was not chosen: offered once."""


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginLink(Base):
    """A one-time sign-in link for the browser, stored hashed like a token."""

    __tablename__ = "login_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser, so signing out, revoking the token it signed in with, or ending
    every session of a user takes effect on every instance at the next request. The cookie
    carries the raw id (signed); only its hash is stored, as for tokens."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScheduledCommand(Base):
    __tablename__ = "scheduled_commands"
    __table_args__ = (
        CheckConstraint(_in("schedule_type", ScheduleType), name="schedule_type"),
        CheckConstraint(
            f"interval_unit IS NULL OR {_in('interval_unit', IntervalUnit)}", name="interval_unit"
        ),
        CheckConstraint(_in("overlap", Overlap), name="overlap"),
        CheckConstraint("max_retries >= 0 AND max_retries <= 3", name="max_retries"),
        Index("ix_scheduled_commands_enabled_next_run_at", "enabled", "next_run_at"),
        UniqueConstraint("user_id", "key", name="uq_scheduled_commands_user_id_key"),
        CheckConstraint(f"after_on IS NULL OR {_in('after_on', ChainOn)}", name="after_on"),
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


class Execution(Base):
    """One slot of one schedule. `attempt` counts the tries started; each try is an `Attempt` row."""

    __tablename__ = "scheduled_command_executions"
    __table_args__ = (
        # One execution per (schedule, slot, agent): a group schedule (@category) runs once
        # per member agent at each slot (0007).
        UniqueConstraint(
            "schedule_id", "scheduled_for", "agent_id", name="uq_executions_schedule_slot"
        ),
        CheckConstraint(_in("status", ExecutionStatus), name="status"),
        CheckConstraint(_in("trigger", ExecutionTrigger), name="trigger"),
        # Partial: only the few rows still in play are indexed, so the history can grow to
        # millions without these indexes growing, and a finished execution leaves them
        # with one deletion instead of a move within each (0002).
        Index(
            "ix_executions_pending_next_attempt_at",
            "next_attempt_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "ix_executions_running_lease_expires_at",
            "lease_expires_at",
            sqlite_where=text("status = 'running'"),
            postgresql_where=text("status = 'running'"),
        ),
        Index("ix_executions_user_id_created_at", "user_id", "created_at"),
        # Runs waiting for their agent's limit, oldest slot first per agent (0009); empty
        # unless an agent has limits, so it costs a burst nothing.
        Index(
            "ix_executions_waiting_agent_id",
            "agent_id",
            "scheduled_for",
            sqlite_where=text("status = 'pending' AND waiting_for IS NOT NULL"),
            postgresql_where=text("status = 'pending' AND waiting_for IS NOT NULL"),
        ),
        # Usage and budgets sum a user's executions over a range of slots (0010).
        Index("ix_executions_user_id_scheduled_for", "user_id", "scheduled_for"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    schedule_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("scheduled_commands.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    agent_id: Mapped[str] = mapped_column(String(64))
    # What a pending execution waits for besides its time: "agent_limit" (its agent's
    # max_concurrency, rate_per_minute, or a pause a 429 asked for). None otherwise.
    waiting_for: Mapped[str | None] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16), default=ExecutionTrigger.SCHEDULE.value)
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    missed_count: Mapped[int] = mapped_column(Integer, default=0)
    lag_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    tokens_used: Mapped[int] = mapped_column(Integer, default=0)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    output_tokens: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    llm_calls: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float | None] = mapped_column(Float)
    model: Mapped[str | None] = mapped_column(String(128))
    agent_task_id: Mapped[str | None] = mapped_column(String(255))
    result_summary: Mapped[str | None] = mapped_column(String(500))
    output: Mapped[str | None] = mapped_column(Text)
    # The current (or last) attempt's transcript, JSON: [{"kind", "name", "started_at", …}]
    steps: Mapped[str | None] = mapped_column(Text)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(32))
    worker_id: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the current (or last) attempt started; `started_at` is the first attempt's start.
    attempt_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Chains (0007): the upstream execution whose outcome created this one (no foreign key:
    # pruning the upstream's history must not take this record with it), and whether this
    # execution's own end may start its downstream schedules (run now with chain=false).
    upstream_execution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    chain: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))


class Attempt(Base):
    """An earlier try of an execution: written when an attempt ends and another follows
    (a retry, a lost worker, a hand-back), so retries stay visible. The current or last
    attempt lives on the execution row itself: a run that succeeds first time writes one
    row at its claim and updates it once at its end."""

    __tablename__ = "execution_attempts"
    __table_args__ = (UniqueConstraint("execution_id", "number", name="uq_attempts_number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    execution_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("scheduled_command_executions.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    worker_id: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    tokens_used: Mapped[int] = mapped_column(Integer, default=0)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    output_tokens: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    llm_calls: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float | None] = mapped_column(Float)
    steps: Mapped[str | None] = mapped_column(Text)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(32))


class DailyRollup(Base):
    """Per-day totals that outlive pruned history, so charts and counts stay right."""

    __tablename__ = "execution_daily"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    schedule_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("scheduled_commands.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    # Usage (0010): which agent and model the pruned runs were, so usage by agent and by
    # model outlives pruning too ("" when unknown), and what they spent.
    agent_id: Mapped[str] = mapped_column(
        String(64), primary_key=True, default="", server_default=""
    )
    model: Mapped[str] = mapped_column(String(128), primary_key=True, default="", server_default="")
    count: Mapped[int] = mapped_column(Integer, default=0)
    tokens_used: Mapped[int] = mapped_column(Integer, default=0)
    llm_calls: Mapped[int] = mapped_column(Integer, default=0)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    output_tokens: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    """The known part of the cost; runs that used tokens without a price are counted below."""
    unpriced_runs: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    unpriced_tokens: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    duration_max_ms: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class BudgetScope(StrEnum):
    USER = "user"
    SCHEDULE = "schedule"
    AGENT = "agent"


class BudgetPeriod(StrEnum):
    RUN = "run"
    DAY = "day"
    MONTH = "month"


class Budget(Base):
    """A limit on what a user's runs may spend (tokens and/or USD) per run, UTC day or UTC
    month, for all their runs, one schedule or one agent. Spend is summed from executions at
    each check (engine/budgets.py); this row holds only the limit, and which period was
    last warned about or exhausted, so each notice goes out once per period. On PostgreSQL
    a claim locks its owner's budget rows, so two instances never both pass a check."""

    __tablename__ = "budgets"
    __table_args__ = (
        CheckConstraint(_in("scope", BudgetScope), name="scope"),
        CheckConstraint(_in("period", BudgetPeriod), name="period"),
        CheckConstraint("warn_at > 0 AND warn_at <= 1", name="warn_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(16))
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("scheduled_commands.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str | None] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(8))
    max_tokens: Mapped[int | None] = mapped_column(Integer)
    max_usd: Mapped[float | None] = mapped_column(Float)
    warn_at: Mapped[float] = mapped_column(Float, default=0.8)
    warned_for: Mapped[str | None] = mapped_column(String(16))
    exhausted_for: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ModelPrice(Base):
    """An operator's price for a model (USD per million tokens), in force from `valid_from`:
    it overrides or adds to genai-prices' bundled data for runs that end after that instant.
    Costs are written when a run ends, so a new price never re-prices history."""

    __tablename__ = "model_prices"
    __table_args__ = (
        UniqueConstraint("model", "valid_from", name="uq_model_prices_model_valid_from"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    model: Mapped[str] = mapped_column(String(128))
    input_per_mtok: Mapped[float] = mapped_column(Float)
    output_per_mtok: Mapped[float] = mapped_column(Float)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Instance(Base):
    """A running agentcron process, so status can say who is alive."""

    __tablename__ = "instances"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    version: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AgentGate(Base):
    """One row per agent with limits (or paused by its backend): the claim transaction locks
    it, so two instances cannot both admit the last free run; `paused_until` is when a
    backend's 429 `Retry-After` lets the agent's starts resume, honoured by every instance."""

    __tablename__ = "agent_gates"

    agent_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pause_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AgentStart(Base):
    """An attempt of a rate-limited agent started at `started_at`: counted for
    `rate_per_minute` over the last 60 seconds, and pruned after, under the agent's gate."""

    __tablename__ = "agent_starts"
    __table_args__ = (Index("ix_agent_starts_agent_id_started_at", "agent_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NoticeEvent(StrEnum):
    """What a notification tells: see engine/notices.py for when each happens."""

    FAILURE = "failure"
    RECOVERY = "recovery"
    SUCCESS = "success"
    AGENT = "agent"
    AUTO_PAUSED = "auto_paused"
    MISSED = "missed"
    TEST = "test"
    BUDGET_WARNING = "budget_warning"
    BUDGET_EXHAUSTED = "budget_exhausted"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"


class NotificationChannel(Base):
    """Where a user's notifications go: a signed JSON webhook or an apprise URL. `url` and
    `secret` are credentials: the API shows the URL redacted and the secret once."""

    __tablename__ = "notification_channels"
    __table_args__ = (
        UniqueConstraint("user_id", "name", name="uq_notification_channels_user_id_name"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str | None] = mapped_column(String(128))
    events: Mapped[list[str]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The rate limit's window: messages sent since `window_started_at`, and how many were
    # suppressed since the last message that went out (counted in the next one).
    window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_count: Mapped[int] = mapped_column(Integer, default=0)
    suppressed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notice(Base):
    """Something worth telling a user (a failure, a recovery, a pause…), written in the
    transaction that made it true. The bell lists these; `Notification` rows carry each to
    a channel."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("scheduled_commands.id", ondelete="CASCADE"), index=True
    )
    # No foreign key: pruned history must not take the record of what was said with it.
    execution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    event: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Notification(Base):
    """One notice on its way to one channel: the outbox row the sender claims, and then the
    delivery log's entry."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(_in("status", DeliveryStatus), name="status"),
        Index(
            "ix_notifications_pending_next_attempt_at",
            "next_attempt_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "ix_notifications_sending_lease_expires_at",
            "lease_expires_at",
            sqlite_where=text("status = 'sending'"),
            postgresql_where=text("status = 'sending'"),
        ),
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    notice_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("notices.id", ondelete="CASCADE"), index=True
    )
    channel_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("notification_channels.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("scheduled_commands.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    suppressed_before: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    worker_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def table_of(model: type[Base]) -> Table:
    """The Core table behind a model, typed for Core statements (bulk insert/update)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
