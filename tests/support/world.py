"""A whole agentcron without the web: settings, store, registry, service, engine, clock."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from agentcron.agents import AgentRegistry
from agentcron.config import Settings
from agentcron.engine.clock import ManualClock
from agentcron.engine.events import EventBus
from agentcron.engine.loop import Engine, TurnReport
from agentcron.service import ScheduleDraft, ScheduleService, Services
from agentcron.service.history import AttemptView, HistoryService
from agentcron.service.users import UserService
from agentcron.store.database import Store
from agentcron.store.tables import Execution, ScheduledCommand, User
from tests.support.agents import AGENTS_TOML


def write_agents(directory: Path, text: str = AGENTS_TOML) -> Path:
    path = directory / "agents.toml"
    path.write_text(text)
    return path


@dataclass
class World:
    settings: Settings
    store: Store
    clock: ManualClock
    registry: AgentRegistry
    services: Services
    engine: Engine
    schedules: ScheduleService
    users: UserService
    user: User

    @classmethod
    def build(cls, database_url: str, clock: ManualClock, tmp_path: Path, **settings: Any) -> World:
        config = Settings(
            database_url=database_url,
            agents_file=write_agents(tmp_path),
            data_dir=tmp_path,
            write_rate_per_minute=100_000,
            **settings,
        )
        store = Store(database_url)
        registry = AgentRegistry(config.agents_file)
        registry.load()
        bus = EventBus("test")
        services = Services(settings=config, store=store, clock=clock, agents=registry, bus=bus)
        engine = Engine(
            store, registry, clock, config, bus, worker_id="w-test", rng=random.Random(7)
        )
        users = UserService(services)
        user = users.create("ada", "UTC")
        return cls(
            config, store, clock, registry, services, engine, ScheduleService(services), users, user
        )

    def create(self, **fields: Any) -> ScheduledCommand:
        return self.schedules.create(self.user, ScheduleDraft(**fields)).row

    async def fire(self, at: datetime | None = None) -> TurnReport:
        """Move the clock (if given), run one engine turn, and wait for what it started."""
        if at is not None:
            self.clock.set(at)
        report = await self.engine.tick()
        await self.engine.wait_idle()
        return report

    def executions(self, schedule_id: Any = None) -> list[Execution]:
        with self.store.read() as session:
            query = select(Execution).order_by(Execution.scheduled_for)
            if schedule_id is not None:
                query = query.where(Execution.schedule_id == schedule_id)
            return list(session.scalars(query))

    def attempts(self, execution_id: Any) -> list[AttemptView]:
        """Every attempt as the history shows it: earlier ones from their rows, the current
        one from the execution row."""
        return HistoryService(self.services).get(self.user, execution_id).attempts

    def schedule(self, schedule_id: Any) -> ScheduledCommand:
        with self.store.read() as session:
            row = session.get(ScheduledCommand, schedule_id)
            assert row is not None
            return row

    async def close(self) -> None:
        await self.engine.wait_idle()
        await self.engine.recorder.stop()
        await self.registry.aclose()
        self.store.dispose()
