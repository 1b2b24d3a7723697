"""An agentcron app per test on a real, migrated database (SQLite and PostgreSQL), with
echo agents alice, bob and maya, and a manual clock unless a test asks for real time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from agentcron.agents import AgentRegistry
from agentcron.app import create_app
from agentcron.config import Settings
from agentcron.engine.clock import Clock, ManualClock
from tests.api.helpers import AGENTS_TOML, JWT_SECRET

MakeApp = Callable[..., FastAPI]


@pytest.fixture
def agents_file(tmp_path: Path) -> Path:
    path = tmp_path / "agents.toml"
    path.write_text(AGENTS_TOML)
    return path


@pytest.fixture
def make_settings(database_url: str, agents_file: Path, tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "agents_file": agents_file,
            "data_dir": tmp_path / "data",
            "secret_key": "test-session-key",
            "jwt_secret": JWT_SECRET,
            "auth_failures_per_minute": 1000,
            **overrides,
        }
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
def make_app(make_settings: Callable[..., Settings], clock: ManualClock) -> Iterator[MakeApp]:
    """Builds the real app (create_app) on this test's database; disposes it afterwards."""
    apps: list[FastAPI] = []

    def make(*, real_time: bool = False, run_engine: bool = False, **overrides: Any) -> FastAPI:
        settings = make_settings(**overrides)
        registry = AgentRegistry(settings.agents_file)
        registry.load()
        chosen: Clock | None = None if real_time else clock
        app = create_app(settings, clock=chosen, registry=registry, run_engine=run_engine)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.state.runtime.services.store.dispose()


@pytest.fixture
def app(make_app: MakeApp) -> FastAPI:
    return make_app()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP against the real ASGI app in this process (no lifespan: no engine, no relay)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client
