"""Fake model servers that speak the real protocols, and the MCP server over HTTP.

The model fakes are answer functions for `LoopbackServer` (real HTTP on 127.0.0.1): the first
request gets a tool call, the request that carries the tool's result gets a final answer built
from that result, so a test sees the tool's words travel through the model into the output.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2

from agentcron.agents import AgentContext
from agentcron.agents.deps import AgentDeps
from agentcron.agents.llm import LLMAgent
from agentcron.agents.settings import LLMSettings
from tests.agents.conftest import Received, Reply, make_context
from tests.support.live import free_port
from tests.support.processes import wait_for

Usage = tuple[int, int]


def chat_completion(
    model: str, message: dict[str, Any], usage: Usage | None, extra_usage: dict[str, Any]
) -> dict[str, Any]:
    reply: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1767000000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", **message},
                "finish_reason": "tool_calls" if "tool_calls" in message else "stop",
            }
        ],
    }
    if usage is not None:
        reply["usage"] = {
            "prompt_tokens": usage[0],
            "completion_tokens": usage[1],
            "total_tokens": sum(usage),
            **extra_usage,
        }
    return reply


def openai_tool_then_answer(
    tool: str = "deprecations",
    arguments: dict[str, Any] | None = None,
    *,
    model: str = "gpt-4o",
    usage: tuple[Usage, Usage] = ((50, 10), (80, 20)),
    extra_usage: dict[str, Any] | None = None,
    text_with_call: str | None = None,
) -> Callable[[Received], Reply]:
    """Chat Completions: a call to `tool`, then `Deprecated: <the tool's result>`."""

    def answer(request: Received) -> Reply:
        if request.path != "/v1/chat/completions":
            return 404, {"error": {"message": f"no route {request.path}"}}, {}
        messages = request.json()["messages"]
        results = [m["content"] for m in messages if m["role"] == "tool"]
        if not results:
            call = {
                "id": "call_1",
                "type": "function",
                "function": {"name": tool, "arguments": json.dumps(arguments or {})},
            }
            message = {"content": text_with_call, "tool_calls": [call]}
            return 200, chat_completion(model, message, usage[0], extra_usage or {}), {}
        message = {"content": f"Deprecated: {results[-1]}"}
        return 200, chat_completion(model, message, usage[1], extra_usage or {}), {}

    return answer


def anthropic_tool_then_answer(
    tool: str = "deprecations",
    arguments: dict[str, Any] | None = None,
    *,
    model: str = "claude-sonnet-5-5",
    usage: tuple[Usage, Usage] = ((50, 10), (80, 20)),
) -> Callable[[Received], Reply]:
    """The Messages API: a `tool_use`, then a text answer quoting the `tool_result`; as one
    JSON message, or as server-sent events when the request asks for a stream."""

    def answer(request: Received) -> Reply:
        if request.path != "/v1/messages":
            return 404, {"type": "error", "error": {"type": "not_found_error", "message": "?"}}, {}
        sent = request.json()
        last = sent["messages"][-1]
        blocks = last["content"] if isinstance(last["content"], list) else []
        results = [block for block in blocks if block.get("type") == "tool_result"]
        if not results:
            block: dict[str, Any] = {
                "type": "tool_use",
                "id": "toolu_1",
                "name": tool,
                "input": arguments or {},
            }
            stop, (used_in, used_out) = "tool_use", usage[0]
        else:
            result = results[-1]["content"]
            if isinstance(result, list):
                result = "".join(part.get("text", "") for part in result)
            block = {"type": "text", "text": f"Deprecated: {result}"}
            stop, (used_in, used_out) = "end_turn", usage[1]
        message = {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [block],
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {"input_tokens": used_in, "output_tokens": used_out},
        }
        if not sent.get("stream"):
            return 200, message, {}
        return 200, _anthropic_events(message), {"Content-Type": "text/event-stream"}

    return answer


def _anthropic_events(message: dict[str, Any]) -> str:
    """The same message as the stream of events the Messages API sends."""
    [block] = message["content"]
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    if block["type"] == "tool_use":
        opened = {**block, "input": {}}
        delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
    else:
        opened = {"type": "text", "text": ""}
        delta = {"type": "text_delta", "text": block["text"]}
    events = [
        ("message_start", {"type": "message_start", "message": start}),
        (
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": opened},
        ),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {"output_tokens": usage["output_tokens"]},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


class MCPHttpServer:
    """The test tools over streamable HTTP on 127.0.0.1, in a process of their own; `headers`
    are those of every request the server got."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        self._log = log_dir / "mcp-headers.jsonl"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def headers(self) -> list[dict[str, str]]:
        if not self._log.exists():
            return []
        return [json.loads(line) for line in self._log.read_text().splitlines()]

    def start(self) -> None:
        command = [sys.executable, TOOLS_SCRIPT, "--http", str(self.port), str(self._log)]
        self._process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        wait_for(self._listening, timeout=20, what="the MCP test server to listen")

    def _listening(self) -> bool:
        assert self._process is not None
        if self._process.poll() is not None:
            raise RuntimeError("the MCP test server exited")
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)


TOOLS_SCRIPT = str(Path(__file__).with_name("mcp_tools.py"))
STDIO_TOOLS: dict[str, Any] = {"command": [sys.executable, TOOLS_SCRIPT], "name": "release-tools"}
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Ticking:
    """A clock for `AgentDeps.now` that moves one second each time it is read."""

    def __init__(self, start: datetime = NOW) -> None:
        self.at = start

    def __call__(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


def llm_agent(
    base_url: str,
    client: httpx2.AsyncClient,
    *,
    now: Callable[[], datetime] | None = None,
    **settings: Any,
) -> LLMAgent:
    config = LLMSettings.model_validate({"base_url": base_url, "model": "gpt-4o", **settings})
    return LLMAgent("scout", config, AgentDeps(http_client=client, now=now or Ticking()))


def scout_context(
    command: str = "@scout check deprecated models", *, timeout_s: float = 60.0, **hooks: Any
) -> AgentContext:
    return replace(make_context(command, handle="scout", timeout_s=timeout_s), **hooks)
