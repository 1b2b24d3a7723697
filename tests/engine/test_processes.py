"""Real worker processes on one database: killed, terminated, and still exactly once."""

from __future__ import annotations

import signal
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agentcron.engine.recovery import HANDED_BACK, WORKER_LOST
from agentcron.service.history import attempt_views
from agentcron.store.database import Store
from agentcron.store.tables import Attempt, Execution, ScheduledCommand, User
from tests.support.processes import agentcron_env, start_worker, wait_for
from tests.support.world import write_agents

pytestmark = pytest.mark.slow


def _seed_once_schedules(store: Store, command: str, run_ats: list[datetime]) -> uuid.UUID:
    now = datetime.now(UTC)
    user_id = uuid.uuid4()
    with store.write() as session:
        session.add(
            User(id=user_id, name=f"load-{user_id.hex[:6]}", timezone="UTC", created_at=now)
        )
        session.flush()
        session.execute(
            ScheduledCommand.__table__.insert(),
            [
                {
                    "id": uuid.uuid4(),
                    "user_id": user_id,
                    "agent_id": command.split()[0][1:],
                    "command_text": command,
                    "description": "",
                    "schedule_type": "once",
                    "run_at": at,
                    "anchor_at": now,
                    "timezone": "UTC",
                    "enabled": True,
                    "misfire_grace_s": 300,
                    "overlap": "skip",
                    "max_retries": 3,
                    "timeout_s": 60,
                    "next_run_at": at,
                    "created_at": now,
                    "updated_at": now,
                }
                for at in run_ats
            ],
        )
    return user_id


def _count(store: Store, *where) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Execution).where(*where)) or 0


@pytest.mark.postgres
def test_three_workers_one_killed_every_slot_exactly_once(
    postgres_url: str, tmp_path: Path
) -> None:
    store = Store(postgres_url)
    total = 1000
    start = datetime.now(UTC) + timedelta(seconds=1)
    run_ats = [start + timedelta(milliseconds=4 * i) for i in range(total)]
    _seed_once_schedules(store, "@sleeper work 0.3", run_ats)
    env = agentcron_env(
        postgres_url,
        write_agents(tmp_path),
        lease_s=2,
        heartbeat_s=0.5,
        recovery_interval_s=0.5,
        retry_backoff_base_s=0.2,
        retry_backoff_max_s=1,
        loop_ceiling_s=0.5,
        runner_concurrency=20,
        claim_batch_size=20,
        log_level="WARNING",
    )
    workers = [start_worker(env, tmp_path / f"worker{i}.log") for i in range(3)]
    try:
        wait_for(lambda: _count(store) >= total * 0.3, 90, "a third of the slots to start")

        def holding_work() -> subprocess.Popen[bytes] | None:
            """A worker with executions running right now: killing an idle one (on a busy
            machine one may start late and claim nothing yet) would prove nothing."""
            for worker in workers:
                running = _count(
                    store,
                    Execution.status == "running",
                    Execution.worker_id.like(f"%-{worker.pid}-%"),
                )
                if running:
                    return worker
            return None

        wait_for(lambda: holding_work() is not None, 60, "a worker holding running work")
        victim = holding_work() or workers[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        wait_for(
            lambda: (
                _count(store, Execution.status.in_(["success", "failed"])) >= total
                and _count(store, Execution.status.in_(["pending", "running"])) == 0
            ),
            90,
            "every slot to finish",
            poll=0.2,
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
    with store.read() as session:
        per_schedule = session.execute(
            select(Execution.schedule_id, func.count()).group_by(Execution.schedule_id)
        ).all()
        statuses = dict(
            session.execute(select(Execution.status, func.count()).group_by(Execution.status)).all()
        )
        lost = session.scalars(select(Attempt).where(Attempt.error_message == WORKER_LOST)).all()
        victim_prefix = f"-{victim.pid}-"
        victim_attempts = session.scalar(
            select(func.count())
            .select_from(Attempt)
            .where(Attempt.worker_id.like(f"%{victim_prefix}%"))
        )
    store.dispose()
    assert len(per_schedule) == total
    assert all(count == 1 for _, count in per_schedule)
    assert statuses == {"success": total}
    assert victim_attempts and victim_attempts > 0
    assert lost, "the killed worker held running executions; they must be recovered"
    assert all(victim_prefix in (a.worker_id or "") for a in lost)


def test_sigterm_during_a_long_execution_hands_it_back(sqlite_url: str, tmp_path: Path) -> None:
    store = Store(sqlite_url)
    _seed_once_schedules(store, "@sleeper nap 1.5", [datetime.now(UTC)])
    env = agentcron_env(
        sqlite_url,
        write_agents(tmp_path),
        shutdown_grace_s=0.2,
        loop_ceiling_s=0.5,
        log_level="WARNING",
    )
    first = start_worker(env, tmp_path / "first.log")
    try:
        wait_for(
            lambda: _count(store, Execution.status == "running") == 1, 30, "the execution to start"
        )
        first.send_signal(signal.SIGTERM)
        assert first.wait(20) == 0
    finally:
        if first.poll() is None:
            first.kill()
    assert _count(store, Execution.status == "pending") == 1
    second = start_worker(env, tmp_path / "second.log")
    try:
        wait_for(
            lambda: _count(store, Execution.status == "success") == 1, 30, "the handed-back run"
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)
    with store.read() as session:
        [execution] = session.scalars(select(Execution)).all()
        attempts = session.scalars(select(Attempt).order_by(Attempt.number)).all()
    store.dispose()
    assert execution.status == "success" and execution.attempt == 2
    views = attempt_views(execution, attempts)  # the earlier try's row, then the execution's own
    assert [(a.status, a.error_message) for a in views] == [
        ("cancelled", HANDED_BACK),
        ("success", None),
    ]
