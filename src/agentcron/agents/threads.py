"""Threads for agents' synchronous code, apart from the event loop's default pool.

The engine does its database work through `asyncio.to_thread`, in the loop's default pool.
A synchronous Python agent that blocks for minutes must not hold one of those threads: seven
such calls once delayed an unrelated run by 83 s. Agents get their own threads here.

A thread cannot be killed. When an attempt times out, its call keeps running in its thread
until it returns, and its result is thrown away; the thread still counts against `size`.
When every thread is taken, a new call fails at once with `ThreadsBusy` (the python backend
makes it a retryable error, visible in the history) rather than waiting unseen in a queue.
The threads are daemons: shutting down never waits for a call that overran.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class ThreadsBusy(RuntimeError):
    """Every agent thread is taken; `overrunning` of them by calls whose attempt has ended."""

    def __init__(self, size: int, overrunning: int) -> None:
        self.size = size
        self.overrunning = overrunning
        super().__init__(
            f"all {size} threads for synchronous agent code are busy ({overrunning} with calls "
            "still running after their attempt ended); try again later, raise "
            "AGENTCRON_AGENT_SYNC_THREADS or make the callable async"
        )


class ThreadsClosed(RuntimeError):
    """The threads were shut down (agentcron is stopping); no new call may start."""


@dataclass(slots=True)
class _Call:
    abandoned: bool = False
    done: bool = False


class AgentThreads:
    """At most `size` synchronous calls at once, each in a daemon thread of its own."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._lock = threading.Lock()
        self._running = 0
        self._overrunning = 0
        self._closed = False
        self._numbers = itertools.count(1)

    @property
    def running(self) -> int:
        """Calls in a thread now, including those whose caller stopped waiting."""
        return self._running

    @property
    def overrunning(self) -> int:
        """Calls still running although their caller was cancelled (the attempt's timeout)."""
        return self._overrunning

    async def run(self, function: Callable[..., T], *args: Any, name: str = "") -> T:
        """`function(*args)` in a thread, with the caller's context variables (as `to_thread`).
        `name` says in the log whose call overran.

        Raise ThreadsBusy when all threads are taken, ThreadsClosed after `close()`. If the
        caller is cancelled, the call carries on in its thread and is counted as overrunning.
        """
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._closed:
                raise ThreadsClosed("agentcron is shutting down; no new agent call may start")
            if self._running >= self.size:
                raise ThreadsBusy(self.size, self._overrunning)
            self._running += 1
        call = _Call()
        future: asyncio.Future[T] = loop.create_future()
        context = contextvars.copy_context()
        thread = threading.Thread(
            target=self._work,
            args=(call, loop, future, context, function, args),
            name=f"agentcron-agent-{next(self._numbers)}",
            daemon=True,
        )
        try:
            thread.start()
        except BaseException:
            self._finished(call)
            raise
        try:
            return await future
        except asyncio.CancelledError:
            with self._lock:
                overran = not call.done
                if overran:
                    call.abandoned = True
                    self._overrunning += 1
                overrunning = self._overrunning
            if overran:
                log.warning(
                    "%s is still running in its thread after its attempt ended; "
                    "%d of %d agent threads are held by such calls",
                    name or getattr(function, "__qualname__", "a call"),
                    overrunning,
                    self.size,
                )
            raise

    def close(self) -> None:
        """Refuse new calls. Running ones finish in their own time; nobody waits for them."""
        with self._lock:
            self._closed = True

    def _finished(self, call: _Call) -> None:
        with self._lock:
            call.done = True
            self._running -= 1
            if call.abandoned:
                self._overrunning -= 1

    def _work(
        self,
        call: _Call,
        loop: asyncio.AbstractEventLoop,
        future: asyncio.Future[T],
        context: contextvars.Context,
        function: Callable[..., T],
        args: tuple[Any, ...],
    ) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = context.run(function, *args)
        except Exception as exc:
            error = exc
        except BaseException as exc:  # SystemExit in agent code must not end the event loop
            error = RuntimeError(f"{type(exc).__name__}: {exc}")
        finally:
            self._finished(call)
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(_settle, future, result, error)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return  # the caller was cancelled
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
