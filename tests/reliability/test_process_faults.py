"""kill -9 of the only instance on SQLite: on restart, running work is recovered, slots that
came due while it was down follow the misfire rule, and the history says what happened."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from agentcron.engine.recovery import WORKER_LOST
from agentcron.service.history import attempt_views
from agentcron.store.database import Store
from agentcron.store.tables import Attempt, Execution, ScheduledCommand
from tests.engine.test_processes import _seed_once_schedules
from tests.support.processes import agentcron_env, start_worker, wait_for
from tests.support.world import write_agents

pytestmark = pytest.mark.slow


def _executions(store: Store, command: str) -> list[Execution]:
    with store.read() as session:
        return list(
            session.scalars(
                select(Execution)
                .join(ScheduledCommand, ScheduledCommand.id == Execution.schedule_id)
                .where(ScheduledCommand.command_text == command)
            )
        )


def test_kill_9_of_the_only_sqlite_instance(sqlite_url: str, tmp_path: Path) -> None:
    store = Store(sqlite_url)
    now = datetime.now(UTC)
    _seed_once_schedules(store, "@sleeper busy 3", [now])
    env = agentcron_env(
        sqlite_url,
        write_agents(tmp_path),
        lease_s=2,
        heartbeat_s=0.5,
        recovery_interval_s=0.5,
        retry_backoff_base_s=0.2,
        loop_ceiling_s=0.5,
        log_level="WARNING",
    )
    first = start_worker(env, tmp_path / "first.log")
    try:
        wait_for(
            lambda: [e.status for e in _executions(store, "@sleeper busy 3")] == ["running"],
            30,
            "the long execution to start",
        )
        first.send_signal(signal.SIGKILL)
        assert first.wait(10) == -signal.SIGKILL
    finally:
        if first.poll() is None:
            first.kill()
    # Two slots come due while nothing runs: one strict (1 s grace), one lenient.
    down_at = datetime.now(UTC) + timedelta(milliseconds=500)
    _seed_once_schedules(store, "@alice strict", [down_at])
    _seed_once_schedules(store, "@alice lenient", [down_at])
    with store.write() as session:
        session.execute(
            update(ScheduledCommand)
            .where(ScheduledCommand.command_text == "@alice strict")
            .values(misfire_grace_s=1)
        )
    time.sleep(max(0.0, (down_at + timedelta(seconds=2.5) - datetime.now(UTC)).total_seconds()))

    second = start_worker(env, tmp_path / "second.log")
    try:
        wait_for(
            lambda: (
                [e.status for e in _executions(store, "@sleeper busy 3")] == ["success"]
                and _executions(store, "@alice strict")
                and _executions(store, "@alice lenient")
                and all(
                    e.status in ("success", "missed")
                    for c in ("@alice strict", "@alice lenient")
                    for e in _executions(store, c)
                )
            ),
            40,
            "recovery and the misfire rule",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(20) == 0

    [long_run] = _executions(store, "@sleeper busy 3")
    with store.read() as session:
        rows = session.scalars(
            select(Attempt).where(Attempt.execution_id == long_run.id).order_by(Attempt.number)
        ).all()
    attempts = attempt_views(long_run, rows)  # the lost try's row, then the execution's own
    assert [(a.status, a.error_message) for a in attempts] == [
        ("failed", WORKER_LOST),
        ("success", None),
    ]
    [strict] = _executions(store, "@alice strict")
    assert strict.status == "missed" and strict.missed_count == 1
    assert "beyond the misfire grace" in strict.error_message
    [lenient] = _executions(store, "@alice lenient")
    assert lenient.status == "success" and lenient.lag_ms >= 1000
    store.dispose()
