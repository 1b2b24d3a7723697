from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest

from agentcron.agents import AgentContext, AgentError
from agentcron.agents.deps import AgentDeps
from agentcron.agents.results import OUTPUT_LIMIT
from agentcron.agents.settings import WebhookSettings
from agentcron.agents.signing import verify
from agentcron.agents.webhook import WebhookAgent

pytestmark = pytest.mark.anyio

SECRET = "whsec-5f1d2c9a8b7e"
SIGNED_AT = datetime(2026, 3, 2, 9, 0, 7, tzinfo=UTC)


def agent(client: httpx2.AsyncClient, url: str, **settings: object) -> WebhookAgent:
    config = WebhookSettings.model_validate({"url": url, **settings})
    return WebhookAgent("hook", config, AgentDeps(http_client=client, now=lambda: SIGNED_AT))


async def test_posts_signed_json_the_receiver_can_verify(
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    hook = agent(http_client, f"{server.url}/agent", secret_env="HOOK_SECRET")

    await hook.run(context("@hook check deprecated models", attempt=2))

    [request] = server.received
    assert request.path == "/agent"
    assert request.json() == {
        "command": "check deprecated models",
        "agent": "hook",
        "schedule_id": "sch-1",
        "execution_id": "exe-1",
        "scheduled_for": "2026-03-02T09:00:00+00:00",
        "attempt": 2,
        "user_id": "usr-1",
    }
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Agentcron-Execution-Id"] == "exe-1"
    assert request.headers["X-Agentcron-Timestamp"] == str(int(SIGNED_AT.timestamp()))
    assert verify(SECRET, request.headers, request.body, now=SIGNED_AT)
    assert not verify("not-the-secret", request.headers, request.body, now=SIGNED_AT)


async def test_without_secret_env_the_call_is_unsigned(
    server: Any, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    await agent(http_client, server.url).run(context())

    [request] = server.received
    assert "X-Agentcron-Signature" not in request.headers
    assert "X-Agentcron-Timestamp" not in request.headers


async def test_json_reply_reports_metrics(
    server: Any, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    server.respond(
        200,
        {
            "summary": "3 models deprecated",
            "output": "gpt-x, gpt-y, gpt-z",
            "tokens_used": 1234,
            "llm_calls": 4,
            "task_id": "t-9",
            "ignored": True,
        },
    )

    result = await agent(http_client, server.url).run(context())

    assert (result.status, result.summary, result.output) == (
        "success",
        "3 models deprecated",
        "gpt-x, gpt-y, gpt-z",
    )
    assert (result.tokens_used, result.llm_calls, result.task_id) == (1234, 4, "t-9")


async def test_json_reply_may_report_its_own_failure(
    server: Any, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    server.respond(200, {"status": "failed", "output": "no access\nat all"})

    result = await agent(http_client, server.url).run(context())

    assert (result.status, result.summary, result.tokens_used) == ("failed", "no access", 0)


async def test_invalid_json_fields_are_a_permanent_error(
    server: Any, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    server.respond(200, {"tokens_used": -5})

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server.url).run(context())

    assert not caught.value.retryable
    assert "tokens_used" in caught.value.message


async def test_text_reply_gives_first_line_and_bounded_output(
    server: Any, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    body = "\nAll models current\n" + "detail line\n" * 20_000 + "THE END"
    server.respond(200, body, {"Content-Type": "text/plain"})

    result = await agent(http_client, server.url).run(context())

    assert result.summary == "All models current"
    assert len(result.output.encode()) <= OUTPUT_LIMIT
    assert result.output.startswith("\nAll models current\ndetail line")
    assert result.output.endswith("THE END")
    assert "bytes omitted" in result.output


@pytest.mark.parametrize("status", [500, 502, 503, 429])
async def test_server_trouble_is_retryable(
    status: int,
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
) -> None:
    server.respond(status, "upstream overloaded")

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server.url).run(context())

    assert caught.value.retryable
    assert caught.value.message == f"webhook @hook answered HTTP {status}: upstream overloaded"


@pytest.mark.parametrize("status", [400, 401, 404, 422])
async def test_client_errors_are_permanent(
    status: int,
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
) -> None:
    server.respond(status, {"error": "no such agent"})

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server.url).run(context())

    assert not caught.value.retryable
    assert f"HTTP {status}" in caught.value.message


async def test_connection_refused_is_retryable(
    refusing_url: str, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    with pytest.raises(AgentError) as caught:
        await agent(http_client, refusing_url).run(context())

    assert caught.value.retryable
    assert "ConnectError" in caught.value.message
    assert refusing_url not in caught.value.message


async def test_timeout_is_retryable(
    server: Any, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    server.hang()

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server.url, timeout_s=0.2).run(context())

    assert caught.value.retryable
    assert caught.value.message == "webhook @hook timed out after 0.2s"


async def test_without_timeout_s_a_backstop_trails_the_runners_deadline(
    server: Any, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    server.hang()

    with pytest.raises(AgentError, match=r"timed out after 1\.1s"):
        await agent(http_client, server.url).run(context(timeout_s=0.1))


async def test_missing_secret_is_permanent_and_sends_nothing(
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HOOK_SECRET", raising=False)

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server.url, secret_env="HOOK_SECRET").run(context())

    assert not caught.value.retryable
    assert "HOOK_SECRET" in caught.value.message
    assert server.received == []


async def test_headers_from_config_and_environment_never_echo_into_errors(
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOOK_AUTH", "Bearer tok-7a7a7a7a")
    monkeypatch.setenv("HOOK_SECRET", SECRET)

    def echo_headers(request: Any) -> tuple[int, str, dict[str, str]]:
        return 401, json.dumps(dict(request.headers.items())), {}

    server.answer = echo_headers
    hook = agent(
        http_client,
        server.url,
        secret_env="HOOK_SECRET",
        headers={"X-Team": "platform"},
        headers_env={"Authorization": "HOOK_AUTH"},
    )

    with pytest.raises(AgentError) as caught:
        await hook.run(context())

    [request] = server.received
    assert request.headers["Authorization"] == "Bearer tok-7a7a7a7a"
    assert request.headers["X-Team"] == "platform"
    assert "tok-7a7a7a7a" not in caught.value.message
    assert SECRET not in caught.value.message
    assert not caught.value.retryable


async def test_credentials_in_the_url_stay_out_of_errors(
    server: Any, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    server.respond(500, "boom")
    url = server.url.replace("http://", "http://user:url-password@")

    with pytest.raises(AgentError) as caught:
        await agent(http_client, f"{url}/x").run(context())

    assert "url-password" not in caught.value.message
    assert caught.value.retryable


async def test_json_reply_reports_usage_steps_and_a_message_for_the_user(
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    server.respond(
        200,
        {
            "summary": "gpt-x retires Friday",
            "input_tokens": 900,
            "output_tokens": 40,
            "llm_calls": 2,
            "cost": 0.0031,
            "model": "gpt-4o",
            "notify": True,
            "message": "gpt-x retires on Friday: migrate the nightly job",
            "steps": [
                {"kind": "llm", "name": "gpt-4o", "duration_ms": 700, "input_tokens": 400},
                {
                    "kind": "tool",
                    "name": "search",
                    "started_at": "2026-03-02T09:00:03Z",
                    "duration_ms": 120,
                    "detail": {"arguments": {"q": "gpt-x", "token": "t"}, "result": SECRET},
                },
            ],
        },
    )

    result = await agent(http_client, server.url, secret_env="HOOK_SECRET").run(context())

    assert (result.input_tokens, result.output_tokens, result.tokens_used) == (900, 40, 940)
    assert (result.llm_calls, result.cost_usd, result.model) == (2, 0.0031, "gpt-4o")
    assert result.notify == "gpt-x retires on Friday: migrate the nightly job"
    llm, tool = result.steps
    assert (llm.kind, llm.name, llm.started_at, llm.input_tokens) == (
        "llm",
        "gpt-4o",
        SIGNED_AT,
        400,
    )
    assert tool.started_at == datetime(2026, 3, 2, 9, 0, 3, tzinfo=UTC)
    assert json.loads(tool.detail["arguments"]) == {"q": "gpt-x", "token": "***"}
    assert tool.detail["result"] == "***"  # the signing secret, echoed back, is masked


@pytest.mark.parametrize(
    ("retry_after", "seconds"),
    [
        ("120", 120.0),
        ("Mon, 02 Mar 2026 09:01:07 GMT", 60.0),
        ("Mon, 02 Mar 2026 08:00:00 GMT", 0.0),
        ("soon", None),
    ],
)
async def test_a_429_passes_on_how_long_to_wait(
    retry_after: str,
    seconds: float | None,
    server: Any,
    http_client: httpx2.AsyncClient,
    context: Callable[..., AgentContext],
) -> None:
    server.respond(429, "slow down", {"Retry-After": retry_after})

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server.url).run(context())

    assert caught.value.retryable
    assert (caught.value.retry_after_s, caught.value.code) == (seconds, "rate_limited")


async def test_a_retry_after_on_a_permanent_error_is_ignored(
    server: Any, http_client: httpx2.AsyncClient, context: Callable[..., AgentContext]
) -> None:
    server.respond(400, "bad request", {"Retry-After": "30"})

    with pytest.raises(AgentError) as caught:
        await agent(http_client, server.url).run(context())

    assert (caught.value.retryable, caught.value.retry_after_s) == (False, None)
