from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from agentcron.agents import AgentContext, AgentError
from agentcron.agents.deps import AgentDeps
from agentcron.agents.python import PythonAgent
from agentcron.agents.results import OUTPUT_LIMIT
from agentcron.agents.settings import PythonSettings

pytestmark = pytest.mark.anyio

SAMPLES = "tests.agents.sample_callables"
CLOCK = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)


def agent(module: str, name: str) -> PythonAgent:
    return PythonAgent(
        "py",
        PythonSettings.model_validate({"callable": f"{module}:{name}"}),
        AgentDeps(now=lambda: CLOCK),
    )


async def test_sync_callable_runs_in_a_worker_thread(context: Callable[..., AgentContext]) -> None:
    result = await agent(SAMPLES, "reply_text").run(context("@py tidy up", handle="py"))

    assert result.summary == "done: tidy up"
    lines = result.output.splitlines()
    assert lines[2] == "execution=exe-1"
    assert lines[1] != f"thread={threading.get_ident()}"


async def test_async_callable_reports_metrics_through_a_mapping(
    context: Callable[..., AgentContext],
) -> None:
    result = await agent(SAMPLES, "reply_mapping").run(context("@py sum", handle="py"))

    assert (result.summary, result.tokens_used, result.llm_calls) == ("async sum", 120, 3)


async def test_an_agent_result_is_kept_but_bounded(context: Callable[..., AgentContext]) -> None:
    result = await agent(SAMPLES, "reply_result").run(context())

    assert (result.status, result.summary) == ("failed", "the agent says no")
    assert len(result.output.encode()) <= OUTPUT_LIMIT


async def test_none_is_an_empty_success(context: Callable[..., AgentContext]) -> None:
    result = await agent(SAMPLES, "reply_none").run(context())

    assert (result.status, result.summary, result.output) == ("success", "", "")


async def test_dotted_attribute_paths_resolve(context: Callable[..., AgentContext]) -> None:
    result = await agent(SAMPLES, "Tools.nested").run(context())

    assert result.output == "nested"


async def test_an_exception_is_a_permanent_error(context: Callable[..., AgentContext]) -> None:
    with pytest.raises(AgentError) as caught:
        await agent(SAMPLES, "crash").run(context())

    assert not caught.value.retryable
    assert caught.value.message == (f"@py: {SAMPLES}:crash raised RuntimeError: database is locked")


async def test_an_agent_error_passes_through_with_its_verdict(
    context: Callable[..., AgentContext],
) -> None:
    with pytest.raises(AgentError) as caught:
        await agent(SAMPLES, "give_up_retryably").run(context())

    assert caught.value.retryable
    assert caught.value.message == "upstream busy"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("reply_number", "returned int; expected AgentResult, str, dict or None"),
        ("reply_bad_mapping", "invalid fields in the agent's reply: tokens_used"),
    ],
)
async def test_an_unusable_return_value_is_a_permanent_error(
    name: str, message: str, context: Callable[..., AgentContext]
) -> None:
    with pytest.raises(AgentError) as caught:
        await agent(SAMPLES, name).run(context())

    assert not caught.value.retryable
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("no_such_module_xyz:run", "cannot import no_such_module_xyz:run: ModuleNotFoundError"),
        (f"{SAMPLES}:missing", f"cannot import {SAMPLES}:missing: AttributeError"),
        (f"{SAMPLES}:NOT_CALLABLE", f"{SAMPLES}:NOT_CALLABLE is not callable"),
    ],
)
def test_a_bad_target_is_refused_when_the_agent_is_built(target: str, message: str) -> None:
    module, _, name = target.partition(":")
    with pytest.raises(ValueError, match=message):
        agent(module, name)


async def test_a_mapping_may_report_steps_and_progress(
    context: Callable[..., AgentContext],
) -> None:
    chunks: list[str] = []
    ctx = replace(context(), on_output=chunks.append)

    result = await agent(SAMPLES, "reply_with_steps").run(ctx)

    [step] = result.steps
    assert (step.kind, step.name, step.duration_ms, step.started_at) == ("tool", "lookup", 5, CLOCK)
    assert result.notify == "done early"
    assert chunks == ["working…\n"]
