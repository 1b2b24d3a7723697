from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentcron.agents import AgentRegistry
from agentcron.app import create_app
from agentcron.config import Settings
from agentcron.service.users import UserService
from tests.support.world import write_agents


@pytest.fixture
def make_server_app(tmp_path: Path) -> Callable[..., Any]:
    def make(database_url: str, **overrides: Any) -> Any:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=database_url,
            agents_file=write_agents(tmp_path),
            data_dir=tmp_path / "data",
            secret_key="test",
            **overrides,
        )
        registry = AgentRegistry(settings.agents_file)
        registry.load()
        return create_app(settings, registry=registry, run_engine=True)

    return make


def token_for(app: Any, name: str) -> str:
    users = UserService(app.state.runtime.services)
    return users.issue_token(users.create(name)).token
