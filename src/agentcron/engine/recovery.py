"""Finishing other workers' work: expired leases (a worker died) and hand-back at shutdown.

A recovered attempt counts as failed ("worker lost") and is retried while attempts remain;
a handed-back attempt is marked cancelled and does not use up a retry, because the worker
stopped it on purpose.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update

from agentcron.engine.recorder import backoff
from agentcron.store import claims
from agentcron.store.database import Store
from agentcron.store.tables import Attempt, Execution, ExecutionStatus, table_of

RECOVERY_BATCH = 500
WORKER_LOST = "worker lost: its lease expired before it reported (the process died or hung)"
HANDED_BACK = "handed back at shutdown; another attempt will run it"


def recover_expired(
    store: Store,
    now: datetime,
    *,
    backoff_base_s: float,
    backoff_max_s: float,
    rng: random.Random,
) -> tuple[int, list[tuple[str, str, dict[str, Any]]]]:
    total = 0
    events: list[tuple[str, str, dict[str, Any]]] = []
    while True:
        with store.write() as session:
            lost = claims.expired_leases(session, now, RECOVERY_BATCH)
            if not lost:
                break
            claims.finish_attempts(
                session,
                [
                    {
                        "b_execution_id": item.execution.id,
                        "b_number": item.execution.attempt,
                        "status": ExecutionStatus.FAILED.value,
                        "finished_at": now,
                        "duration_ms": None,
                        "tokens_used": 0,
                        "llm_calls": 0,
                        "error_message": WORKER_LOST,
                    }
                    for item in lost
                ],
            )
            table = table_of(Execution)
            for item in lost:
                execution, schedule = item.execution, item.schedule
                failed = claims.failed_attempt_count(session, execution.id)
                retry = failed <= schedule.max_retries
                status = ExecutionStatus.PENDING if retry else ExecutionStatus.FAILED
                session.execute(
                    update(table)
                    .where(table.c.id == execution.id)
                    .values(
                        status=status.value,
                        worker_id=None,
                        lease_expires_at=None,
                        error_message=WORKER_LOST,
                        next_attempt_at=(
                            now + backoff(execution.attempt, backoff_base_s, backoff_max_s, rng)
                            if retry
                            else None
                        ),
                        finished_at=None if retry else now,
                    )
                )
                if not retry:
                    claims.set_last_status(
                        session, [{"b_id": schedule.id, "last_status": status.value}]
                    )
                events.append(
                    (
                        "execution.retrying" if retry else "execution.finished",
                        str(schedule.user_id),
                        {
                            "execution_id": str(execution.id),
                            "schedule_id": str(schedule.id),
                            "agent_id": schedule.agent_id,
                            "status": status.value,
                            "error": WORKER_LOST,
                        },
                    )
                )
            total += len(lost)
        if len(lost) < RECOVERY_BATCH:
            break
    return total, events


def hand_back(store: Store, worker_id: str, now: datetime) -> int:
    """Return this worker's unfinished executions to `pending`, due at once."""
    with store.write() as session:
        held = claims.held_by(session, worker_id)
        if not held:
            return 0
        attempts = table_of(Attempt)
        session.execute(
            update(attempts)
            .where(
                attempts.c.execution_id == bindparam("b_execution_id"),
                attempts.c.number == bindparam("b_number"),
            )
            .values(
                status=ExecutionStatus.CANCELLED.value,
                finished_at=now,
                error_message=HANDED_BACK,
            ),
            [{"b_execution_id": row[0], "b_number": row[1]} for row in held],
        )
        table = table_of(Execution)
        session.execute(
            update(table)
            .where(
                table.c.worker_id == worker_id,
                claims.in_state(ExecutionStatus.RUNNING, table.c.status),
            )
            .values(
                status=ExecutionStatus.PENDING.value,
                worker_id=None,
                lease_expires_at=None,
                next_attempt_at=now,
            )
        )
        return len(held)
