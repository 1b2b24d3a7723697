"""What ran: executions, their kept attempts, the daily rollup of pruned history, the engine instances and the per-agent gates that limit starts."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from agentcron.store.tables.base import (
    Base,
    ExecutionStatus,
    ExecutionTrigger,
    allowed_in,
    partial_index,
)
from agentcron.store.types import UTCDateTime


class Execution(Base):
    """One slot of one schedule. `attempt` counts the tries started; each try is an `Attempt` row."""

    __tablename__ = "scheduled_command_executions"
    __table_args__ = (
        # One execution per (schedule, slot, agent): a group schedule (@category) runs once
        # per member agent at each slot (0007).
        UniqueConstraint(
            "schedule_id", "scheduled_for", "agent_id", name="uq_executions_schedule_slot"
        ),
        CheckConstraint(allowed_in("status", ExecutionStatus), name="status"),
        CheckConstraint(allowed_in("trigger", ExecutionTrigger), name="trigger"),
        # Partial: only the few rows still in play are indexed, so the history can grow to
        # millions without these indexes growing, and a finished execution leaves them
        # with one deletion instead of a move within each (0002).
        partial_index(
            "ix_executions_pending_next_attempt_at", "next_attempt_at", where="status = 'pending'"
        ),
        partial_index(
            "ix_executions_running_lease_expires_at", "lease_expires_at", where="status = 'running'"
        ),
        Index("ix_executions_user_id_created_at", "user_id", "created_at"),
        # Runs waiting for their agent's limit, oldest slot first per agent (0009); empty
        # unless an agent has limits, so it costs a burst nothing.
        partial_index(
            "ix_executions_waiting_agent_id",
            "agent_id",
            "scheduled_for",
            where="status = 'pending' AND waiting_for IS NOT NULL",
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
