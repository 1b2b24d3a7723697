"""An agent that is a local program, run from a configured argument list.

The command never becomes part of a command line: no shell parses it. The
program receives it as data, in `AGENTCRON_COMMAND` and on stdin, with the ids
of this attempt beside it. Only the variables named in `env` pass through from
agentcron's own environment, so keys meant for other agents stay ours.

The program runs in its own session; when the runner cancels the attempt (its
timeout), the whole process group is killed and reaped before `run` returns.

Its stdout streams to `context.report_output` as it arrives; a program that
fails keeps its stdout (head and tail) on the error, beside its stderr's tail.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import signal
from asyncio.subprocess import PIPE
from collections.abc import Callable
from typing import ClassVar, cast

from agentcron.agents.base import AgentContext, AgentError, AgentResult
from agentcron.agents.deps import AgentDeps
from agentcron.agents.results import HeadTail, bounded, last_line, tail
from agentcron.agents.settings import ShellSettings


class ShellAgent:
    kind: ClassVar[str] = "shell"

    def __init__(self, handle: str, settings: ShellSettings, deps: AgentDeps) -> None:
        self.handle = handle
        self._settings = settings

    def _environment(self, context: AgentContext) -> dict[str, str]:
        env = {name: os.environ[name] for name in self._settings.env if name in os.environ}
        env.update(
            AGENTCRON_COMMAND=context.instruction,
            AGENTCRON_AGENT=self.handle,
            AGENTCRON_SCHEDULE_ID=context.schedule_id,
            AGENTCRON_EXECUTION_ID=context.execution_id,
            AGENTCRON_SCHEDULED_FOR=context.scheduled_for.isoformat(),
            AGENTCRON_ATTEMPT=str(context.attempt),
            AGENTCRON_USER_ID=context.user_id,
        )
        return env

    async def run(self, context: AgentContext) -> AgentResult:
        settings = self._settings
        program = settings.argv[0]
        loop = asyncio.get_running_loop()
        try:
            transport, collector = await loop.subprocess_exec(
                lambda: _Collector(loop, context.report_output if context.on_output else None),
                *settings.argv,
                stdin=PIPE,
                stdout=PIPE,
                stderr=PIPE,
                cwd=settings.cwd,
                env=self._environment(context),
                start_new_session=True,
            )
        except (OSError, ValueError) as exc:
            # ValueError: a NUL byte in the command, which no environment can hold.
            raise AgentError(
                f"@{self.handle}: cannot start {program}: {exc}", retryable=False
            ) from None

        try:
            # A cast, not an isinstance check: uvloop's pipe transports (under `agentcron
            # serve`) are not asyncio's classes, and a stdin never closed hangs a reader.
            stdin = cast(asyncio.WriteTransport | None, transport.get_pipe_transport(0))
            if stdin is not None and not stdin.is_closing():
                # A program that exits before we write (or closes its stdin) leaves a closed
                # pipe; uvloop then raises where asyncio would ignore the write.
                with contextlib.suppress(RuntimeError, OSError):
                    stdin.write(context.instruction.encode("utf-8"))
                    stdin.close()  # a program that never reads stdin only loses the pipe
            # Shielded: a cancellation must reach us, not mark the program finished.
            await asyncio.shield(collector.finished)
        finally:
            if not collector.finished.done():
                # Cancelled (the runner's timeout): kill the whole group, then wait for the
                # exit, not for the pipes a stray descendant might still hold.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(transport.get_pid(), signal.SIGKILL)
                await _uncancellable(collector.exited)
            transport.close()

        returncode = transport.get_returncode()
        assert returncode is not None  # the program has exited
        output = collector.stdout.text()
        if returncode != 0:
            message = f"@{self.handle}: {program} {_describe_exit(returncode)}"
            errors = tail(collector.stderr.text())
            raise AgentError(
                f"{message}: {errors}" if errors else message,
                retryable=settings.retry_on_failure,
                output=output or None,
            )
        return bounded(AgentResult(summary=last_line(output), output=output))


class _Collector(asyncio.SubprocessProtocol):
    """Keeps the head and tail of stdout and stderr as they arrive, passes stdout on as text
    (a character split across two reads waits for its second half); says when the program ends."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, on_output: Callable[[str], None] | None
    ) -> None:
        self.stdout = HeadTail()
        self.stderr = HeadTail()
        self._on_output = on_output
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.exited: asyncio.Future[None] = loop.create_future()
        """The program has exited and been reaped."""
        self.finished: asyncio.Future[None] = loop.create_future()
        """…and every pipe is closed, so all its output is here."""

    def pipe_data_received(self, fd: int, data: bytes | str) -> None:
        chunk = data.encode() if isinstance(data, str) else data
        if fd == 1:
            self.stdout.feed(chunk)
            if self._on_output is not None:
                self._on_output(self._decoder.decode(chunk))
        else:
            self.stderr.feed(chunk)

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        if fd == 1 and self._on_output is not None:
            self._on_output(self._decoder.decode(b"", final=True))

    def process_exited(self) -> None:
        if not self.exited.done():
            self.exited.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.finished.done():
            self.finished.set_result(None)


async def _uncancellable(future: asyncio.Future[None]) -> None:
    """Wait for `future` even if cancelled again meanwhile, then re-raise the cancellation.

    Used after SIGKILL, when the wait is a matter of microseconds: no zombie outlives `run`.
    """
    cancelled = False
    while not future.done():
        try:
            await asyncio.shield(future)
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError


def _describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"
