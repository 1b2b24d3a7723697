"""Which waiting executions start now: retries whose backoff has passed, run-now, work
handed back by a stopping or lost worker, backfilled slots (each in its turn) and, with a
gate, runs that waited for their agent's limit and now have room. Decided inside the claim
transaction, so the start and the attempt row commit together.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from agentcron.engine import backfill, chains
from agentcron.engine.budgets import BudgetGate
from agentcron.engine.claim_result import BUSY, ClaimResult, work_for
from agentcron.engine.gates import GateTurn
from agentcron.store import claims, gates
from agentcron.store.records import AttemptStart
from agentcron.store.tables import ExecutionStatus, Overlap


def claim_pending(
    session: Session,
    now: datetime,
    limit: int,
    *,
    worker_id: str,
    lease: timedelta,
    events: bool = True,
    gate: GateTurn | None = None,
) -> ClaimResult:
    """Start attempts that are waiting: retries after backoff, run-now, work handed back,
    and (with a `gate`) runs waiting for their agent's limit once it has room."""
    result = ClaimResult()
    pending = claims.due_pending(session, now, limit)
    if gate is not None:
        pending += gate.waiting(session, limit - len(pending), {p.id for p in pending})
    if not pending:
        return result
    busy = claims.busy_schedule_ids(
        session,
        (p.schedule_id for p in pending if p.attempt == 0 and p.overlap == Overlap.SKIP.value),
    )
    pending = backfill.hold_back(session, pending, busy, now)  # they wait their turn, in order
    budget = BudgetGate.load(
        session, now, [(p.user_id, p.schedule_id, p.agent_id) for p in pending]
    )
    starts: list[AttemptStart] = []
    skips: list[uuid.UUID] = []
    commands = chains.commands_for(session, pending)  # chained runs read their upstream
    held: dict[uuid.UUID, datetime] = {}
    if gate is not None:
        held = gate.admit(
            session,
            [(p.agent_id, p.id) for p in pending if not (p.attempt == 0 and p.schedule_id in busy)],
        )
        gates.hold(session, list(held.items()))
        result.held += len(held)
    for item in pending:
        if item.id in held:
            continue
        if item.attempt == 0 and item.schedule_id in busy:
            skips.append(item.id)
            result.skipped += 1
            if events:
                result.events.append(
                    (
                        "execution.finished",
                        str(item.user_id),
                        {
                            "execution_id": str(item.id),
                            "schedule_id": str(item.schedule_id),
                            "agent_id": item.agent_id,
                            "status": ExecutionStatus.SKIPPED.value,
                            "error": BUSY,
                        },
                    )
                )
            continue
        verdict = budget.verdict(item.user_id, item.schedule_id, item.agent_id)
        if not verdict.allowed:
            budget.refuse(item, verdict, events=events)
            result.skipped += 1
            continue
        number = item.attempt + 1
        lag_ms = max(0, int((now - item.scheduled_for).total_seconds() * 1000))
        starts.append(AttemptStart(item.id, number, worker_id, now, now + lease, lag_ms))
        work = work_for(item.id, item, number, now, commands.get(item.id), verdict.allowance)
        result.work.append(work)
        if number > 1:
            result.retried += 1
        else:
            result.lags_s.append(lag_ms / 1000)
        if events:
            result.events.append(
                (
                    "execution.started",
                    str(item.user_id),
                    {
                        "execution_id": str(item.id),
                        "schedule_id": str(item.schedule_id),
                        "agent_id": item.agent_id,
                        "status": ExecutionStatus.RUNNING.value,
                        "attempt": number,
                    },
                )
            )
    claims.start_pending(session, starts)
    claims.skip_pending(session, skips, now, BUSY)
    result.events += budget.write(session, now)
    return result
