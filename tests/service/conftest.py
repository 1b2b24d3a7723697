from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agentcron.engine.clock import ManualClock
from tests.support.world import World


@pytest.fixture
def world(database_url: str, clock: ManualClock, tmp_path: Path) -> Iterator[World]:
    world = World.build(database_url, clock, tmp_path)
    yield world
    world.store.dispose()
