"""The one object every face is handed: the use cases, built once per process.

`build_use_cases` is the only place that assembles store, agents, events, engine and the
use cases; `app.py` (API, web UI, MCP) and the CLI's local commands (`worker`, `users`,
`tokens`) both call it, so there is one composition below the faces and none of them
reaches past it. The faces see use cases and plain settings, never the store or the engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from agentcron.agents import AgentDeps, AgentRegistry
from agentcron.config import Settings
from agentcron.engine.clock import Clock, SystemClock
from agentcron.engine.delivery import build_dispatcher
from agentcron.engine.events import EventBus
from agentcron.engine.loop import Engine
from agentcron.engine.upkeep import new_worker_id
from agentcron.notify import Dispatcher
from agentcron.service.agents import AgentsService
from agentcron.service.backfill import BackfillService
from agentcron.service.budgets import BudgetService
from agentcron.service.bulk import BulkService
from agentcron.service.chains import ChainService
from agentcron.service.channels import ChannelService
from agentcron.service.context import Services
from agentcron.service.dashboard import DashboardService
from agentcron.service.history import HistoryService
from agentcron.service.pauses import PauseService
from agentcron.service.prices import PriceService
from agentcron.service.schedules import ScheduleService
from agentcron.service.sessions import SessionService
from agentcron.service.status import EngineState, StatusService
from agentcron.service.streams import StreamGate
from agentcron.service.tags import TagService
from agentcron.service.templates import TemplateService
from agentcron.service.usage import UsageService
from agentcron.service.users import UserService
from agentcron.store.database import Store

log = logging.getLogger("agentcron")

BEHIND = (
    "the database schema is behind this version of agentcron; the engine is not running. "
    "Run `agentcron migrate` (or `make run`), then restart."
)


@dataclass
class Runtime:
    """What the process holds beneath the use cases. For `UseCases` itself, the CLI's worker
    and tests; the faces never touch it (they cannot import what it holds)."""

    services: Services
    registry: AgentRegistry
    engine: Engine
    state: EngineState
    dispatcher: Dispatcher
    relay: object | None = None

    @property
    def worker_id(self) -> str:
        return self.state.worker_id


@dataclass
class UseCases:
    settings: Settings
    clock: Clock
    bus: EventBus
    schedules: ScheduleService
    history: HistoryService
    dashboard: DashboardService
    users: UserService
    sessions: SessionService
    agents: AgentsService
    status: StatusService
    streams: StreamGate
    channels: ChannelService
    chains: ChainService
    usage: UsageService
    budgets: BudgetService
    prices: PriceService
    runtime: Runtime = field(repr=False)
    # Organising many schedules (issue #21): built from `schedules` in __post_init__.
    tags: TagService = field(init=False)
    pauses: PauseService = field(init=False)
    bulk: BulkService = field(init=False)
    backfill: BackfillService = field(init=False)
    templates: TemplateService = field(init=False)

    def __post_init__(self) -> None:
        services = self.runtime.services
        self.tags = TagService(services)
        self.pauses = PauseService(services, self.schedules)
        self.bulk = BulkService(services, self.schedules)
        self.backfill = BackfillService(services, self.schedules)
        self.templates = TemplateService(services, self.schedules)

    @property
    def engine_state(self) -> EngineState:
        return self.runtime.state

    async def start(self, *, run_engine: bool) -> None:
        """Bind events to this loop, relay them across instances (PostgreSQL), and start
        the engine unless told not to or the schema is behind (then say why, and serve)."""
        runtime = self.runtime
        self.bus.bind(asyncio.get_running_loop())
        store = runtime.services.store
        if store.is_postgres:
            from agentcron.engine.pgnotify import PostgresRelay

            relay = PostgresRelay(store.url, self.bus)
            relay.start()
            runtime.relay = relay
        if not run_engine:
            return
        if not await asyncio.to_thread(store.migrations_current):
            runtime.state.refusal = BEHIND
            log.error(BEHIND)
            return
        await runtime.engine.start()
        runtime.state.running = True

    async def stop(self) -> None:
        runtime = self.runtime
        if runtime.state.running:
            await runtime.engine.stop()
            runtime.state.running = False
        relay = runtime.relay
        if relay is not None:
            await asyncio.to_thread(relay.stop)  # type: ignore[attr-defined]
            runtime.relay = None
        await runtime.registry.aclose()
        await runtime.dispatcher.aclose()
        runtime.services.store.dispose()

    def close(self) -> None:
        """For short-lived local commands that never started anything."""
        self.runtime.services.store.dispose()

    def install_reload_signal(self) -> None:
        """SIGHUP re-reads the agents file, as daemons do."""
        import signal

        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.agents.reload)


def build_use_cases(
    settings: Settings,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    registry: AgentRegistry | None = None,
    role: str = "serve",
    load_agents: bool = True,
) -> UseCases:
    """Everything a process needs. `load_agents=False` for admin commands that touch users
    and tokens only: they start no engine and call no agent."""
    clock = clock or SystemClock()
    store = store or Store(settings.database_url)
    worker_id = new_worker_id()
    bus = EventBus(worker_id)
    if registry is None:
        registry = AgentRegistry(
            settings.agents_file if load_agents else None,
            deps=AgentDeps(now=clock.now, sync_threads=settings.agent_sync_threads),
        )
        if load_agents:
            registry.load()  # the registry says what it loaded, once
    services = Services(settings=settings, store=store, clock=clock, agents=registry, bus=bus)
    dispatcher = build_dispatcher(settings, clock)
    engine = Engine(
        store, registry, clock, settings, bus, worker_id=worker_id, role=role, dispatcher=dispatcher
    )
    state = EngineState(worker_id=worker_id, role=role)
    return UseCases(
        settings=settings,
        clock=clock,
        bus=bus,
        schedules=ScheduleService(services),
        history=HistoryService(services),
        dashboard=DashboardService(services),
        users=UserService(services),
        sessions=SessionService(services),
        agents=AgentsService(registry),
        status=StatusService(services, state),
        streams=StreamGate(
            per_user=settings.max_streams_per_user,
            per_address=settings.max_streams_per_address,
            total=settings.max_streams,
        ),
        channels=ChannelService(services, dispatcher),
        chains=ChainService(services),
        usage=UsageService(services),
        budgets=BudgetService(services),
        prices=PriceService(services),
        runtime=Runtime(services, registry, engine, state, dispatcher),
    )
