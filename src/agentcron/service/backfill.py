"""Backfill: run a schedule for the past slots of a window that have no execution yet.

Each such slot gets one pending execution (`trigger: backfill`, `scheduled_for` = the slot);
the engine runs them oldest first under the schedule's overlap policy (engine/backfill.py).
The slot key makes it idempotent: a slot that has an execution (of any trigger or status)
is left alone, so running the same backfill twice creates nothing the second time. Windows
reaching into the future, or holding more slots than the limit, are refused."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from agentcron.errors import InvalidInput, NotFound, Problem
from agentcron.service.context import Services
from agentcron.service.handles import parse_id
from agentcron.service.schedules import ScheduleService
from agentcron.store import claims
from agentcron.store import schedules as repo
from agentcron.store.records import NewExecution
from agentcron.store.tables import Execution, ExecutionStatus, ExecutionTrigger, User
from agentcron.timing import InvalidSchedule, build_trigger

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Backfill:
    """What a backfill did (or, as a preview, would do): the slots without an execution,
    oldest first, and how many slots of the window had one already."""

    schedule_id: uuid.UUID
    slots: list[datetime]
    existing: int
    created: int
    execution_ids: list[uuid.UUID]
    dry_run: bool


class BackfillService:
    def __init__(self, services: Services, schedules: ScheduleService) -> None:
        self.s = services
        self.schedules = schedules

    def backfill(
        self,
        user: User,
        schedule_id: uuid.UUID | str,
        start: datetime | None,
        end: datetime | None,
        *,
        limit: int = DEFAULT_LIMIT,
        dry_run: bool = False,
    ) -> Backfill:
        now = self.s.clock.now()
        ident = parse_id(schedule_id, "schedule")
        start, end = _checked_window(start, end, limit, now)
        if not dry_run:
            self.schedules._rate_limit(user)
        with self.s.store.write() as session:
            row = repo.get(session, user.id, ident)
            if row is None:
                raise NotFound("schedule", schedule_id)
            try:
                trigger = build_trigger(repo.spec_of(row))
            except InvalidSchedule:
                raise InvalidInput.one(
                    "schedule", "its timing is no longer valid", "edit it first"
                ) from None
            window: list[datetime] = []
            instant = start - timedelta(microseconds=1)
            while True:
                fire = trigger.next_after(instant)
                if fire is None or fire > end:
                    break
                window.append(fire)
                if len(window) > limit:
                    raise InvalidInput.one(
                        "limit",
                        f"the window holds more than {limit} slots",
                        f"narrow from/to, or raise limit (at most {MAX_LIMIT})",
                    )
                instant = fire
            taken = set(
                session.scalars(
                    select(Execution.scheduled_for).where(
                        Execution.schedule_id == row.id,
                        Execution.scheduled_for >= start,
                        Execution.scheduled_for <= end,
                    )
                )
            )
            slots = [slot for slot in window if slot not in taken]
            if dry_run or not slots:
                return Backfill(row.id, slots, len(window) - len(slots), 0, [], dry_run)
            executions = [
                NewExecution(
                    id=uuid.uuid4(),
                    schedule_id=row.id,
                    user_id=user.id,
                    agent_id=row.agent_id,
                    scheduled_for=slot,
                    created_at=now,
                    status=ExecutionStatus.PENDING,
                    trigger=ExecutionTrigger.BACKFILL,
                    # Oldest first: the engine takes pending work in this order, and
                    # every slot is past, so all are due now.
                    next_attempt_at=slot,
                )
                for slot in slots
            ]
            written = claims.insert_executions(session, executions)
        created = [e for e in executions if e.id in written]
        if created:
            self.s.bus.publish(
                "execution.queued",
                str(user.id),
                schedule_id=str(row.id),
                execution_id=str(created[0].id),
                status=ExecutionStatus.PENDING.value,
            )
        return Backfill(
            row.id,
            [e.scheduled_for for e in created],
            len(window) - len(created),
            len(created),
            [e.id for e in created],
            False,
        )


def _checked_window(
    start: datetime | None, end: datetime | None, limit: int, now: datetime
) -> tuple[datetime, datetime]:
    problems: list[Problem] = []
    for name, value in (("from", start), ("to", end)):
        if value is None:
            problems.append(Problem(name, "is required", 'an instant, e.g. "2026-12-01T00:00:00Z"'))
        elif value.tzinfo is None:
            problems.append(Problem(name, "has no UTC offset", 'e.g. "2026-12-01T00:00:00Z"'))
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        problems.append(
            Problem(
                "limit", f"{limit!r} is out of range", f"use a whole number from 1 to {MAX_LIMIT}"
            )
        )
    if not problems:
        assert start is not None and end is not None
        if end > now:
            problems.append(
                Problem("to", "is in the future", "backfill covers past slots only; end it by now")
            )
        if start >= end:
            problems.append(Problem("from", "is not before `to`", "give an earlier `from`"))
    if problems:
        raise InvalidInput(problems)
    assert start is not None and end is not None
    return start.astimezone(UTC), end.astimezone(UTC)
