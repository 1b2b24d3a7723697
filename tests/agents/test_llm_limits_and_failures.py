"""The llm backend when things stop it: its limits, the budget, a tool server that will not
start, an overloaded model, a cancelled run; and the secrets that must not leak on the way."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest

from agentcron.agents import AgentError
from agentcron.agents.base import Step
from tests.agents.fakes import (
    NOW,
    STDIO_TOOLS,
    llm_agent,
    openai_tool_then_answer,
    scout_context,
)

pytestmark = pytest.mark.anyio


async def failure(agent: Any, **hooks: Any) -> AgentError:
    with pytest.raises(AgentError) as caught:
        await agent.run(scout_context(**hooks))
    return caught.value


NOTIFY = {"message": "gpt-x retires Friday"}
"""A call to the built-in `notify_user` tool: a tool loop without starting a tool server."""


async def test_reaching_max_llm_calls_fails_without_retry_and_keeps_what_was_done(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    server.answer = openai_tool_then_answer("notify_user", NOTIFY)
    reported: list[Step] = []

    error = await failure(
        llm_agent(f"{server.url}/v1", http_client, max_llm_calls=1), on_step=reported.append
    )

    assert not error.retryable
    assert error.code == "max_llm_calls"
    assert error.message == (
        "llm @scout stopped: it reached max_llm_calls (1) before giving its final answer"
    )
    assert [(step.kind, step.name) for step in error.steps] == [
        ("llm", "gpt-4o"),
        ("tool", "notify_user"),
    ]
    assert reported == list(error.steps)
    assert error.usage is not None
    assert (error.usage.llm_calls, error.usage.tokens_used) == (1, 60)
    assert len(server.received) == 1


async def test_reaching_max_tokens_fails_without_retry(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    server.answer = openai_tool_then_answer("notify_user", NOTIFY)

    error = await failure(llm_agent(f"{server.url}/v1", http_client, max_tokens=50))

    assert (error.retryable, error.code) == (False, "max_tokens")
    assert error.message == "llm @scout stopped: it reached max_tokens (50) for one run"
    assert error.usage is not None and error.usage.tokens_used == 60
    assert [step.kind for step in error.steps] == ["llm"]  # the tool was never called
    assert len(server.received) == 1


@pytest.mark.parametrize(
    ("own", "allowance", "code"),
    [(1000, 50, "budget_exceeded"), (50, 1000, "max_tokens"), (None, 50, "budget_exceeded")],
)
async def test_the_smaller_of_max_tokens_and_the_budget_allowance_applies(
    own: int | None, allowance: int, code: str, server: Any, http_client: httpx2.AsyncClient
) -> None:
    server.answer = openai_tool_then_answer("notify_user", NOTIFY)
    scout = llm_agent(f"{server.url}/v1", http_client, max_tokens=own)

    error = await failure(scout, max_tokens_allowance=allowance)

    assert (error.retryable, error.code) == (False, code)
    assert str(min(allowance, own or allowance)) in error.message


async def test_a_spent_budget_stops_the_run_before_any_request(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    error = await failure(llm_agent(f"{server.url}/v1", http_client), max_tokens_allowance=0)

    assert (error.retryable, error.code) == (False, "budget_exceeded")
    assert server.received == []


async def test_a_tool_server_that_cannot_be_found_fails_the_run_retryably(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    tools = {"command": ["/nonexistent/feeds-server", "--stdio"], "name": "feeds"}

    error = await failure(llm_agent(f"{server.url}/v1", http_client, tools=[tools]))

    assert (error.retryable, error.code) == (True, "tool_server")
    assert error.message.startswith("tool server feeds failed to start")
    assert "No such file" in error.message
    assert server.received == []


async def test_a_tool_server_that_exits_at_once_is_named_with_what_it_printed(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    code = "import sys; print('cannot open feed.db', file=sys.stderr); sys.exit(3)"
    tools = {"command": [sys.executable, "-c", code]}

    error = await failure(llm_agent(f"{server.url}/v1", http_client, tools=[tools]))

    assert (error.retryable, error.code) == (True, "tool_server")
    assert error.message.startswith(f"tool server {Path(sys.executable).name} -c import sys")
    assert "cannot open feed.db" in error.message


async def test_a_tool_server_url_that_refuses_fails_the_run_retryably(
    server: Any, http_client: httpx2.AsyncClient, refusing_url: str
) -> None:
    error = await failure(
        llm_agent(f"{server.url}/v1", http_client, tools=[{"url": f"{refusing_url}?key=k-1"}])
    )

    assert (error.retryable, error.code) == (True, "tool_server")
    port = refusing_url.split(":")[2].split("/")[0]
    assert error.message.startswith(f"tool server 127.0.0.1:{port}/agent failed to start")
    assert "k-1" not in error.message


async def test_a_tool_server_that_never_answers_times_out_at_start(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    tools = {"command": [sys.executable, "-c", "import sys; sys.stdin.read()"], "name": "mute"}
    tools["startup_timeout_s"] = 0.5

    error = await failure(llm_agent(f"{server.url}/v1", http_client, tools=[tools]))

    assert (error.retryable, error.code) == (True, "tool_server")
    assert error.message == "tool server mute did not start within 0.5 s"


async def test_secrets_are_masked_in_steps_output_and_hooks(
    server: Any, http_client: httpx2.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCOUT_TOOLS_TOKEN", "tok-5ecret-991")
    server.answer = openai_tool_then_answer("whoami", {"password": "hunter2"})
    tools = {**STDIO_TOOLS, "env": {"TOOLS_TOKEN": "SCOUT_TOOLS_TOKEN"}}
    reported: list[Step] = []
    chunks: list[str] = []

    result = await llm_agent(f"{server.url}/v1", http_client, tools=[tools]).run(
        scout_context(on_step=reported.append, on_output=chunks.append)
    )

    tool = result.steps[1]
    assert json.loads(tool.detail["arguments"]) == {"password": "***"}
    assert tool.detail["result"] == "signed in with ***"
    assert result.output == "Deprecated: signed in with ***"
    assert "tok-5ecret-991" not in repr(reported) + "".join(chunks)
    # The tool itself got the real value: masking is for what agentcron keeps.
    assert "tok-5ecret-991" in server.received[1].json()["messages"][-1]["content"]


async def test_a_key_the_model_server_echoes_is_masked_in_the_error(
    server: Any, http_client: httpx2.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCOUT_KEY", "sk-live-0a9b8c")
    server.respond(401, {"error": {"message": "key sk-live-0a9b8c was revoked"}})

    error = await failure(llm_agent(f"{server.url}/v1", http_client, api_key_env="SCOUT_KEY"))

    assert not error.retryable
    assert error.message == "llm @scout answered HTTP 401: key *** was revoked"
    [step] = error.steps
    assert step.error == "HTTP 401: key *** was revoked"
    assert error.usage is not None and error.usage.llm_calls == 1


@pytest.mark.parametrize(
    ("retry_after", "seconds"),
    [("7", 7.0), (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0)],
    ids=["seconds", "http-date"],
)
async def test_a_429_says_how_long_to_wait(
    retry_after: str, seconds: float, server: Any, http_client: httpx2.AsyncClient
) -> None:
    server.respond(429, {"error": {"message": "Rate limit reached"}}, {"Retry-After": retry_after})

    error = await failure(llm_agent(f"{server.url}/v1", http_client, now=lambda: NOW))

    assert (error.retryable, error.code, error.retry_after_s) == (True, "rate_limited", seconds)
    assert error.message == "llm @scout answered HTTP 429: Rate limit reached"


async def test_a_server_error_is_retryable_and_a_refused_connection_too(
    server: Any, http_client: httpx2.AsyncClient, refusing_url: str
) -> None:
    server.respond(503, {"error": {"message": "overloaded"}})

    busy = await failure(llm_agent(f"{server.url}/v1", http_client))
    refused = await failure(llm_agent(refusing_url, http_client))

    assert (busy.retryable, busy.retry_after_s) == (True, None)
    assert refused.retryable
    assert refused.message.startswith("llm @scout could not get an answer")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_cancelling_a_run_stops_its_stdio_tool_server(
    server: Any, http_client: httpx2.AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid_file = tmp_path / "tools.pid"
    monkeypatch.setenv("TEST_MCP_PID_FILE", str(pid_file))
    server.hang()  # the model never answers: the runner's timeout will cancel the run
    tools = {**STDIO_TOOLS, "env": {"MCP_PID_FILE": "TEST_MCP_PID_FILE"}}
    run = asyncio.ensure_future(
        llm_agent(f"{server.url}/v1", http_client, tools=[tools]).run(scout_context())
    )
    while not server.received:
        assert not run.done(), run.exception()
        await asyncio.sleep(0.02)
    pid = int(pid_file.read_text())
    assert alive(pid)

    run.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await run

    assert run.cancelled()
    assert not alive(pid)  # stopped and reaped before the cancelled run returned


async def test_the_runners_timeout_stops_a_tool_server_busy_in_a_call(
    server: Any, http_client: httpx2.AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid_file = tmp_path / "tools.pid"
    monkeypatch.setenv("TEST_MCP_PID_FILE", str(pid_file))
    server.answer = openai_tool_then_answer("wait_forever")
    tools = {**STDIO_TOOLS, "env": {"MCP_PID_FILE": "TEST_MCP_PID_FILE"}}
    scout = llm_agent(f"{server.url}/v1", http_client, tools=[tools])
    called = Path(f"{pid_file}.called")

    with pytest.raises(TimeoutError):
        async with asyncio.timeout(None) as deadline:  # the runner's way of timing a run out
            run = asyncio.ensure_future(scout.run(scout_context()))
            while not called.exists():  # the tool call is under way, and will never end
                assert not run.done(), run.exception()
                await asyncio.sleep(0.02)
            deadline.reschedule(asyncio.get_running_loop().time())
            await run

    pid = int(pid_file.read_text())
    assert len(server.received) == 1
    assert not alive(pid)


async def test_a_tool_server_that_dies_mid_call_is_reported_to_the_model(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    server.answer = openai_tool_then_answer("crash")

    result = await llm_agent(f"{server.url}/v1", http_client, tools=[STDIO_TOOLS]).run(
        scout_context()
    )

    tool = result.steps[1]
    assert (tool.name, tool.error) == ("crash", "Connection closed")
    assert "Connection closed" in server.received[1].json()["messages"][-1]["content"]
    assert logging.getLogger("fastmcp").propagate  # its lines go to agentcron's logs
