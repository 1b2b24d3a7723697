"""What each due schedule slot becomes: a run (once per member of a group), a run waiting
for its agent's limit, a skip (overlap, budget), or missed (found beyond the misfire
grace); and, for a schedule that fell behind, the slots folded into its late run. Decided
inside the claim transaction, so the decision, the execution row and the schedule's next
slot commit together.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from agentcron.engine import chains
from agentcron.engine.budgets import BudgetGate, refused_slot
from agentcron.engine.claim_result import BUSY, ClaimResult, Event, work_for
from agentcron.engine.gates import GateTurn, held_execution
from agentcron.engine.notices import Final, Notices
from agentcron.engine.slot_counts import SlotCount
from agentcron.engine.slots import SlotPlanner
from agentcron.store import claims
from agentcron.store.ids import TimeOrderedIds
from agentcron.store.records import DueSchedule, NewExecution, ScheduleAdvance
from agentcron.store.tables import ExecutionStatus, Overlap
from agentcron.timing import Trigger
from agentcron.timing.spec import ScheduleType


def _coalesced(
    row: DueSchedule, trigger: Trigger, slot: datetime, now: datetime, ids: TimeOrderedIds
) -> tuple[NewExecution, SlotCount]:
    """The record of the slots after `slot` that came due while the schedule was behind:
    they are folded into the run of `slot` (late, within the misfire grace) rather than run
    one after another, and history says so instead of keeping quiet about them."""
    first = trigger.next_after(slot)
    assert first is not None
    execution = NewExecution(
        ids(),
        row.id,
        row.user_id,
        row.agent_id,
        first,
        now,
        ExecutionStatus.SKIPPED,
        missed_count=1,
        finished_at=now,
        error_message="skipped: slots came due while this schedule was behind",
    )
    message = (
        "skipped: {count} slot(s) from {first} to " + now.isoformat() + " came due while this "
        f"schedule was behind; they were folded into the run of {slot.isoformat()} (within "
        f"the misfire grace of {row.misfire_grace_s} s)"
    )
    return execution, SlotCount(execution.id, trigger, slot, now, message)


def claim_schedules(
    session: Session,
    now: datetime,
    limit: int,
    *,
    worker_id: str,
    lease: timedelta,
    notices: Notices | None = None,
    events: bool = True,
    gate: GateTurn | None = None,
    members: chains.Members | None = None,
) -> ClaimResult:
    """Claim up to `limit` due schedules and write what each slot became (and, for slots
    missed, the notices they call for). With a `gate`, runs of agents at their limit are
    recorded pending, waiting for it, instead of starting."""
    result = ClaimResult()
    due = claims.due_schedules(session, now, limit)
    if not due:
        return result
    busy = claims.busy_schedule_ids(
        session, (row.id for row in due if row.overlap == Overlap.SKIP.value)
    )
    budget = BudgetGate.load(session, now, [(row.user_id, row.id, row.agent_id) for row in due])
    allowances: dict[uuid.UUID, int | None] = {}
    planner = SlotPlanner()
    new_id = TimeOrderedIds(2 * len(due))
    lease_expires_at = now + lease
    executions: list[tuple[NewExecution, DueSchedule]] = []
    advances: list[ScheduleAdvance] = []
    for row in due:
        slot = row.next_run_at
        trigger = planner.trigger(row)
        lateness = now - slot
        following = planner.next_after(row, trigger, slot)
        behind = following is not None and following <= now  # more slots came due since
        if behind:
            following = planner.next_after(row, trigger, now)
        if lateness > timedelta(seconds=row.misfire_grace_s):
            status = ExecutionStatus.MISSED
            execution = NewExecution(
                new_id(),
                row.id,
                row.user_id,
                row.agent_id,
                slot,
                now,
                status,
                missed_count=1,
                finished_at=now,
                error_message=f"slots missed from {slot.isoformat()}",
            )
            result.to_count.append(
                SlotCount(
                    execution.id,
                    trigger,
                    slot - timedelta(microseconds=1),
                    now,
                    f"{{count}} slot(s) missed from {slot.isoformat()}: found "
                    f"{int(lateness.total_seconds())} s late, beyond the misfire grace of "
                    f"{row.misfire_grace_s} s",
                )
            )
            result.missed += 1
        elif row.id in busy:
            status = ExecutionStatus.SKIPPED
            execution = NewExecution(
                new_id(),
                row.id,
                row.user_id,
                row.agent_id,
                slot,
                now,
                status,
                finished_at=now,
                error_message=BUSY,
            )
            result.skipped += 1
        elif not (verdict := budget.verdict(row.user_id, row.id, row.agent_id)).allowed:
            status = ExecutionStatus.SKIPPED
            execution = refused_slot(new_id(), row, now, verdict)
            result.skipped += 1
        else:
            allowances[row.id] = verdict.allowance
            status = ExecutionStatus.RUNNING
            # A group schedule (@category) runs once per member agent at this slot; the
            # members are read now, so a reload counts from the next slot.
            group = tuple(members(row.agent_id)) if members is not None else ()
            for agent in group[:-1]:
                executions.append(
                    (_running(new_id(), row, agent, slot, now, worker_id, lease_expires_at), row)
                )
            agent = group[-1] if group else row.agent_id
            execution = _running(new_id(), row, agent, slot, now, worker_id, lease_expires_at)
        executions.append((execution, row))
        if behind and status is not ExecutionStatus.MISSED:
            folded, tally = _coalesced(row, trigger, slot, now, new_id)
            executions.append((folded, row))
            result.to_count.append(tally)
            result.skipped += 1
        advances.append(
            ScheduleAdvance(
                row.id,
                following,
                following is not None or row.schedule_type != ScheduleType.ONCE.value,
                slot if status is ExecutionStatus.RUNNING else row.last_run_at,
                None if status is ExecutionStatus.RUNNING else status,
            )
        )
    if gate is not None:
        _hold_new(session, gate, executions, result)
    written = claims.insert_executions(session, [execution for execution, _ in executions])
    result.to_count = [item for item in result.to_count if item.execution_id in written]
    claims.advance_schedules(session, advances)
    if notices is not None:
        result.events += _notify_missed(session, now, notices, executions, written)
    result.events += budget.write(session, now)
    for execution, row in executions:
        if execution.id not in written:
            continue
        kind = "execution.started"
        if execution.status is ExecutionStatus.RUNNING:
            work = work_for(
                execution.id,
                row,
                1,
                now,
                allowance=allowances.get(row.id),
                agent_id=execution.agent_id,
            )
            result.work.append(work)
            result.lags_s.append((execution.lag_ms or 0) / 1000)
        elif execution.status is ExecutionStatus.PENDING:
            kind = "execution.queued"  # waiting for its agent's limit (engine.gates)
        else:
            kind = "execution.finished"
        if events:
            result.events.append(
                (
                    kind,
                    str(row.user_id),
                    {
                        "execution_id": str(execution.id),
                        "schedule_id": str(row.id),
                        "agent_id": execution.agent_id,
                        "status": execution.status.value,
                        "scheduled_for": execution.scheduled_for.isoformat(),
                    },
                )
            )
    return result


def _hold_new(
    session: Session,
    gate: GateTurn,
    executions: list[tuple[NewExecution, DueSchedule]],
    result: ClaimResult,
) -> None:
    """Turn the runs of agents at their limit into runs waiting for it (in place)."""
    starting = [(e.agent_id, e.id) for e, _ in executions if e.status is ExecutionStatus.RUNNING]
    held = gate.admit(session, starting)
    if held:
        result.held += len(held)
        for index, (execution, row) in enumerate(executions):
            if execution.id in held:
                executions[index] = (held_execution(execution, held[execution.id]), row)


def _running(
    execution_id: uuid.UUID,
    row: DueSchedule,
    agent_id: str,
    slot: datetime,
    now: datetime,
    worker_id: str,
    lease_expires_at: datetime,
) -> NewExecution:
    return NewExecution(
        execution_id,
        row.id,
        row.user_id,
        agent_id,
        slot,
        now,
        ExecutionStatus.RUNNING,
        attempt=1,
        started_at=now,
        lag_ms=max(0, int((now - slot).total_seconds() * 1000)),
        worker_id=worker_id,
        lease_expires_at=lease_expires_at,
    )


def _notify_missed(
    session: Session,
    now: datetime,
    notices: Notices,
    executions: list[tuple[NewExecution, DueSchedule]],
    written: set[uuid.UUID],
) -> list[Event]:
    finals = [
        Final(e.id, row.id, row.user_id, e.status, e.error_message)
        for e, row in executions
        if e.id in written and e.status is ExecutionStatus.MISSED
    ]
    return notices.after_missed(session, now, finals)
