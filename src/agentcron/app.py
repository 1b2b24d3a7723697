"""The composition root: settings → store → agents → events → engine → API and web, in one
ASGI app whose lifespan starts and stops the engine. Only this module knows every layer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from agentcron import __version__
from agentcron.agents import AgentRegistry
from agentcron.config import Settings
from agentcron.engine.clock import Clock, SystemClock
from agentcron.engine.events import EventBus
from agentcron.engine.loop import Engine, new_worker_id
from agentcron.logs import configure_logging
from agentcron.service import Services
from agentcron.store.database import Store

log = logging.getLogger("agentcron")


@dataclass
class Runtime:
    """Everything a process holds: what the API and web need, and the engine if it runs one."""

    settings: Settings
    services: Services
    registry: AgentRegistry
    engine: Engine
    worker_id: str
    relay: object | None = None
    engine_running: bool = False
    engine_refusal: str = ""


def ensure_secret_key(settings: Settings) -> str:
    """The key that signs browser sessions: from settings, else made once and kept in data/."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    registry: AgentRegistry | None = None,
    role: str = "serve",
) -> Runtime:
    clock = clock or SystemClock()
    store = store or Store(settings.database_url)
    worker_id = new_worker_id()
    bus = EventBus(worker_id)
    if registry is None:
        registry = AgentRegistry(settings.agents_file)
        outcome = registry.load()
        log.info("agents: %s", outcome.message)
    services = Services(settings=settings, store=store, clock=clock, agents=registry, bus=bus)
    engine = Engine(store, registry, clock, settings, bus, worker_id=worker_id, role=role)
    return Runtime(settings, services, registry, engine, worker_id)


async def start_runtime(runtime: Runtime, *, run_engine: bool) -> None:
    loop = asyncio.get_running_loop()
    runtime.services.bus.bind(loop)
    store = runtime.services.store
    if store.is_postgres:
        from agentcron.engine.pgnotify import PostgresRelay

        relay = PostgresRelay(store.url, runtime.services.bus)
        relay.start()
        runtime.relay = relay
    if not run_engine:
        return
    current = await asyncio.to_thread(store.migrations_current)
    if not current:
        runtime.engine_refusal = (
            "the database schema is behind this version of agentcron; the engine is not "
            "running. Run `agentcron migrate` (or `make run`), then restart."
        )
        log.error(runtime.engine_refusal)
        return
    await runtime.engine.start()
    runtime.engine_running = True


async def stop_runtime(runtime: Runtime) -> None:
    if runtime.engine_running:
        await runtime.engine.stop()
        runtime.engine_running = False
    relay = runtime.relay
    if relay is not None:
        await asyncio.to_thread(relay.stop)  # type: ignore[attr-defined]
    await runtime.registry.aclose()
    runtime.services.store.dispose()


def _install_reload_signal(runtime: Runtime) -> None:
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        asyncio.get_running_loop().add_signal_handler(
            signal.SIGHUP, lambda: log.info("agents reload: %s", runtime.registry.reload().message)
        )


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    registry: AgentRegistry | None = None,
    run_engine: bool | None = None,
) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings)
    runtime = build_runtime(settings, clock=clock, store=store, registry=registry)
    engine_on = settings.engine_enabled if run_engine is None else run_engine

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await start_runtime(runtime, run_engine=engine_on)
        _install_reload_signal(runtime)
        try:
            yield
        finally:
            await stop_runtime(runtime)

    app = FastAPI(
        title="agentcron",
        version=__version__,
        summary="Schedule natural-language commands to AI agents.",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.secret_key = ensure_secret_key(settings)

    from agentcron.api import install as install_api

    install_api(app, runtime)
    with contextlib.suppress(ImportError):
        from agentcron.web import install as install_web

        install_web(app, runtime)
    return app
