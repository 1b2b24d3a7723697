"""The engine's batch statements (store/bulk.py) write exactly what the ORM writes, keep the
exactly-once guard, and touch only the rows they are meant to, on both dialects."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text

from agentcron.store import claims, outcomes
from agentcron.store.database import Store
from agentcron.store.records import AttemptStart, Finish, NewExecution
from agentcron.store.tables import Attempt, Execution, ExecutionStatus, ScheduledCommand, User

NOW = datetime(2026, 3, 2, 12, 0, 0, 123456, tzinfo=UTC)


def _schedule(store: Store) -> ScheduledCommand:
    user = User(id=uuid.uuid4(), name=f"u{uuid.uuid4().hex[:8]}", timezone="UTC", created_at=NOW)
    row = ScheduledCommand(
        id=uuid.uuid4(),
        user_id=user.id,
        agent_id="alice",
        command_text="@alice check",
        description="",
        schedule_type="interval",
        interval_value=5,
        interval_unit="minutes",
        anchor_at=NOW,
        timezone="UTC",
        enabled=True,
        misfire_grace_s=300,
        overlap="skip",
        max_retries=3,
        timeout_s=60,
        next_run_at=NOW,
        created_at=NOW,
        updated_at=NOW,
    )
    with store.write() as session:
        session.add(user)
        session.flush()
        session.add(row)
    return row


def _execution(schedule: ScheduledCommand, slot: datetime, **extra: Any) -> NewExecution:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "schedule_id": schedule.id,
        "user_id": schedule.user_id,
        "agent_id": "alice",
        "scheduled_for": slot,
        "created_at": NOW.replace(microsecond=0),  # whole seconds are stored with .000000 too
        "status": ExecutionStatus.RUNNING,
        "attempt": 1,
        "started_at": NOW,
        "lag_ms": 5,
        "worker_id": "w1",
        "lease_expires_at": NOW + timedelta(seconds=60),
    }
    values.update(extra)
    return NewExecution(**values)


def _orm(execution: NewExecution) -> Execution:
    values = {f: getattr(execution, f) for f in NewExecution.__slots__}
    values.update(status=execution.status.value, trigger=execution.trigger.value)
    return Execution(**values, tokens_used=0, llm_calls=0)


def test_batch_insert_stores_what_the_orm_stores(store: Store) -> None:
    schedule = _schedule(store)
    batch = _execution(schedule, NOW)
    orm = _execution(schedule, NOW + timedelta(minutes=5))
    with store.write() as session:
        assert claims.insert_executions(session, [batch]) == {batch.id}
        session.add(_orm(orm))
    columns = "scheduled_for, created_at, started_at, lease_expires_at, schedule_id, user_id"
    with store.read() as session:
        batch_raw, orm_raw = session.execute(
            text(f"SELECT {columns} FROM scheduled_command_executions ORDER BY scheduled_for")  # noqa: S608
        ).all()
        loaded = session.get(Execution, batch.id)
        attempts = session.scalars(select(Attempt)).all()
    # Same stored form (text on SQLite, native types on PostgreSQL) for every column kind;
    # only the slot differs, on purpose.
    assert type(batch_raw[0]) is type(orm_raw[0])
    assert tuple(batch_raw[1:]) == tuple(orm_raw[1:])
    assert loaded is not None and loaded.scheduled_for == NOW
    assert loaded.lease_expires_at == NOW + timedelta(seconds=60)
    # A running execution carries its first attempt: one row written at its claim.
    assert attempts == [] and loaded.attempt == 1 and loaded.attempt_started_at == NOW


def test_a_slot_already_recorded_is_not_written_again(store: Store) -> None:
    schedule = _schedule(store)
    first = _execution(schedule, NOW)
    with store.write() as session:
        assert claims.insert_executions(session, [first]) == {first.id}
    again, other = _execution(schedule, NOW), _execution(schedule, NOW + timedelta(minutes=5))
    with store.write() as session:
        assert claims.insert_executions(session, [again, other]) == {other.id}
    with store.read() as session:
        ids = set(session.scalars(select(Execution.id)))
    assert ids == {first.id, other.id}


def test_outcomes_are_written_only_for_rows_the_worker_still_holds(store: Store) -> None:
    schedule = _schedule(store)
    mine = _execution(schedule, NOW)
    taken = _execution(schedule, NOW + timedelta(minutes=5), worker_id="w2")
    with store.write() as session:
        claims.insert_executions(session, [mine, taken])
    done = NOW + timedelta(seconds=3)

    def outcome(execution: NewExecution) -> Finish:
        return Finish(
            execution_id=execution.id,
            schedule_id=schedule.id,
            attempt=1,
            attempt_status=ExecutionStatus.SUCCESS,
            status=ExecutionStatus.SUCCESS,
            finished_at=done,
            duration_ms=3000,
            tokens_used=7,
            llm_calls=2,
            cost_usd=0.5,
            agent_task_id="t",
            summary="ok",
            output="all good",
        )

    with store.write() as session:
        written = outcomes.finish(session, "w1", [outcome(mine), outcome(taken)])
    assert written == {mine.id}
    with store.read() as session:
        rows = {e.id: e for e in session.scalars(select(Execution))}
        attempts = session.scalars(select(Attempt)).all()
        last = session.scalar(select(ScheduledCommand.last_status))
    assert rows[mine.id].status == "success" and rows[mine.id].finished_at == done
    assert rows[mine.id].tokens_used == 7 and rows[mine.id].lease_expires_at is None
    assert rows[taken.id].status == "running" and rows[taken.id].tokens_used == 0
    assert attempts == []  # a final outcome is carried by the execution row alone
    assert last == "success"


def test_leases_are_renewed_only_for_the_ids_held(store: Store) -> None:
    schedule = _schedule(store)
    held = _execution(schedule, NOW)
    forgotten = _execution(schedule, NOW + timedelta(minutes=5))
    with store.write() as session:
        claims.insert_executions(session, [held, forgotten])
    until = NOW + timedelta(minutes=10)
    with store.write() as session:
        assert outcomes.renew_leases(session, "w1", [held.id], until) == 1
    with store.read() as session:
        leases = dict(session.execute(select(Execution.id, Execution.lease_expires_at)).all())
    assert leases[held.id] == until
    assert leases[forgotten.id] == NOW + timedelta(seconds=60)


def test_a_late_outcome_leaves_a_recovered_and_restarted_execution_alone(store: Store) -> None:
    # A worker pauses (GC, a stopped VM) past its lease; recovery records its attempt as
    # lost and the execution starts again, here even on the same worker. When the paused
    # attempt finally reports, its outcome is not the running attempt's: it is dropped.
    schedule = _schedule(store)
    execution = _execution(schedule, NOW)
    with store.write() as session:
        claims.insert_executions(session, [execution])
    later = NOW + timedelta(minutes=2)
    with store.write() as session:
        [lost] = outcomes.expired_leases(session, later, 10)
        outcomes.recover(
            session,
            [
                Finish(
                    execution_id=lost.id,
                    schedule_id=schedule.id,
                    attempt=lost.attempt,
                    attempt_status=ExecutionStatus.FAILED,
                    status=ExecutionStatus.PENDING,
                    finished_at=later,
                    error="worker lost",
                    next_attempt_at=later,
                )
            ],
        )
    with store.write() as session:
        claims.start_pending(
            session, [AttemptStart(execution.id, 2, "w1", later, later + timedelta(minutes=1), 0)]
        )
    stale = Finish(
        execution_id=execution.id,
        schedule_id=schedule.id,
        attempt=1,
        attempt_status=ExecutionStatus.SUCCESS,
        status=ExecutionStatus.SUCCESS,
        finished_at=later,
        summary="late",
    )
    with store.write() as session:
        assert outcomes.finish(session, "w1", [stale]) == set()
    with store.read() as session:
        row = session.get(Execution, execution.id)
        attempts = {a.number: a.status for a in session.scalars(select(Attempt))}
    assert row is not None and row.status == "running" and row.attempt == 2
    assert row.result_summary is None
    assert attempts == {1: "failed"}  # the lost attempt; the second runs on the row itself
