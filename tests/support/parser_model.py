"""A fake model for the sentence parser's fallback: OpenAI's Chat Completions on a real HTTP
server on 127.0.0.1 (`tests.agents.conftest.LoopbackServer`), answering every request with one
reading, as the JSON content that native structured output asks for, or as a call of the
output tool when the request carries no `response_format`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tests.agents.conftest import LoopbackServer, Received, Reply
from tests.agents.fakes import chat_completion

MODEL = "gpt-4o-mini"


def reading(**fields: Any) -> dict[str, Any]:
    """A complete answer: a cron schedule for @alice unless `fields` say otherwise."""
    answer: dict[str, Any] = {
        "understood": True,
        "agent": "alice",
        "command": "@alice check the logs",
        "schedule_type": "cron",
        "cron_expression": "0 9 * * 1",
        "interval_value": None,
        "interval_unit": None,
        "run_at": None,
        "timezone": "UTC",
    }
    answer.update(fields)
    return answer


def answering(answer: dict[str, Any] | str) -> Callable[[Received], Reply]:
    """`answer` as an object, or as raw text (to send what is no reading at all)."""
    text = answer if isinstance(answer, str) else json.dumps(answer)

    def reply(request: Received) -> Reply:
        if request.path != "/v1/chat/completions":
            return 404, {"error": {"message": f"no route {request.path}"}}, {}
        if "response_format" in request.json():
            message: dict[str, Any] = {"content": text}
        else:
            call = {"id": "call_1", "type": "function"}
            call["function"] = {"name": "schedule", "arguments": text}  # type: ignore[assignment]
            message = {"content": None, "tool_calls": [call]}
        return 200, chat_completion(MODEL, message, (120, 40), {}), {}

    return reply


def agents_toml(base: str, handle: str = "parser", **extra: str) -> str:
    """An llm agent on the fake model, for AGENTCRON_PARSER_AGENT."""
    lines = [
        f"[agents.{handle}]",
        'backend = "llm"',
        f'base_url = "{base}/v1"',
        f'model = "{MODEL}"',
        *(f"{key} = {value}" for key, value in extra.items()),
    ]
    return "\n".join(lines) + "\n"


@contextmanager
def fake_model(answer: dict[str, Any] | str) -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.answer = answering(answer)
    server.start()
    try:
        yield server
    finally:
        server.stop()
