"""The resume step: a pause given an end (`paused_until`) ends by itself, once across
instances. The schedule starts again from its next slot after now (no catch-up storm), and
the slots it would have fired meanwhile are recorded as one `skipped` execution carrying
their count, so history says what the pause cost instead of keeping quiet about it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agentcron.store import claims, pauses
from agentcron.store.database import Store
from agentcron.store.records import NewExecution
from agentcron.store.schedules import spec_of
from agentcron.store.tables import ExecutionStatus, ScheduledCommand
from agentcron.timing import InvalidSchedule, build_trigger
from agentcron.timing.counting import count_fires

SKIPPED_COUNT_CAP = 100_000

Event = tuple[str, str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Resumed:
    schedule_id: uuid.UUID
    user_id: uuid.UUID
    skipped: int


def resume_due(store: Store, now: datetime) -> tuple[list[Resumed], list[Event]]:
    """Resume every schedule whose pause has ended by `now`; what this instance resumed."""
    done: list[Resumed] = []
    events: list[Event] = []
    with store.write() as session:
        for row in pauses.due(session, now):
            try:
                trigger = build_trigger(spec_of(row))
            except InvalidSchedule:
                trigger = None
            following = trigger.next_after(now) if trigger is not None else None
            if not pauses.resume(session, row.id, now, following):
                continue  # another instance resumed it (or it changed meanwhile)
            since = row.paused_at or row.paused_until or now
            skipped = 0
            if trigger is not None:
                skipped = count_fires(trigger, since, now, SKIPPED_COUNT_CAP)
            if skipped:
                first = trigger.next_after(since) if trigger is not None else None
                assert first is not None
                claims.insert_executions(session, [_skipped_record(row, first, now, skipped)])
            done.append(Resumed(row.id, row.user_id, skipped))
            kind = "schedule.enabled" if following is not None else "schedule.updated"
            events.append((kind, str(row.user_id), {"schedule_id": str(row.id)}))
    return done, events


def _skipped_record(
    row: ScheduledCommand, first: datetime, now: datetime, count: int
) -> NewExecution:
    shown = f"{count:,}" + ("+" if count >= SKIPPED_COUNT_CAP else "")
    note = f": {row.paused_note}" if row.paused_note else ""
    slots = "slot" if count == 1 else "slots"
    return NewExecution(
        id=uuid.uuid4(),
        schedule_id=row.id,
        user_id=row.user_id,
        agent_id=row.agent_id,
        scheduled_for=first,
        created_at=now,
        status=ExecutionStatus.SKIPPED,
        missed_count=count,
        finished_at=now,
        error_message=f"skipped: {shown} {slots} while paused{note}"[:2000],
    )
