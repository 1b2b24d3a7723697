from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agentcron.engine.clock import ManualClock
from tests.support import agents
from tests.support.world import World


@pytest.fixture
async def world(database_url: str, clock: ManualClock, tmp_path: Path) -> AsyncIterator[World]:
    agents.reset()
    world = World.build(database_url, clock, tmp_path)
    yield world
    agents.RELEASE.set()
    await world.close()
