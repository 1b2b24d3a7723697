"""History retention: old rows pruned in batches, totals kept in the per-day rollup."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from agentcron.engine.retention import prune
from agentcron.store.tables import DailyRollup
from tests.support.world import World

pytestmark = pytest.mark.anyio


async def _fire_n(world: World, row_id, n: int) -> None:
    for _ in range(n):
        await world.fire(world.schedule(row_id).next_run_at)


async def test_keep_last_n_per_schedule_and_roll_up_the_rest(world: World) -> None:
    a = world.create(
        command_text="@metered a", schedule_type="interval", interval_value=1, interval_unit="hours"
    )
    b = world.create(
        command_text="@metered b", schedule_type="interval", interval_value=1, interval_unit="hours"
    )
    world.schedules.set_enabled(world.user, b.id, False)
    await _fire_n(world, a.id, 7)
    world.schedules.set_enabled(world.user, a.id, False)
    world.schedules.set_enabled(world.user, b.id, True)
    await _fire_n(world, b.id, 2)
    world.settings.retention_per_schedule = 3
    removed = await prune(world.store, world.settings, world.clock.now(), batch=2)
    assert removed == 4
    kept_a = world.executions(a.id)
    assert len(kept_a) == 3 and len(world.executions(b.id)) == 2
    assert [e.scheduled_for for e in kept_a] == sorted(e.scheduled_for for e in kept_a)
    with world.store.read() as session:
        count, tokens = session.execute(
            select(func.sum(DailyRollup.count), func.sum(DailyRollup.tokens_used)).where(
                DailyRollup.schedule_id == a.id
            )
        ).one()
    assert (count, tokens) == (4, 4 * 42)


async def test_keep_days_prunes_older_rows_only(world: World) -> None:
    a = world.create(
        command_text="@alice a", schedule_type="interval", interval_value=1, interval_unit="days"
    )
    await _fire_n(world, a.id, 10)
    world.settings.retention_days = 3
    removed = await prune(world.store, world.settings, world.clock.now())
    kept = world.executions(a.id)
    assert removed == 6 and len(kept) == 4  # slots on days 7..10 are within 3 days of day 10
    assert all(e.scheduled_for >= world.clock.now() - timedelta(days=3) for e in kept)
    # pruning twice changes nothing and the rollup still counts the first six
    assert await prune(world.store, world.settings, world.clock.now()) == 0
    with world.store.read() as session:
        assert session.scalar(select(func.sum(DailyRollup.count))) == 6


async def test_running_and_pending_rows_are_never_pruned(world: World) -> None:
    a = world.create(
        command_text="@blocker a",
        schedule_type="interval",
        interval_value=1,
        interval_unit="days",
        overlap="allow",
    )
    world.clock.set(world.schedule(a.id).next_run_at)
    await world.engine.tick()
    world.settings.retention_days = 1
    world.settings.retention_per_schedule = 1
    world.clock.advance(days=5)
    assert await prune(world.store, world.settings, world.clock.now()) == 0
    assert [e.status for e in world.executions(a.id)] == ["running"]


async def test_charts_and_rates_stay_right_after_pruning(world: World) -> None:
    from agentcron.service.dashboard import DashboardService

    a = world.create(
        command_text="@metered a", schedule_type="interval", interval_value=1, interval_unit="hours"
    )
    await _fire_n(world, a.id, 6)
    dashboard = DashboardService(world.services)
    before_summary = dashboard.summary(world.user)
    before_days = dashboard.history_series(world.user, a.id).days
    world.settings.retention_per_schedule = 1
    assert await prune(world.store, world.settings, world.clock.now()) == 5
    assert dashboard.summary(world.user).rated_7d == before_summary.rated_7d == 6
    assert dashboard.history_series(world.user, a.id).days == before_days
