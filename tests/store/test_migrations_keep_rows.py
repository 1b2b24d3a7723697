"""Migrations keep what is stored. On SQLite most of them rebuild a table (copy, drop,
rename); with foreign keys on, dropping the old schedules table cascaded to every
execution, attempt and rolled-up day that referred to it. Down to the round's first
revision and back up, on both dialects, every row is still there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agentcron.engine.clock import ManualClock
from agentcron.store.tables import Execution, ScheduledCommand, User
from tests.support.world import World

pytestmark = pytest.mark.anyio


@pytest.fixture
async def world(database_url: str, clock: ManualClock, tmp_path: Path) -> AsyncIterator[World]:
    built = World.build(database_url, clock, tmp_path)
    yield built
    await built.close()


def _counts(world: World) -> tuple[int, int, int]:
    with world.store.read() as session:
        return (
            session.scalar(select(func.count()).select_from(User)) or 0,
            session.scalar(select(func.count()).select_from(ScheduledCommand)) or 0,
            session.scalar(select(func.count()).select_from(Execution)) or 0,
        )


async def test_down_and_up_again_keeps_schedules_and_their_history(world: World) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    world.clock.set(start - timedelta(minutes=1))
    world.create(command_text="@alice check", schedule_type="cron", cron_expression="0 9 * * *")
    world.create(command_text="@bob check", schedule_type="cron", cron_expression="0 9 * * *")
    await world.fire(start)
    await world.fire(start + timedelta(days=1))
    before = _counts(world)
    assert before[1] == 2 and before[2] == 4
    await world.engine.stop()

    world.store.migrate("0006", "downgrade")
    world.store.migrate("head")
    assert _counts(world) == before
