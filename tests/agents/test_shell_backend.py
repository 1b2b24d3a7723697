"""The shell backend with real child processes (no shell anywhere)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import select
import signal
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import anyio
import pytest

from agentcron.agents import AgentContext, AgentError
from agentcron.agents.deps import AgentDeps
from agentcron.agents.results import OUTPUT_LIMIT
from agentcron.agents.settings import ShellSettings
from agentcron.agents.shell import ShellAgent

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

REPORT = """
import json, os, sys
print(json.dumps({
    "argv": sys.argv[1:],
    "stdin": sys.stdin.read(),
    "env": {k: v for k, v in os.environ.items() if k != "LC_CTYPE"},
}))
"""


@pytest.fixture(
    params=[
        pytest.param("asyncio", id="asyncio"),
        pytest.param(("asyncio", {"use_uvloop": True}), id="uvloop"),
    ]
)
def anyio_backend(request: pytest.FixtureRequest) -> object:
    """Every test on both loops: `agentcron worker` runs plain asyncio, `agentcron serve`
    uvicorn's uvloop, whose pipe transports are not asyncio's classes."""
    return request.param


def agent(*argv: str, **settings: object) -> ShellAgent:
    config = ShellSettings.model_validate({"argv": list(argv), **settings})
    return ShellAgent("ops", config, AgentDeps())


def python(code: str, *args: str, **settings: object) -> ShellAgent:
    return agent(sys.executable, "-c", code, *args, **settings)


async def test_command_text_reaches_the_program_as_data(
    context: Callable[..., AgentContext], tmp_path: Path
) -> None:
    hostile = f"x; rm -rf / $(whoami) `id` $(touch {tmp_path}/pwned) && echo 'quoted' \"double\""

    result = await python(REPORT, "--fixed").run(context(f"@ops {hostile}", handle="ops"))

    seen = json.loads(result.output)
    assert seen["argv"] == ["--fixed"]
    assert seen["stdin"] == hostile
    assert seen["env"]["AGENTCRON_COMMAND"] == hostile
    assert not (tmp_path / "pwned").exists()


async def test_a_program_reading_stdin_to_the_end_gets_the_command_and_finishes(
    context: Callable[..., AgentContext],
) -> None:
    code = "import sys; data = sys.stdin.read(); print(len(data)); print(data)"

    with anyio.fail_after(20):  # a stdin left open would block the program until its timeout
        result = await python(code).run(context("@ops count the lines", handle="ops"))

    assert result.output == "15\ncount the lines\n"


async def test_a_program_that_never_reads_stdin_finishes_even_with_a_long_command(
    context: Callable[..., AgentContext],
) -> None:
    long_command = "@ops " + "x" * 100_000  # more than a pipe holds: the write meets a closed pipe

    with anyio.fail_after(20):
        result = await python("print('done')").run(context(long_command, handle="ops"))

    assert result.summary == "done"


async def test_program_gets_the_attempt_and_only_allowed_variables(
    context: Callable[..., AgentContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-scripts")
    monkeypatch.setenv("OPS_REGION", "eu-west")

    result = await python(REPORT, env=["OPS_REGION"]).run(context(attempt=3))

    assert json.loads(result.output)["env"] == {
        "OPS_REGION": "eu-west",
        "AGENTCRON_COMMAND": "check deprecated models",
        "AGENTCRON_AGENT": "ops",
        "AGENTCRON_SCHEDULE_ID": "sch-1",
        "AGENTCRON_EXECUTION_ID": "exe-1",
        "AGENTCRON_SCHEDULED_FOR": "2026-03-02T09:00:00+00:00",
        "AGENTCRON_ATTEMPT": "3",
        "AGENTCRON_USER_ID": "usr-1",
    }


async def test_default_environment_passes_path_but_not_secrets(
    context: Callable[..., AgentContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-scripts")

    result = await python(REPORT).run(context())

    env = json.loads(result.output)["env"]
    assert env["PATH"] == os.environ["PATH"]
    assert "OPENAI_API_KEY" not in env


async def test_summary_is_the_last_line_of_stdout(
    context: Callable[..., AgentContext], tmp_path: Path
) -> None:
    code = "import os; print('checking', os.getcwd()); print('3 models deprecated'); print()"

    result = await python(code, cwd=str(tmp_path)).run(context())

    assert result.status == "success"
    assert result.summary == "3 models deprecated"
    assert result.output == f"checking {tmp_path}\n3 models deprecated\n\n"


async def test_non_zero_exit_is_a_permanent_error_with_stderr_tail(
    context: Callable[..., AgentContext],
) -> None:
    code = "import sys; print('noise ' * 1000, file=sys.stderr); sys.exit('quota exhausted')"

    with pytest.raises(AgentError) as caught:
        await python(code).run(context())

    assert not caught.value.retryable
    assert caught.value.message.startswith(f"@ops: {sys.executable} exited with status 1: …")
    assert caught.value.message.endswith("quota exhausted")
    assert len(caught.value.message) < 2200


async def test_non_zero_exit_may_be_retryable(context: Callable[..., AgentContext]) -> None:
    with pytest.raises(AgentError) as caught:
        await python("raise SystemExit(3)", retry_on_failure=True).run(context())

    assert caught.value.retryable
    assert caught.value.message == f"@ops: {sys.executable} exited with status 3"


async def test_a_failed_run_keeps_what_it_printed(context: Callable[..., AgentContext]) -> None:
    code = (
        "print('checked 3 of 5 feeds'); print('x' * 200_000); import sys; sys.exit('feed 4 down')"
    )

    with pytest.raises(AgentError) as caught:
        await python(code).run(context())

    output = caught.value.output
    assert output is not None
    assert output.startswith("checked 3 of 5 feeds\n")
    assert len(output.encode()) <= OUTPUT_LIMIT
    assert caught.value.message.endswith("feed 4 down")


async def test_stdout_streams_to_the_hook_as_it_arrives(
    context: Callable[..., AgentContext],
) -> None:
    code = (
        "import sys, time\n"
        "sys.stdout.write('étape 1\\n'); sys.stdout.flush()\n"
        "sys.stdout.buffer.write('é'.encode()[:1]); sys.stdout.flush(); time.sleep(0.05)\n"
        "sys.stdout.buffer.write('é'.encode()[1:] + b' fin\\n')"
    )
    chunks: list[str] = []

    result = await python(code).run(replace(context(), on_output=chunks.append))

    assert "".join(chunks) == result.output == "étape 1\né fin\n"
    assert chunks[0] == "étape 1\n"
    assert "\ufffd" not in "".join(chunks)  # a character split across reads is kept whole


async def test_output_is_bounded_keeping_head_and_tail(
    context: Callable[..., AgentContext],
) -> None:
    code = "import sys; sys.stdout.write('HEAD\\n' + 'x' * 2_000_000 + '\\nTAIL\\n')"

    result = await python(code).run(context())

    assert len(result.output.encode()) <= OUTPUT_LIMIT
    assert result.output.startswith("HEAD\nxxx")
    assert result.output.endswith("xxx\nTAIL\n")
    assert "bytes omitted" in result.output
    assert result.summary == "TAIL"


async def test_a_missing_program_is_a_permanent_error(
    context: Callable[..., AgentContext], tmp_path: Path
) -> None:
    with pytest.raises(AgentError) as caught:
        await agent(str(tmp_path / "no-such-agent")).run(context())

    assert not caught.value.retryable
    assert "cannot start" in caught.value.message


SPAWN_AND_WAIT = """
import os, subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
with open(os.environ["PID_FIFO"], "w") as fifo:
    fifo.write(f"{os.getpid()} {child.pid}")
child.wait()
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


async def test_cancellation_kills_the_process_group_and_reaps_the_program(
    context: Callable[..., AgentContext], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "pids"
    os.mkfifo(fifo)
    monkeypatch.setenv("PID_FIFO", str(fifo))
    ops = python(SPAWN_AND_WAIT, env=["PID_FIFO"])

    task = asyncio.ensure_future(ops.run(context()))
    with anyio.fail_after(30):
        # Blocks until the program has started its own child and written both pids.
        text = await anyio.to_thread.run_sync(fifo.read_text, abandon_on_cancel=True)
    program, grandchild = map(int, text.split())
    grandchild_fd = os.pidfd_open(grandchild)
    try:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

        with pytest.raises(ProcessLookupError):
            os.kill(program, 0)  # killed and reaped: the pid no longer exists
        ready, _, _ = select.select([grandchild_fd], [], [], 10)  # readable once it has died
        assert ready == [grandchild_fd]
        assert not _alive(grandchild)
    finally:
        with contextlib.suppress(ProcessLookupError):
            signal.pidfd_send_signal(grandchild_fd, signal.SIGKILL)  # leave no orphan if we failed
        os.close(grandchild_fd)
