"""The README's "Agents that use tools" example, run as written: its MCP server and its
agents table, with a fake OpenAI-compatible server in place of Ollama."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import httpx2
import pytest

from agentcron.agents.config import parse
from agentcron.agents.deps import AgentDeps
from agentcron.agents.llm import LLMAgent
from agentcron.agents.settings import LLMSettings
from tests.agents.fakes import openai_tool_then_answer, scout_context

pytestmark = pytest.mark.anyio

README = Path(__file__).parents[2] / "README.md"


def section(title: str) -> str:
    text = README.read_text()
    start = text.index(f"## {title}\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def block(text: str, language: str, after: str) -> str:
    found = re.search(rf"{re.escape(after)}.*?```{language}\n(.*?)```", text, re.S)
    assert found, f"no {language} block after {after!r}"
    return found.group(1)


async def test_the_tools_example_in_the_readme_works(
    server: Any, http_client: httpx2.AsyncClient, tmp_path: Path
) -> None:
    text = section("Agents that use tools")
    (tmp_path / "status_tools.py").write_text(block(text, "python", "`status_tools.py`"))
    [spec] = parse(tomllib.loads(block(text, "toml", "In `agents.toml`")), source="README")
    assert isinstance(spec.settings, LLMSettings)
    [tools] = spec.settings.tools
    assert tools.command == [".venv/bin/python", "status_tools.py"]
    tools = tools.model_copy(
        update={"command": [sys.executable, "status_tools.py"], "cwd": tmp_path}
    )
    settings = spec.settings.model_copy(update={"base_url": f"{server.url}/v1", "tools": [tools]})
    health = f"{server.url}/healthz"
    model = openai_tool_then_answer("http_status", {"url": health}, model="llama3.2")
    server.answer = lambda request: (200, "ok", {}) if request.method == "GET" else model(request)
    scout = LLMAgent(spec.handle, settings, AgentDeps(http_client=http_client))

    result = await scout.run(scout_context(f"@scout is agentcron up? check {health}"))

    assert result.output == f"Deprecated: {health} answered HTTP 200"
    assert result.llm_calls == 2
    assert [step.name for step in result.steps] == ["llama3.2", "http_status", "llama3.2"]
