"""Operators' model prices: a run is costed from its input and output tokens at the price in
force when its outcome is written (overriding or filling in genai-prices' figure), and a
later price never re-prices history."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agentcron.errors import Forbidden, InvalidInput
from agentcron.service.prices import PriceDraft, PriceService
from tests.agents.conftest import LoopbackServer, Received
from tests.support import agents
from tests.support.world import World

pytestmark = pytest.mark.anyio


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def world(
    database_url: str, clock: Any, tmp_path: Path, loopback: LoopbackServer
) -> AsyncIterator[World]:
    built = World.build(database_url, clock, tmp_path)
    built.settings.agents_file.write_text(
        agents.AGENTS_TOML + f'\n[agents.hook]\nbackend = "webhook"\nurl = "{loopback.url}/a"\n'
    )
    assert built.registry.reload().ok
    yield built
    await built.close()


def reply(request: Received) -> tuple[int, dict[str, Any], dict[str, str]]:
    body = {"summary": "ok", "input_tokens": 1000, "output_tokens": 500, "model": "acme:small"}
    return 200, body, {}


async def test_a_price_applies_from_its_start_and_never_reprices(
    world: World, loopback: LoopbackServer
) -> None:
    loopback.answer = reply
    admin = world.users.create("root", "UTC", admin=True)
    prices = PriceService(world.services)
    prices.add(admin, PriceDraft("small", 2.0, 10.0, datetime(2026, 3, 3, 0, 0, tzinfo=UTC)))
    row = world.create(command_text="@hook go", schedule_type="cron", cron_expression="0 13 * * *")
    await world.fire(datetime(2026, 3, 2, 13, 0, tzinfo=UTC))  # before the price: unknown
    await world.fire(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))  # 1000×2 + 500×10 per million
    prices.add(admin, PriceDraft("acme:small", 4.0, 20.0, datetime(2026, 3, 4, 0, 0, tzinfo=UTC)))
    await world.fire(datetime(2026, 3, 4, 13, 0, tzinfo=UTC))  # the newer, exact name
    first, second, third = world.executions(row.id)
    assert first.cost_usd is None
    assert second.cost_usd == pytest.approx(0.007)
    assert third.cost_usd == pytest.approx(0.014)
    assert [p.model for p in prices.list(world.user)] == ["acme:small", "small"]


async def test_only_admins_add_prices_and_bad_ones_are_refused(world: World) -> None:
    prices = PriceService(world.services)
    with pytest.raises(Forbidden):
        prices.add(world.user, PriceDraft("m", 1.0, 1.0))
    admin = world.users.create("root", "UTC", admin=True)
    with pytest.raises(InvalidInput) as bad:
        prices.add(admin, PriceDraft("", -1, "x"))
    assert {p.field for p in bad.value.problems} == {"model", "input_per_mtok", "output_per_mtok"}
