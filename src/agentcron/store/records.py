"""The small typed records the engine and the store pass each other.

The engine decides (run, skip, miss, retry); the store writes. Between them travel these
frozen records, never bind-parameter dicts or ORM objects: the store alone knows column
names and SQL, the engine alone knows the rules. They are plain slotted dataclasses,
built by the thousand in a burst, so they carry no validation of their own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agentcron.store.tables import ExecutionStatus, ExecutionTrigger


@dataclass(frozen=True, slots=True)
class DueSchedule:
    """A schedule whose slot has come, as a claim reads it (locked for its transaction)."""

    id: uuid.UUID
    user_id: uuid.UUID
    agent_id: str
    command_text: str
    schedule_type: str
    cron_expression: str | None
    interval_value: int | None
    interval_unit: str | None
    run_at: datetime | None
    anchor_at: datetime
    timezone: str
    misfire_grace_s: int
    overlap: str
    max_retries: int
    timeout_s: int
    next_run_at: datetime
    last_run_at: datetime | None
    last_status: str | None


@dataclass(frozen=True, slots=True)
class NewExecution:
    """One execution row to insert: a claimed slot (running, missed or skipped) or a manual
    run waiting to start (pending). The only definition of "a new execution"."""

    id: uuid.UUID
    schedule_id: uuid.UUID
    user_id: uuid.UUID
    agent_id: str
    scheduled_for: datetime
    created_at: datetime
    status: ExecutionStatus
    trigger: ExecutionTrigger = ExecutionTrigger.SCHEDULE
    attempt: int = 0
    missed_count: int = 0
    started_at: datetime | None = None  # of the first attempt (and the current one, here)
    finished_at: datetime | None = None
    lag_ms: int | None = None
    worker_id: str | None = None
    lease_expires_at: datetime | None = None
    next_attempt_at: datetime | None = None
    error_message: str | None = None
    upstream_execution_id: uuid.UUID | None = None  # a chained run: whose outcome made it
    chain: bool = True  # whether its end may start its downstream schedules
    waiting_for: str | None = None  # pending for its agent's limit ("agent_limit")
    error_code: str | None = None  # a slot refused at claim: why, for programs


@dataclass(frozen=True, slots=True)
class ScheduleAdvance:
    """A claimed schedule moved to its next slot (None: it fires no more). `last_status` is
    written only for slots whose outcome is final at once (missed, skipped): a run's outcome
    is written when it ends, and only if it differs from what the schedule shows."""

    schedule_id: uuid.UUID
    next_run_at: datetime | None
    enabled: bool
    last_run_at: datetime | None
    last_status: ExecutionStatus | None


@dataclass(frozen=True, slots=True)
class PendingExecution:
    """An execution waiting for an attempt (a retry after backoff, a manual run, work handed
    back), with what of its schedule the engine needs to run it."""

    id: uuid.UUID
    schedule_id: uuid.UUID
    user_id: uuid.UUID
    agent_id: str
    command_text: str
    scheduled_for: datetime
    attempt: int  # attempts started so far
    overlap: str
    max_retries: int
    timeout_s: int
    last_status: str | None  # what the schedule shows now
    upstream_execution_id: uuid.UUID | None = None  # a chained run's upstream (templating)
    trigger: str = ExecutionTrigger.SCHEDULE.value


@dataclass(frozen=True, slots=True)
class AttemptStart:
    """A pending execution's next attempt, started by `worker_id` under a lease."""

    execution_id: uuid.UUID
    number: int
    worker_id: str
    started_at: datetime
    lease_expires_at: datetime
    lag_ms: int


@dataclass(frozen=True, slots=True)
class Finish:
    """How an attempt ended and what its execution became: final (`next_attempt_at` None)
    or pending again for a retry at `next_attempt_at` (then the attempt is kept as a row).

    Usage is this attempt's; the execution sums it over its attempts. `steps` is the
    attempt's transcript as JSON. `shown_status` is what the schedule showed as its last
    status when the attempt started: a final status equal to it is not written again."""

    execution_id: uuid.UUID
    schedule_id: uuid.UUID
    attempt: int
    attempt_status: ExecutionStatus
    status: ExecutionStatus
    finished_at: datetime
    attempt_started_at: datetime | None = None
    worker_id: str | None = None  # who ran the attempt
    duration_ms: int | None = None
    tokens_used: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    llm_calls: int = 0
    cost_usd: float | None = None
    model: str | None = None
    agent_task_id: str | None = None
    summary: str | None = None
    output: str | None = None
    steps: str | None = None
    error: str | None = None
    error_code: str | None = None
    next_attempt_at: datetime | None = None
    shown_status: str | None = None


@dataclass(frozen=True, slots=True)
class LostExecution:
    """A running execution whose worker stopped renewing its lease (it died or hung)."""

    id: uuid.UUID
    schedule_id: uuid.UUID
    user_id: uuid.UUID
    agent_id: str
    attempt: int
    attempt_started_at: datetime | None
    worker_id: str | None
    max_retries: int
    failures: int  # failed or timed-out attempts recorded before this one


@dataclass(frozen=True, slots=True)
class SlotTally:
    """How many slots a missed (or folded) execution stands for, counted after its claim."""

    execution_id: uuid.UUID
    count: int
    message: str


@dataclass(frozen=True, slots=True)
class Progress:
    """A running attempt's output and steps (JSON) so far."""

    execution_id: uuid.UUID
    attempt: int
    output: str | None
    steps: str | None


# -- notifications (store.outbox, store.deliveries) ---------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeSubject:
    """A schedule as the notice rules read it, inside the transaction that finishes one of its
    executions (its row is locked there by the outcome's own write)."""

    id: uuid.UUID
    user_id: uuid.UUID
    agent_id: str
    command_text: str
    description: str
    key: str | None
    timezone: str
    enabled: bool
    consecutive_failures: int
    auto_pause_after: int
    notify: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class ChannelRule:
    """An enabled channel and the events its owner asked it for."""

    id: uuid.UUID
    user_id: uuid.UUID
    events: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExecutionFacts:
    """What a notice says about an execution, read once its outcome is written."""

    id: uuid.UUID
    scheduled_for: datetime
    started_at: datetime | None
    finished_at: datetime | None
    status: str
    trigger: str
    attempt: int
    duration_ms: int | None
    summary: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class StreakChange:
    schedule_id: uuid.UUID
    consecutive_failures: int


@dataclass(frozen=True, slots=True)
class AutoPause:
    """A schedule disabled by the engine after too many failures in a row."""

    schedule_id: uuid.UUID
    paused_at: datetime
    reason: str
    note: str | None


@dataclass(frozen=True, slots=True)
class NewNotice:
    """A notice and the channels it goes to (none: it is for the bell alone)."""

    id: uuid.UUID
    user_id: uuid.UUID
    schedule_id: uuid.UUID | None
    execution_id: uuid.UUID | None
    event: str
    title: str
    message: str
    payload: dict[str, Any]
    created_at: datetime
    channel_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True, slots=True)
class ClaimedNotification:
    """An outbox row this sender now holds under a lease, with what sending it takes."""

    id: uuid.UUID
    notice_id: uuid.UUID
    channel_id: uuid.UUID
    user_id: uuid.UUID
    schedule_id: uuid.UUID | None
    attempts: int  # including the one just claimed
    suppressed_before: int
    event: str
    title: str
    message: str
    payload: dict[str, Any]
    kind: str
    url: str
    secret: str | None


@dataclass(frozen=True, slots=True)
class ChannelWindow:
    """A channel's rate-limit window, locked for the claim's transaction."""

    id: uuid.UUID
    enabled: bool
    disabled_reason: str | None
    window_started_at: datetime | None
    window_count: int
    suppressed: int


@dataclass(frozen=True, slots=True)
class Delivered:
    """How one claimed notification ended: sent, failed for good, or due again at `retry_at`.
    `disable` (a permanent refusal) turns its channel off with the error as the reason."""

    id: uuid.UUID
    channel_id: uuid.UUID
    attempts: int
    status: str
    error: str | None = None
    retry_at: datetime | None = None
    disable: bool = False
