"""Real backends behind the engine: what an agent reports lands in the execution history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agentcron.agents.signing import verify
from agentcron.engine.clock import ManualClock
from tests.agents.conftest import LoopbackServer, Received
from tests.support import agents
from tests.support.world import World

pytestmark = pytest.mark.anyio


@pytest.fixture
def loopback() -> LoopbackServer:
    server = LoopbackServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def world(
    sqlite_url: str,
    clock: ManualClock,
    tmp_path: Path,
    loopback: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[World]:
    monkeypatch.setenv("E2E_HOOK_SECRET", "s3cret")
    monkeypatch.setenv("E2E_OPENAI_KEY", "sk-test")
    world = World.build(sqlite_url, clock, tmp_path)
    world.settings.agents_file.write_text(
        agents.AGENTS_TOML
        + f"""
[agents.scout]
backend = "openai"
base_url = "{loopback.url}/v1"
model = "tiny"
api_key_env = "E2E_OPENAI_KEY"

[agents.hook]
backend = "webhook"
url = "{loopback.url}/agent"
secret_env = "E2E_HOOK_SECRET"
"""
    )
    assert world.registry.reload().ok
    yield world
    await world.close()


async def test_an_openai_agent_records_tokens_and_llm_calls(
    world: World, loopback: LoopbackServer
) -> None:
    def chat(request: Received):
        assert request.path == "/v1/chat/completions"
        assert request.headers["Authorization"] == "Bearer sk-test"
        assert request.json()["messages"][-1]["content"] == "list deprecated models"
        return (
            200,
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 1767000000,
                "model": "tiny",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {
                            "role": "assistant",
                            "content": "gpt-old is deprecated\nreplace it",
                        },
                    }
                ],
                "usage": {"prompt_tokens": 30, "completion_tokens": 12, "total_tokens": 42},
            },
            {},
        )

    loopback.answer = chat
    row = world.create(
        command_text="@scout list deprecated models",
        schedule_type="cron",
        cron_expression="0 9 * * *",
    )
    await world.fire(world.schedule(row.id).next_run_at)
    [execution] = world.executions(row.id)
    assert execution.status == "success"
    assert (execution.tokens_used, execution.llm_calls) == (42, 1)
    assert execution.result_summary == "gpt-old is deprecated replace it"
    assert "replace it" in execution.output


async def test_a_webhook_receiver_can_verify_every_request(
    world: World, loopback: LoopbackServer
) -> None:
    loopback.answer = lambda request: (
        200,
        {"summary": "done", "tokens_used": 5, "llm_calls": 2},
        {},
    )
    row = world.create(
        command_text="@hook rotate keys", schedule_type="cron", cron_expression="0 9 * * *"
    )
    slot = world.schedule(row.id).next_run_at
    await world.fire(slot)
    [request] = loopback.received
    assert verify("s3cret", request.headers, request.body, now=datetime.now(UTC))
    assert not verify("wrong", request.headers, request.body, now=datetime.now(UTC))
    assert not verify("s3cret", request.headers, request.body + b" ", now=datetime.now(UTC))
    body = request.json()
    assert body["command"] == "rotate keys" and body["schedule_id"] == str(row.id)
    assert body["scheduled_for"].startswith(slot.isoformat()[:19])
    [execution] = world.executions(row.id)
    assert (
        execution.status,
        execution.result_summary,
        execution.tokens_used,
        execution.llm_calls,
    ) == ("success", "done", 5, 2)


async def test_a_webhook_5xx_is_retried_and_a_4xx_is_not(
    world: World, loopback: LoopbackServer
) -> None:
    replies = iter([(503, "busy", {}), (200, {"summary": "ok"}, {})])
    loopback.answer = lambda request: next(replies)
    row = world.create(
        command_text="@hook flaky", schedule_type="cron", cron_expression="0 9 * * *"
    )
    await world.fire(world.schedule(row.id).next_run_at)
    [execution] = world.executions(row.id)
    assert execution.status == "pending"
    await world.fire(execution.next_attempt_at)
    [execution] = world.executions(row.id)
    assert execution.status == "success" and execution.attempt == 2

    loopback.answer = lambda request: (404, "no such agent", {})
    other = world.create(
        command_text="@hook gone", schedule_type="cron", cron_expression="0 10 * * *"
    )
    await world.fire(world.schedule(other.id).next_run_at)
    [failed] = world.executions(other.id)
    assert failed.status == "failed" and failed.attempt == 1 and failed.next_attempt_at is None
