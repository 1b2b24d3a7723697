from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from agentcron.agents import AgentContext, AgentError
from agentcron.agents.deps import AgentDeps
from agentcron.agents.openai import OpenAIAgent
from agentcron.agents.results import OUTPUT_LIMIT, SUMMARY_LIMIT
from agentcron.agents.settings import OpenAISettings

pytestmark = pytest.mark.anyio

API_KEY = "sk-test-9f8e7d6c5b4a"


def agent(client: httpx2.AsyncClient, server: Any, **settings: object) -> OpenAIAgent:
    config = OpenAISettings.model_validate(
        {"base_url": f"{server.url}/v1", "model": "llama3.2", **settings}
    )
    return OpenAIAgent("alice", config, AgentDeps(http_client=client))


def completion(content: str | None, usage: dict[str, int] | None = None) -> dict[str, Any]:
    """A reply as an OpenAI-compatible server sends it."""
    reply: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1767000000,
        "model": "llama3.2",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
    }
    if usage is not None:
        reply["usage"] = usage
    return reply


def chat_server(server: Any, content: str, usage: dict[str, int] | None = None) -> None:
    def answer(request: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
        if request.path != "/v1/chat/completions":
            return 404, {"error": {"message": f"no route {request.path}"}}, {}
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return 401, {"error": {"message": "Incorrect API key provided"}}, {}
        return 200, completion(content, usage), {}

    server.answer = answer


async def test_one_completion_gives_output_tokens_and_one_llm_call(
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    chat_server(
        server,
        "Two models are deprecated:\n- gpt-x\n- gpt-y",
        {"prompt_tokens": 40, "completion_tokens": 17, "total_tokens": 57},
    )
    alice = agent(
        http_client,
        server,
        api_key_env="OPENAI_API_KEY",
        system_prompt="You watch model deprecations.",
        max_tokens=300,
        temperature=0.1,
    )

    result = await alice.run(context("@Alice check deprecated models", handle="alice"))

    assert result.status == "success"
    assert result.output == "Two models are deprecated:\n- gpt-x\n- gpt-y"
    assert result.summary == "Two models are deprecated: - gpt-x - gpt-y"
    assert (result.tokens_used, result.input_tokens, result.output_tokens) == (57, 40, 17)
    assert (result.llm_calls, result.model) == (1, "llama3.2")
    [step] = result.steps
    assert (step.kind, step.name, step.input_tokens, step.output_tokens) == (
        "llm",
        "llama3.2",
        40,
        17,
    )
    [request] = server.received
    sent = request.json()
    assert sent["model"] == "llama3.2"
    assert sent["messages"] == [
        {"role": "system", "content": "You watch model deprecations."},
        {"role": "user", "content": "check deprecated models"},
    ]
    assert sent["max_tokens"] == 300
    assert sent["temperature"] == 0.1
    assert "tools" not in sent


async def test_tokens_are_prompt_plus_completion(
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    chat_server(server, "ok", {"prompt_tokens": 11, "completion_tokens": 5, "total_tokens": 16})

    result = await agent(http_client, server, api_key_env="OPENAI_API_KEY").run(context())

    assert (result.tokens_used, result.llm_calls) == (16, 1)


async def test_without_api_key_env_no_key_from_the_environment_is_sent(
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)  # the SDK's own default: never read
    server.respond(200, completion("ok"))

    result = await agent(http_client, server).run(context())

    assert (result.output, result.tokens_used, result.llm_calls) == ("ok", 0, 1)
    assert API_KEY not in str(server.received[0].headers)
    assert [m["role"] for m in server.received[0].json()["messages"]] == ["user"]


async def test_an_empty_answer_is_asked_for_again_then_fails_for_good(
    server: Any, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    server.respond(
        200, completion(None, {"prompt_tokens": 4, "completion_tokens": 0, "total_tokens": 4})
    )

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server).run(context())

    assert not caught.value.retryable
    assert "answer could not be used" in caught.value.message
    assert len(server.received) == 2
    assert caught.value.usage is not None
    assert (caught.value.usage.llm_calls, caught.value.usage.tokens_used) == (2, 8)


async def test_long_answer_is_bounded(
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    chat_server(
        server,
        "é" * 3000 + "\n" + "word " * 50_000,
        {"prompt_tokens": 4, "completion_tokens": 5, "total_tokens": 9},
    )

    result = await agent(http_client, server, api_key_env="OPENAI_API_KEY").run(context())

    assert len(result.summary) <= SUMMARY_LIMIT
    assert len(result.output.encode()) <= OUTPUT_LIMIT


async def test_wrong_key_is_permanent_with_the_servers_message(
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-1234567")
    chat_server(server, "never")

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server, api_key_env="OPENAI_API_KEY").run(context())

    assert not caught.value.retryable
    assert caught.value.message == "openai @alice answered HTTP 401: Incorrect API key provided"


async def test_a_key_echoed_by_the_server_is_redacted(
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    server.respond(401, {"error": {"message": f"key {API_KEY} was revoked"}})

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server, api_key_env="OPENAI_API_KEY").run(context())

    assert API_KEY not in caught.value.message
    assert caught.value.message.endswith("key *** was revoked")


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (400, {"error": {"message": "max_tokens is too large"}}, "max_tokens is too large"),
        (404, {"error": "model 'llama9' not found"}, "model 'llama9' not found"),
        (404, "<html>Not Found</html>", "<html>Not Found</html>"),
    ],
)
async def test_client_errors_are_permanent(
    status: int,
    body: Any,
    message: str,
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
) -> None:
    server.respond(status, body)

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server).run(context())

    assert not caught.value.retryable
    assert caught.value.message == f"openai @alice answered HTTP {status}: {message}"


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_overload_and_server_errors_are_retryable(
    status: int, server: Any, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    server.respond(status, {"error": {"message": "Rate limit reached"}})

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server).run(context())

    assert caught.value.retryable


async def test_connection_refused_is_retryable(
    refusing_url: str, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    config = OpenAISettings(base_url=refusing_url, model="llama3.2")  # type: ignore[arg-type]

    with pytest.raises(AgentError) as caught:
        await OpenAIAgent("alice", config, AgentDeps(http_client=http_client)).run(context())

    assert caught.value.retryable


async def test_a_reply_that_is_not_a_completion_is_permanent(
    server: Any, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    server.respond(200, {"object": "list", "data": []})

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server).run(context())

    assert not caught.value.retryable
    assert "answer could not be used: Invalid response" in caught.value.message
    assert "pydantic.dev" not in caught.value.message
