"""Where time enters agentcron. Engine and service code ask a `Clock`; tests move a
`ManualClock` instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware UTC."""
        ...

    async def sleep_until(self, deadline: datetime, wake: asyncio.Event) -> None:
        """Return at `deadline` or as soon as `wake` is set, whichever comes first."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, deadline: datetime, wake: asyncio.Event) -> None:
        delay = (deadline - self.now()).total_seconds()
        if delay <= 0 or wake.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=delay)

    @staticmethod
    def monotonic() -> float:
        return time.monotonic()


class ManualClock:
    """A clock that only moves when told. `sleep_until` returns once the clock has been moved
    to or past the deadline, or when woken, so a test drives the loop turn by turn."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware start instant")
        self._now = start.astimezone(UTC)
        self._moved = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("naive datetime")
        self._now = instant.astimezone(UTC)
        loop, moved = self._loop, self._moved
        if loop is None or loop.is_closed():
            moved.set()
            return
        try:
            same = asyncio.get_running_loop() is loop
        except RuntimeError:
            same = False
        if same:
            moved.set()
        else:  # moved from a test thread while the engine sleeps on a server's loop
            loop.call_soon_threadsafe(moved.set)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self.set(self._now + (delta if delta is not None else timedelta(**kwargs)))
        return self._now

    async def sleep_until(self, deadline: datetime, wake: asyncio.Event) -> None:
        self._loop = asyncio.get_running_loop()
        while self._now < deadline and not wake.is_set():
            self._moved = moved = asyncio.Event()
            waiter = asyncio.ensure_future(wake.wait())
            mover = asyncio.ensure_future(moved.wait())
            try:
                await asyncio.wait({waiter, mover}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiter.cancel()
                mover.cancel()
