"""Synchronous Python agents that overrun their timeout keep their thread (a thread cannot be
killed); the engine's own database work must not wait behind them."""

from __future__ import annotations

import os
from datetime import timedelta

import anyio
import pytest

from tests.support import agents
from tests.support.world import World

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

DEFAULT_POOL = min(32, (os.cpu_count() or 1) + 4)
"""Threads in the event loop's default pool (asyncio.to_thread), where the engine writes."""


async def test_overrunning_sync_agents_do_not_stall_an_unrelated_run(world: World) -> None:
    blockers = [
        world.create(
            command_text=f"@syncblocker hold a thread {n}",
            schedule_type="cron",
            cron_expression="0 9 * * *",
            timeout_s=1,
            max_retries=0,
        )
        for n in range(DEFAULT_POOL)
    ]
    echo = world.create(
        command_text="@alice still here", schedule_type="cron", cron_expression="0 10 * * *"
    )
    nine = world.schedule(blockers[0].id).next_run_at

    # Without threads of their own, the blockers' calls fill the default pool and every
    # claim and write of the engine waits behind them: these turns never finish.
    with anyio.fail_after(60):
        await world.fire(nine)
        await world.fire(nine + timedelta(hours=1))

    assert not agents.RELEASE.is_set()  # every blocker still holds its thread
    assert sum(agents.CALLS.values()) == min(DEFAULT_POOL, world.registry.deps.threads.size)
    outcomes = {world.executions(row.id)[0].status for row in blockers}
    assert outcomes <= {"timed_out", "failed"}
    [ran] = world.executions(echo.id)
    assert (ran.status, ran.result_summary) == ("success", "still here")
