"""What one claim hands back to the loop: the attempts to start, the counts for metrics,
the events to publish, the slots left to count, and how far ahead the claim looked.

Both claim rules (`slot_claims` for due schedules, `pending_claims` for waiting executions)
fill one of these, and `admission` merges them into one batch.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agentcron.engine.runner import Work
from agentcron.engine.slot_counts import SlotCount
from agentcron.store.records import DueSchedule, PendingExecution

BUSY = "skipped: the previous execution is still running or waiting to retry (overlap=skip)"

Event = tuple[str, str, dict[str, Any]]


@dataclass(slots=True)
class ClaimResult:
    work: list[Work] = field(default_factory=list)  # attempts started, for the runner
    missed: int = 0
    skipped: int = 0
    retried: int = 0
    held: int = 0  # runs kept waiting for their agent's limit (engine.gates)
    lags_s: list[float] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # Records of slots not run (missed, or folded into a late run) whose number is counted
    # after the claim commits, outside the write lock (`count_slots`).
    to_count: list[SlotCount] = field(default_factory=list)
    # When the batch was not full: the earliest slot and pending attempt left, read in the
    # same transaction, so the loop knows how long to sleep without asking again.
    horizon: tuple[datetime | None, datetime | None] | None = None

    @property
    def started(self) -> int:
        return len(self.work)

    def merge(self, other: ClaimResult) -> None:
        self.work.extend(other.work)
        self.missed += other.missed
        self.skipped += other.skipped
        self.retried += other.retried
        self.held += other.held
        self.lags_s.extend(other.lags_s)
        self.events.extend(other.events)
        self.to_count.extend(other.to_count)


def work_for(
    execution_id: uuid.UUID,
    row: DueSchedule | PendingExecution,
    attempt: int,
    now: datetime,
    command: str | None = None,
    allowance: int | None = None,
    agent_id: str | None = None,
) -> Work:
    """The attempt the runner starts, from a due schedule's row or a waiting execution's."""
    return Work(
        execution_id=execution_id,
        schedule_id=row.id if isinstance(row, DueSchedule) else row.schedule_id,
        user_id=row.user_id,
        agent_id=row.agent_id if agent_id is None else agent_id,
        command=row.command_text if command is None else command,
        scheduled_for=row.next_run_at if isinstance(row, DueSchedule) else row.scheduled_for,
        attempt=attempt,
        timeout_s=float(row.timeout_s),
        max_retries=row.max_retries,
        started_at=now,
        shown_status=row.last_status,
        token_allowance=allowance,
    )
