"""A run waiting to try again, as the pages and the CLI say it: when, and which attempt of
how many; by schedule for the schedule list, scoped to its owner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agentcron.engine.clock import ManualClock
from agentcron.service.history import HistoryService
from tests.support.world import World

pytestmark = pytest.mark.anyio


@pytest.fixture
async def world(database_url: str, clock: ManualClock, tmp_path: Path) -> AsyncIterator[World]:
    built = World.build(database_url, clock, tmp_path)
    yield built
    await built.close()


async def test_a_pending_retry_is_found_by_schedule_with_its_attempt_of_all(world: World) -> None:
    flaky = world.create(
        command_text="@flaky sync",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
        max_retries=2,
    )
    calm = world.create(
        command_text="@alice sync",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
    )
    history = HistoryService(world.services)
    await world.fire(world.schedule(flaky.id).next_run_at)

    found = history.retries(world.user, [flaky.id, calm.id])
    [execution] = world.executions(flaky.id)
    assert set(found) == {flaky.id}
    retry = found[flaky.id]
    assert (retry.execution_id, retry.attempt, retry.max_attempts) == (execution.id, 2, 3)
    assert retry.next_attempt_at == execution.next_attempt_at
    assert history.get(world.user, execution.id).retry == retry

    # Nobody else's, and none once it ran again and ended.
    stranger = world.users.create("eve", "UTC")
    assert history.retries(stranger, [flaky.id]) == {}
    assert history.retries(world.user, []) == {}
    await world.fire(retry.next_attempt_at)
    await world.fire(world.executions(flaky.id)[0].next_attempt_at)
    assert world.executions(flaky.id)[0].status == "success"
    assert history.retries(world.user, [flaky.id]) == {}


async def test_a_run_now_waiting_for_its_first_attempt_is_no_retry(world: World) -> None:
    row = world.create(
        command_text="@alice sync",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
    )
    world.schedules.run_now(world.user, row.id)
    [queued] = world.executions(row.id)
    assert queued.status == "pending" and queued.attempt == 0
    assert HistoryService(world.services).retries(world.user, [row.id]) == {}
