"""Callables for the python backend's tests: `callable = "tests.agents.sample_callables:<name>"`."""

from __future__ import annotations

import os
import threading
from typing import Any

from agentcron.agents import AgentContext, AgentError, AgentResult

HOLD = threading.Event()
"""`hold` blocks until a test sets this: a synchronous call that overruns its attempt."""


def hold(command: str, context: AgentContext) -> str:
    HOLD.wait(60)
    return "let go"


def exit_process(command: str, context: AgentContext) -> str:
    raise SystemExit(3)


def leak_password(command: str, context: AgentContext) -> str:
    raise RuntimeError(f"login refused for {os.environ['OPS_DB_PASSWORD']}")


def fail_quoting_a_url(command: str, context: AgentContext) -> AgentResult:
    return AgentResult(
        status="failed", summary="upload to https://u:pw-9@x.test/p?sig=abc42 failed"
    )


def reply_text(command: str, context: AgentContext) -> str:
    return f"done: {command}\nthread={threading.get_ident()}\nexecution={context.execution_id}"


async def reply_mapping(command: str, context: AgentContext) -> dict[str, Any]:
    return {"summary": f"async {command}", "tokens_used": 120, "llm_calls": 3}


def reply_result(command: str, context: AgentContext) -> AgentResult:
    return AgentResult(status="failed", summary="the agent says no", output="x" * 200_000)


def reply_none(command: str, context: AgentContext) -> None:
    return None


def reply_number(command: str, context: AgentContext) -> int:
    return 42


def reply_bad_mapping(command: str, context: AgentContext) -> dict[str, Any]:
    return {"tokens_used": "many"}


def crash(command: str, context: AgentContext) -> str:
    raise RuntimeError("database is locked")


async def give_up_retryably(command: str, context: AgentContext) -> str:
    raise AgentError("upstream busy", retryable=True)


class Tools:
    @staticmethod
    def nested(command: str, context: AgentContext) -> str:
        return "nested"


NOT_CALLABLE = "just a string"


async def reply_with_steps(command: str, context: AgentContext) -> dict[str, Any]:
    context.report_output("working…\n")
    return {
        "output": "working…\ndone",
        "notify": "done early",
        "steps": [{"kind": "tool", "name": "lookup", "duration_ms": 5}],
    }
