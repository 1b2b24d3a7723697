"""A `python` agent that works slowly and says so: a model call and a tool call reported as
steps, output printed line by line, then it waits until a test lets it finish (or 30 s)."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

from agentcron.agents.base import AgentContext, AgentResult, Step

FINISH = threading.Event()
MODEL = "narrator-model-1"
AGENTS_TOML = """
[agents.scout]
name = "Scout"
description = "Checks model deprecations, slowly"
backend = "python"
callable = "tests.support.narrator:narrate"
"""


LINES = [
    "looking for deprecated models\n",
    *(f"checked provider {n} of 3\n" for n in range(1, 4)),
    "done: 1 deprecated model\n",
]


async def narrate(command: str, context: AgentContext) -> AgentResult:
    started = datetime.now(UTC)
    context.report_output(LINES[0])
    await asyncio.sleep(0.3)
    context.report_step(
        Step(
            "llm",
            MODEL,
            started,
            300,
            input_tokens=210,
            output_tokens=33,
            detail={"text": "list them"},
        )
    )
    for line in LINES[1:4]:
        context.report_output(line)
        await asyncio.sleep(0.4)
    context.report_step(
        Step(
            "tool",
            "list_models",
            datetime.now(UTC),
            120,
            detail={"arguments": '{"provider": "all"}', "result": '["gpt-old"]'},
        )
    )
    for _ in range(600):
        if FINISH.is_set():
            break
        await asyncio.sleep(0.05)
    context.report_output(LINES[4])
    # No output in the result: what it printed along the way is the record.
    return AgentResult(summary="1 deprecated model: gpt-old", tokens_used=243, llm_calls=1)
