"""Finishing other workers' work: expired leases (a worker died) and hand-back at shutdown.

A recovered attempt counts as failed ("worker lost") and is retried while attempts remain;
a handed-back attempt is marked cancelled and does not use up a retry, because the worker
stopped it on purpose.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agentcron.engine import chains
from agentcron.engine.notices import Final, Notices
from agentcron.engine.retry import RetryPolicy
from agentcron.store import outcomes
from agentcron.store.database import Store
from agentcron.store.records import Finish, LostExecution
from agentcron.store.tables import ExecutionStatus

RECOVERY_BATCH = 500
WORKER_LOST = "worker lost: its lease expired before it reported (the process died or hung)"
HANDED_BACK = "handed back at shutdown; another attempt will run it"

Event = tuple[str, str, dict[str, Any]]


def recover_expired(
    store: Store,
    now: datetime,
    retry: RetryPolicy,
    notices: Notices | None = None,
    members: chains.Members = lambda agent_id: (agent_id,),
) -> tuple[int, list[Event]]:
    """Finish every execution whose lease expired, a batch per short transaction; final
    failures count in their schedules' streaks and notify like any other."""
    total = 0
    events: list[Event] = []
    while True:
        with store.write() as session:
            lost = outcomes.expired_leases(session, now, RECOVERY_BATCH)
            if not lost:
                break
            finishes: list[Finish] = []
            for item in lost:
                retry_at = retry.after(
                    ExecutionStatus.FAILED,
                    retryable=True,
                    failures=item.failures + 1,
                    max_retries=item.max_retries,
                    attempt=item.attempt,
                    now=now,
                )
                status = ExecutionStatus.PENDING if retry_at else ExecutionStatus.FAILED
                finishes.append(
                    Finish(
                        execution_id=item.id,
                        schedule_id=item.schedule_id,
                        attempt=item.attempt,
                        attempt_status=ExecutionStatus.FAILED,
                        status=status,
                        finished_at=now,
                        attempt_started_at=item.attempt_started_at,
                        worker_id=item.worker_id,
                        error=WORKER_LOST,
                        error_code="worker_lost",
                        next_attempt_at=retry_at,
                    )
                )
                events.append(
                    (
                        "execution.retrying" if retry_at else "execution.finished",
                        str(item.user_id),
                        {
                            "execution_id": str(item.id),
                            "schedule_id": str(item.schedule_id),
                            "agent_id": item.agent_id,
                            "status": status.value,
                            "error": WORKER_LOST,
                        },
                    )
                )
            outcomes.recover(session, finishes)
            finals = _finals(lost, finishes)
            if notices is not None:
                events += notices.after_finish(session, now, finals)
            events += chains.after_finish(session, now, finals, members)
            total += len(lost)
        if len(lost) < RECOVERY_BATCH:
            break
    return total, events


def _finals(lost: list[LostExecution], finishes: list[Finish]) -> list[Final]:
    return [
        Final(f.execution_id, f.schedule_id, item.user_id, f.status, f.error)
        for item, f in zip(lost, finishes, strict=True)
        if f.next_attempt_at is None
    ]


def hand_back(store: Store, worker_id: str, now: datetime) -> int:
    """Return this worker's unfinished executions to `pending`, due at once."""
    with store.write() as session:
        return outcomes.hand_back(session, worker_id, now, HANDED_BACK)
