"""The MCP tools in memory: the SDK's own client against the server `/mcp` serves, bound to
one user, over the real use cases on a migrated database (SQLite and PostgreSQL) with a
manual clock and a real engine the tests turn by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp_types import CallToolResult

from agentcron.agents import AgentRegistry
from agentcron.agents.base import AgentContext, AgentResult
from agentcron.config import Settings
from agentcron.engine.clock import ManualClock
from agentcron.mcp_server import server_for_user
from agentcron.service import UseCases, build_use_cases
from agentcron.service.models import User
from tests.support.world import write_agents

AGENTS = """
[agents.alice]
name = "Alice"
description = "Reads the inbox"
backend = "echo"

[agents.bob]
backend = "echo"

[agents.chatty]
backend = "python"
callable = "tests.mcp_server.conftest:chatty"
"""
LONG_OUTPUT = "BEGIN " + "lorem ipsum é " * 2000 + " END"


async def chatty(command: str, context: AgentContext) -> AgentResult:
    """Answers at length: 28 kB, more than an assistant should be handed whole."""
    return AgentResult(summary="said a lot", output=LONG_OUTPUT)


MakeUseCases = Callable[..., UseCases]


@pytest.fixture
def make_use_cases(database_url: str, clock: ManualClock, tmp_path: Path) -> Iterator[MakeUseCases]:
    built: list[UseCases] = []

    def make(**overrides: Any) -> UseCases:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=database_url,
            agents_file=write_agents(tmp_path, AGENTS),
            data_dir=tmp_path,
            **{"write_rate_per_minute": 10_000, **overrides},
        )
        registry = AgentRegistry(settings.agents_file)
        registry.load()
        use_cases = build_use_cases(settings, clock=clock, registry=registry)
        built.append(use_cases)
        return use_cases

    yield make
    for use_cases in built:
        use_cases.close()


@pytest.fixture
def use_cases(make_use_cases: MakeUseCases) -> UseCases:
    return make_use_cases()


@pytest.fixture
def ada(use_cases: UseCases) -> User:
    return use_cases.users.create("ada", "Europe/Berlin")


@pytest.fixture
def connect(use_cases: UseCases) -> Callable[[User], AbstractAsyncContextManager[Client]]:
    """An in-memory client of the tools as `user`."""

    @asynccontextmanager
    async def connect(user: User) -> AsyncIterator[Client]:
        async with Client(server_for_user(use_cases, user)) as client:
            yield client

    return connect


def ok(result: CallToolResult) -> dict[str, Any]:
    """A successful call's structured content (and it has a text too)."""
    assert not result.is_error, text_of(result)
    assert text_of(result)
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def refused(result: CallToolResult) -> str:
    """A tool error's text (and no structured content with it)."""
    assert result.is_error, result
    assert result.structured_content is None
    return text_of(result)


def text_of(result: CallToolResult) -> str:
    [content] = result.content
    assert content.type == "text"
    return content.text
