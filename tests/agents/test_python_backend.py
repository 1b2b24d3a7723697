from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime

import anyio
import pytest

from agentcron.agents import AgentContext, AgentError
from agentcron.agents.deps import AgentDeps
from agentcron.agents.python import PythonAgent
from agentcron.agents.results import OUTPUT_LIMIT
from agentcron.agents.settings import PythonSettings
from tests.agents import sample_callables

pytestmark = pytest.mark.anyio

SAMPLES = "tests.agents.sample_callables"
CLOCK = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)


def agent(module: str, name: str, deps: AgentDeps | None = None) -> PythonAgent:
    settings = PythonSettings.model_validate({"callable": f"{module}:{name}"})
    return PythonAgent("py", settings, deps or AgentDeps(now=lambda: CLOCK))


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


@pytest.fixture
def hold() -> Iterator[threading.Event]:
    """Lets go of every `hold` call when the test ends, pass or fail."""
    sample_callables.HOLD.clear()
    yield sample_callables.HOLD
    sample_callables.HOLD.set()


async def overrun(py: PythonAgent, context: AgentContext) -> None:
    """Start a call that outlives its attempt, as the runner's timeout leaves one."""
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await py.run(context)


async def wait_until(condition: Callable[[], bool]) -> None:
    with anyio.fail_after(30):
        while not condition():
            await asyncio.sleep(0.01)


async def test_when_overrunning_calls_hold_every_thread_a_new_call_fails_at_once_retryably(
    context: Callable[..., AgentContext], hold: threading.Event, caplog: pytest.LogCaptureFixture
) -> None:
    deps = AgentDeps(sync_threads=2)
    held = agent(SAMPLES, "hold", deps)
    quick = agent(SAMPLES, "reply_text", deps)

    await overrun(held, context())
    await overrun(held, context())

    with anyio.fail_after(30), pytest.raises(AgentError) as caught:  # fails, never waits
        await quick.run(context())
    assert caught.value.retryable
    assert caught.value.message.startswith(
        "@py: all 2 threads for synchronous agent code are busy "
        "(2 with calls still running after their attempt ended)"
    )
    assert "AGENTCRON_AGENT_SYNC_THREADS" in caught.value.message
    assert f"@py ({SAMPLES}:hold) is still running in its thread" in caplog.text

    hold.set()
    await wait_until(lambda: deps.threads.running == 0)
    assert deps.threads.overrunning == 0
    assert (await quick.run(context("@py again", handle="py"))).summary == "done: again"
    await deps.aclose()


async def test_closing_the_deps_refuses_new_calls_and_does_not_wait_for_overrunning_ones(
    context: Callable[..., AgentContext], hold: threading.Event
) -> None:
    deps = AgentDeps(sync_threads=2)
    await overrun(agent(SAMPLES, "hold", deps), context())

    with anyio.fail_after(30):
        await deps.aclose()

    assert deps.threads.running == 1
    with pytest.raises(AgentError, match="shutting down") as caught:
        await agent(SAMPLES, "reply_text", deps).run(context())
    assert caught.value.retryable


async def test_a_sync_callable_that_exits_is_a_permanent_error_not_an_exit(
    context: Callable[..., AgentContext],
) -> None:
    with pytest.raises(AgentError) as caught:
        await agent(SAMPLES, "exit_process").run(context())

    assert not caught.value.retryable
    assert caught.value.message == f"@py: {SAMPLES}:exit_process raised RuntimeError: SystemExit: 3"
