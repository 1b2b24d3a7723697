"""The llm backend end to end: a fake model server speaking the real protocol on 127.0.0.1,
real MCP servers (a stdio subprocess, streamable HTTP) written with the `mcp` SDK."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx2
import pytest
from genai_prices import Usage, calc_price
from genai_prices.data_snapshot import get_snapshot

from agentcron.agents import AgentError
from agentcron.agents.base import Step
from tests.agents.fakes import (
    NOW,
    STDIO_TOOLS,
    MCPHttpServer,
    anthropic_tool_then_answer,
    chat_completion,
    llm_agent,
    openai_tool_then_answer,
    scout_context,
)

pytestmark = pytest.mark.anyio

RESULT = "openai: gpt-x retires 2026-06-01"


@pytest.fixture
async def traced_client() -> AsyncIterator[tuple[httpx2.AsyncClient, list[str]]]:
    """agentcron's HTTP client, recording every request that goes through it."""
    seen: list[str] = []

    async def record(request: httpx2.Request) -> None:
        seen.append(f"{request.method} {request.url.path}")

    async with httpx2.AsyncClient(trust_env=False, event_hooks={"request": [record]}) as client:
        yield client, seen


@pytest.fixture
def mcp_http(tmp_path: Path) -> Iterator[MCPHttpServer]:
    server = MCPHttpServer(tmp_path)
    server.start()
    yield server
    server.stop()


def price(*usages: tuple[int, int], model: str = "gpt-4o") -> float:
    """What genai-prices' bundled data says these requests cost, computed independently."""
    total = sum(
        calc_price(Usage(input_tokens=i, output_tokens=o), model, provider_id="openai").total_price
        for i, o in usages
    )
    return float(Decimal(total))


async def test_a_tool_call_then_an_answer_over_stdio(
    server: Any,
    traced_client: tuple[httpx2.AsyncClient, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, through_our_client = traced_client
    monkeypatch.setenv("SCOUT_DEBUG", "1")  # too short to be a secret: not masked
    server.answer = openai_tool_then_answer(arguments={"vendor": "openai"})
    reported: list[Step] = []
    chunks: list[str] = []
    scout = llm_agent(
        f"{server.url}/v1",
        client,
        system_prompt="You are a careful release engineer.",
        tools=[{**STDIO_TOOLS, "env": {"TOOLS_DEBUG": "SCOUT_DEBUG"}}],
    )

    result = await scout.run(scout_context(on_step=reported.append, on_output=chunks.append))

    assert result.status == "success"
    assert result.output == f"Deprecated: {RESULT}"
    assert result.summary == f"Deprecated: {RESULT}"
    assert (result.llm_calls, result.input_tokens, result.output_tokens) == (2, 130, 30)
    assert result.tokens_used == 160
    assert result.model == "gpt-4o"
    assert result.cost_usd == pytest.approx(price((50, 10), (80, 20)))
    assert get_snapshot().from_auto_update is False  # bundled prices, never downloaded
    llm1, tool, llm2 = result.steps
    assert (llm1.kind, llm1.name, llm1.input_tokens, llm1.output_tokens) == (
        "llm",
        "gpt-4o",
        50,
        10,
    )
    assert llm1.detail == {"tool_calls": "deprecations"}
    assert (tool.kind, tool.name, tool.error) == ("tool", "deprecations", None)
    assert json.loads(tool.detail["arguments"]) == {"vendor": "openai"}
    assert tool.detail["result"] == RESULT
    assert (llm2.input_tokens, llm2.output_tokens, llm2.detail) == (80, 20, {"text": result.output})
    assert llm1.started_at < tool.started_at < llm2.started_at
    assert llm1.started_at > NOW and llm1.started_at.tzinfo is not None
    assert reported == list(result.steps)
    assert chunks == [f"Deprecated: {RESULT}\n"]
    first, second = (request.json() for request in server.received)
    assert first["messages"] == [
        {"role": "system", "content": "You are a careful release engineer."},
        {"role": "user", "content": "check deprecated models"},
    ]
    offered = {tool["function"]["name"] for tool in first["tools"]}
    assert offered == {"deprecations", "explode", "whoami", "crash", "wait_forever", "notify_user"}
    assert second["messages"][-1] == {"role": "tool", "tool_call_id": "call_1", "content": RESULT}
    assert through_our_client == ["POST /v1/chat/completions"] * 2


async def test_a_tool_server_over_streamable_http_gets_its_headers(
    server: Any,
    mcp_http: MCPHttpServer,
    traced_client: tuple[httpx2.AsyncClient, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, through_our_client = traced_client
    monkeypatch.setenv("TOOLS_AUTH", "Bearer tools-secret-77")
    server.answer = openai_tool_then_answer(arguments={"vendor": "anthropic"})
    tools = {"url": mcp_http.url, "headers_env": {"Authorization": "TOOLS_AUTH"}}

    result = await llm_agent(f"{server.url}/v1", client, tools=[tools]).run(scout_context())

    assert result.output == "Deprecated: anthropic: gpt-x retires 2026-06-01"
    assert [step.kind for step in result.steps] == ["llm", "tool", "llm"]
    assert result.llm_calls == 2
    assert mcp_http.headers
    assert all(h["authorization"] == "Bearer tools-secret-77" for h in mcp_http.headers)
    assert "POST /mcp" in through_our_client  # the MCP session used agentcron's client too


async def test_tools_of_a_prefixed_server_carry_the_prefix(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    server.answer = openai_tool_then_answer("rel_deprecations", {"vendor": "openai"})

    result = await llm_agent(
        f"{server.url}/v1", http_client, tools=[{**STDIO_TOOLS, "prefix": "rel"}]
    ).run(scout_context())

    assert result.output == f"Deprecated: {RESULT}"
    assert result.steps[1].name == "rel_deprecations"


@pytest.mark.parametrize("max_output_tokens", [None, 1000], ids=["streamed", "one-message"])
async def test_the_anthropic_provider_speaks_the_messages_api(
    max_output_tokens: int | None,
    server: Any,
    http_client: httpx2.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCOUT_ANTHROPIC_KEY", "ak-test-31f0")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "ak-from-the-environment")
    server.answer = anthropic_tool_then_answer(arguments={"vendor": "openai"})
    scout = llm_agent(
        server.url,
        http_client,
        provider="anthropic",
        model="claude-sonnet-5-5",
        api_key_env="SCOUT_ANTHROPIC_KEY",
        system_prompt="Be brief.",
        max_output_tokens=max_output_tokens,
        tools=[STDIO_TOOLS],
    )

    result = await scout.run(scout_context())

    assert result.output == f"Deprecated: {RESULT}"
    assert (result.llm_calls, result.input_tokens, result.output_tokens) == (2, 130, 30)
    assert [(step.kind, step.name) for step in result.steps] == [
        ("llm", "claude-sonnet-5-5"),
        ("tool", "deprecations"),
        ("llm", "claude-sonnet-5-5"),
    ]
    first = server.received[0]
    assert first.headers["Authorization"] == "Bearer ak-test-31f0"  # this SDK sends the key so
    assert "ak-from-the-environment" not in str(first.headers)
    assert bool(first.json().get("stream")) is (max_output_tokens is None)
    assert "Be brief." in json.dumps(first.json()["system"])
    assert first.json()["messages"][0]["role"] == "user"


async def test_a_tool_that_raises_is_reported_to_the_model_and_the_run_goes_on(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    server.answer = openai_tool_then_answer("explode")

    result = await llm_agent(f"{server.url}/v1", http_client, tools=[STDIO_TOOLS]).run(
        scout_context()
    )

    tool = result.steps[1]
    assert (tool.name, tool.error) == ("explode", "Error executing tool explode")
    told = server.received[1].json()["messages"][-1]
    assert told["role"] == "tool" and "Error executing tool explode" in told["content"]
    assert result.status == "success"
    assert result.llm_calls == 2


async def test_the_agent_may_ask_to_notify_the_user(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    server.answer = openai_tool_then_answer("notify_user", {"message": "gpt-x retires Friday"})

    result = await llm_agent(f"{server.url}/v1", http_client).run(scout_context())

    assert result.notify == "gpt-x retires Friday"
    assert [(step.kind, step.name) for step in result.steps][1] == ("tool", "notify_user")


async def test_an_answer_with_a_summary_field_gives_the_summary(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    answer = json.dumps({"summary": "2 models deprecated", "models": ["gpt-x", "gpt-y"]})
    server.respond(200, chat_completion("gpt-4o", {"content": answer}, (10, 5), {}))

    result = await llm_agent(f"{server.url}/v1", http_client).run(scout_context())

    assert (result.summary, result.output) == ("2 models deprecated", answer)
    assert result.cost_usd == pytest.approx(price((10, 5)))


async def test_a_long_answer_gives_its_opening_as_the_summary(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    answer = "Checked.\n\n" + "word " * 400
    server.respond(200, chat_completion("gpt-4o", {"content": answer}, (10, 5), {}))

    result = await llm_agent(f"{server.url}/v1", http_client).run(scout_context())

    assert len(result.summary) == 500
    assert result.summary.startswith("Checked. word word")


async def test_cost_is_unknown_for_a_model_without_a_price(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    server.answer = openai_tool_then_answer("notify_user", {"message": "hi"}, model="llama3.2")

    result = await llm_agent(f"{server.url}/v1", http_client, model="llama3.2").run(scout_context())

    assert result.tokens_used == 160
    assert result.cost_usd is None


async def test_a_cost_the_server_reports_wins(server: Any, http_client: httpx2.AsyncClient) -> None:
    server.answer = openai_tool_then_answer(
        "notify_user", {"message": "hi"}, model="llama3.2", extra_usage={"cost": 0.0125}
    )

    result = await llm_agent(f"{server.url}/v1", http_client, model="llama3.2").run(scout_context())

    assert result.cost_usd == pytest.approx(0.025)


async def test_a_hook_that_fails_does_not_break_the_run(
    server: Any, http_client: httpx2.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    server.answer = openai_tool_then_answer("notify_user", {"message": "hi"})

    def broken(_: object) -> None:
        raise RuntimeError("the event bus is down")

    with caplog.at_level(logging.ERROR):
        result = await llm_agent(f"{server.url}/v1", http_client).run(
            scout_context(on_step=broken, on_output=broken)
        )

    assert result.output == "Deprecated: The user will be notified."
    assert len(result.steps) == 3
    assert "the on_step hook failed" in caplog.text


async def test_the_settings_file_keys_reach_the_request(
    server: Any, http_client: httpx2.AsyncClient
) -> None:
    server.respond(200, chat_completion("llama3.2", {"content": "ok"}, (3, 1), {}))

    await llm_agent(
        f"{server.url}/v1",
        http_client,
        model="llama3.2",
        max_output_tokens=700,
        temperature=0.3,
    ).run(scout_context())

    sent = server.received[0].json()
    assert (sent["model"], sent["max_tokens"], sent["temperature"]) == ("llama3.2", 700, 0.3)
    assert "max_completion_tokens" not in sent


async def test_a_missing_variable_for_a_tool_server_is_a_setup_error(
    server: Any, http_client: httpx2.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_SUCH_TOKEN", raising=False)
    tools = {**STDIO_TOOLS, "env": {"TOOLS_TOKEN": "NO_SUCH_TOKEN"}}

    with pytest.raises(AgentError) as caught:
        await llm_agent(f"{server.url}/v1", http_client, tools=[tools]).run(scout_context())

    assert not caught.value.retryable
    assert "NO_SUCH_TOKEN" in caught.value.message
    assert "release-tools" in caught.value.message
    assert server.received == []
