"""`agentcron mcp` in a real process, driven by the SDK's stdio client, against the session's
running server: as the token's user, with the server's rules and words."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp_types import CallToolResult

from agentcron.service import ScheduleDraft, ScheduleService
from agentcron.service.users import UserService
from tests.cli.helpers import Cli, one_error_line
from tests.support.processes import AGENTCRON

pytestmark = pytest.mark.anyio

SENTENCE = "@alice summarise my inbox every weekday at 8am"
FINAL = {"success", "failed", "timed_out", "missed", "skipped", "cancelled"}


@asynccontextmanager
async def stdio(cli: Cli, log: Path, **env: str | None) -> AsyncIterator[Client]:
    """`agentcron mcp` launched as an assistant launches it: a command and its environment."""
    variables = {k: v for k, v in cli.env(**env).items() if v is not None}
    params = StdioServerParameters(command=AGENTCRON, args=["mcp"], env=variables, cwd=cli.home)
    with log.open("w") as errlog:
        async with Client(stdio_client(params, errlog=errlog)) as client:
            yield client


def ok(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def refused(result: CallToolResult) -> str:
    assert result.is_error, result
    [content] = result.content
    assert content.type == "text"
    return content.text


async def test_an_assistant_schedules_pauses_runs_and_reads_history_over_stdio(
    cli: Cli, tmp_path: Path
) -> None:
    log = tmp_path / "mcp.log"
    async with stdio(cli, log) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        preview = ok(await client.call_tool("preview_schedule", {"text": SENTENCE}))
        created = ok(await client.call_tool("create_schedule", {"text": SENTENCE}))
        short = created["id"][:8]
        listed = ok(await client.call_tool("list_schedules", {"agent": "alice"}))
        paused = ok(await client.call_tool("pause_schedule", {"id": short, "note": "away"}))
        resumed = ok(await client.call_tool("resume_schedule", {"id": short}))
        queued = ok(await client.call_tool("run_schedule_now", {"id": short}))
        deadline = time.monotonic() + 20  # a real server on a real clock
        while True:
            execution = ok(await client.call_tool("get_execution", {"id": queued["id"]}))
            if execution["status"] in FINAL or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        history = ok(await client.call_tool("list_executions", {"schedule_id": short}))
        resource = await client.read_resource(f"agentcron://schedules/{created['id']}")
        gone = ok(await client.call_tool("delete_schedule", {"id": short}))
        after = refused(await client.call_tool("get_schedule", {"id": created["id"]}))
    assert len(tools) == 12 and "delete_schedule" in tools
    assert preview["next_runs"] == created["next_runs"]
    assert created["agent_id"] == "alice" and created["timezone"] == "UTC"
    assert [s["id"] for s in listed["items"]] == [created["id"]]
    assert (paused["enabled"], paused["paused_note"]) == (False, "away")
    assert resumed["enabled"] and resumed["next_runs"]
    assert (execution["status"], execution["output"]) == ("success", "summarise my inbox")
    assert [e["id"] for e in history["items"]] == [queued["id"]]
    assert created["id"] in resource.contents[0].text  # type: ignore[union-attr]
    assert gone["deleted"] and after == f"no schedule {created['id']}"
    assert "serving MCP on stdio" in log.read_text()  # logs go to stderr, never stdout


async def test_over_stdio_another_users_schedule_does_not_exist_and_words_are_the_apis(
    cli: Cli, tmp_path: Path
) -> None:
    services = cli.server.services
    other = UserService(services).create(f"o{uuid.uuid4().hex[:10]}", "UTC")
    theirs = ScheduleService(services).create(other, ScheduleDraft(text=SENTENCE)).row.id
    async with stdio(cli, tmp_path / "mcp.log") as client:
        foreign = refused(await client.call_tool("get_schedule", {"id": str(theirs)}))
        by_prefix = refused(await client.call_tool("pause_schedule", {"id": str(theirs)[:8]}))
        execution = refused(await client.call_tool("get_execution", {"id": "nope"}))
        sentence = refused(
            await client.call_tool("create_schedule", {"text": "@bob tidy every monday"})
        )
        cron = refused(
            await client.call_tool("create_schedule", {"command": "@bob x", "cron": "* * * * *"})
        )
    assert foreign == f"no schedule {theirs}"
    assert by_prefix == f"no schedule {str(theirs)[:8]}"
    assert execution == "no execution nope"
    detail, understood = sentence.split("\n")
    assert detail.startswith("text: ") and "e.g." in detail
    assert understood.startswith("Understood so far: agent @bob")
    assert cron.startswith("cron_expression: fires only 1 minute apart")
    assert ScheduleService(services).get(other, theirs).row.enabled


async def test_with_the_server_down_the_tools_say_so(
    cli: Cli, nowhere: str, tmp_path: Path
) -> None:
    log = tmp_path / "mcp.log"
    async with stdio(cli, log, AGENTCRON_URL=nowhere) as client:
        down = refused(await client.call_tool("list_agents", {}))
    assert down == f"cannot reach agentcron at {nowhere}: is `agentcron serve` running?"
    assert "cannot reach agentcron" in log.read_text()


def test_without_a_token_or_with_a_refused_one_it_stops_with_one_line(cli: Cli) -> None:
    missing = cli.process("mcp", AGENTCRON_TOKEN=None)
    assert one_error_line(missing).startswith("error: not signed in")
    refused_token = cli.process("mcp", AGENTCRON_TOKEN="acr_not-a-token")
    assert "the server refused the token" in one_error_line(refused_token)
    assert missing.stdout == refused_token.stdout == ""
