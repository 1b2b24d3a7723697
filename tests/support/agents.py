"""Agents for engine tests, configured through the real `python` backend.

Their behaviour is the agent's own (failing, blocking, sleeping); everything around them
(registry, runner, database) is real.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

from agentcron.agents.base import AgentContext, AgentError, AgentResult

CALLS: Counter[str] = Counter()
RELEASE = threading.Event()


FAILING = threading.Event()
"""While set, `switch` fails (for good: no retries); otherwise it succeeds."""


def reset() -> None:
    CALLS.clear()
    RELEASE.clear()
    FAILING.clear()


async def switch(command: str, context: AgentContext) -> AgentResult:
    CALLS[context.execution_id] += 1
    if FAILING.is_set():
        raise AgentError("the status page says the API is down", retryable=False)
    return AgentResult(summary="all systems operational")


async def teller(command: str, context: AgentContext) -> AgentResult:
    """Asks agentcron to tell the user something, as an llm agent's notify_user does."""
    CALLS[context.execution_id] += 1
    return AgentResult(summary="checked the status page", notify="Payments are down since 11:52")


async def metered(command: str, context: AgentContext) -> AgentResult:
    CALLS[context.execution_id] += 1
    return AgentResult(
        summary=f"checked: {command}", output="all good\n" * 3, tokens_used=42, llm_calls=2
    )


async def flaky(command: str, context: AgentContext) -> AgentResult:
    """Fails with a retryable error on the first two attempts, then succeeds."""
    CALLS[context.execution_id] += 1
    if context.attempt < 3:
        raise AgentError(f"upstream busy (attempt {context.attempt})", retryable=True)
    return AgentResult(summary="third time lucky", tokens_used=7, llm_calls=1)


async def broken(command: str, context: AgentContext) -> AgentResult:
    CALLS[context.execution_id] += 1
    raise AgentError("upstream 503", retryable=True)


async def refused(command: str, context: AgentContext) -> AgentResult:
    CALLS[context.execution_id] += 1
    raise AgentError("400 Bad Request: unknown model", retryable=False)


async def blocker(command: str, context: AgentContext) -> AgentResult:
    """Runs until the test sets RELEASE (polled, so any event loop can run it)."""
    CALLS[context.execution_id] += 1
    while not RELEASE.is_set():
        await asyncio.sleep(0.005)
    return AgentResult(summary="released")


async def sleeper(command: str, context: AgentContext) -> AgentResult:
    """Sleeps for the number of seconds the command ends with."""
    CALLS[context.execution_id] += 1
    await asyncio.sleep(float(command.split()[-1]))
    return AgentResult(summary="woke up")


def sync_blocker(command: str, context: AgentContext) -> AgentResult:
    """Synchronous, and holds its thread until the test sets RELEASE: an overrunning call."""
    CALLS[context.execution_id] += 1
    RELEASE.wait(120)
    return AgentResult(summary="released")


AGENTS_TOML = """
[agents.alice]
backend = "echo"
description = "echo"

[agents.bob]
backend = "echo"

[agents.maya]
backend = "echo"

[agents.metered]
backend = "python"
callable = "tests.support.agents:metered"

[agents.flaky]
backend = "python"
callable = "tests.support.agents:flaky"

[agents.broken]
backend = "python"
callable = "tests.support.agents:broken"

[agents.refused]
backend = "python"
callable = "tests.support.agents:refused"

[agents.blocker]
backend = "python"
callable = "tests.support.agents:blocker"

[agents.sleeper]
backend = "python"
callable = "tests.support.agents:sleeper"

[agents.switch]
backend = "python"
callable = "tests.support.agents:switch"

[agents.teller]
backend = "python"
callable = "tests.support.agents:teller"

[agents.syncblocker]
backend = "python"
callable = "tests.support.agents:sync_blocker"
"""
