"""One worker's writers must not deadlock each other on PostgreSQL.

The outcome writer and the lease renewal both update the executions a worker holds, in
batches. Left to their plans, the two lock the same rows in different orders; PostgreSQL
then breaks the cycle after `deadlock_timeout` by failing one of them, and a burst's
outcomes land a second late (found by the benchmark: one burst in five). Both lock in id
order first (`outcomes.lock_in_order`), so the second simply waits.
"""

from __future__ import annotations

import random
import threading
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from agentcron.engine.clock import ManualClock
from agentcron.engine.slot_claims import claim_schedules
from agentcron.store import outcomes
from agentcron.store.records import Finish
from agentcron.store.tables import Execution, ExecutionStatus
from tests.support.world import World

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]

HELD = 600
ROUNDS = 8


@pytest.fixture
async def world(postgres_url: str, clock: ManualClock, tmp_path: Path) -> AsyncIterator[World]:
    world = World.build(postgres_url, clock, tmp_path, max_schedules_per_user=HELD)
    yield world
    await world.close()


async def test_renewing_leases_while_outcomes_are_written_never_deadlocks(world: World) -> None:
    first = world.create(
        command_text="@alice ping",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
    )
    for _ in range(HELD - 1):
        world.create(
            command_text="@alice ping",
            schedule_type="interval",
            interval_value=1,
            interval_unit="hours",
        )
    now = world.schedule(first.id).next_run_at
    with world.store.write() as session:
        claimed = claim_schedules(session, now, HELD, worker_id="w-1", lease=timedelta(seconds=60))
    ids = [work.execution_id for work in claimed.work]
    assert len(ids) == HELD
    failures: list[str] = []
    rng = random.Random(11)

    def renew() -> None:
        try:
            with world.store.write() as session:
                outcomes.renew_leases(session, "w-1", rng.sample(ids, len(ids)), now)
        except Exception as exc:
            failures.append(f"renewal: {type(exc).__name__}")

    def finish(rows: list[Finish]) -> None:
        try:
            with world.store.write() as session:
                outcomes.finish(session, "w-1", rows)
        except Exception as exc:
            failures.append(f"outcomes: {type(exc).__name__}")

    for _ in range(ROUNDS):
        with world.store.write() as session:  # everything held and running again
            session.execute(
                update(Execution).values(status=ExecutionStatus.RUNNING.value, worker_id="w-1")
            )
        finishes = [
            Finish(
                execution_id=execution_id,
                schedule_id=first.id,
                attempt=1,
                attempt_status=ExecutionStatus.SUCCESS,
                status=ExecutionStatus.SUCCESS,
                finished_at=now,
                duration_ms=1,
            )
            for execution_id in rng.sample(ids, len(ids))
        ]
        threads = [
            threading.Thread(target=renew),
            threading.Thread(target=finish, args=(finishes,)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
