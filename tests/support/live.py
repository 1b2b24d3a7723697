"""A real agentcron server on 127.0.0.1 for tests: uvicorn in a thread, on a free port.

Tests talk to it over real HTTP (httpx, the CLI, a browser). `call()` runs a coroutine on
the server's own event loop, which is how a test drives the engine turn by turn
(`server.call(engine.tick)`) with a ManualClock.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import uvicorn
from fastapi import FastAPI

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, app: FastAPI, *, port: int | None = None, **options: Any) -> None:
        self.app = app
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=5,
            **options,
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, name="live-server", daemon=True)
        self.loop: asyncio.AbstractEventLoop | None = None

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the test server failed to start")
            if time.monotonic() > deadline:
                raise TimeoutError("the test server did not start in 20 s")
            time.sleep(0.01)
        self.loop = self._find_loop()

    def _find_loop(self) -> asyncio.AbstractEventLoop:
        runtime = self.app.state.runtime
        loop = runtime.services.bus._loop
        assert loop is not None, "the app's lifespan did not bind the event bus"
        return loop  # type: ignore[no-any-return]

    def call(self, fn: Callable[[], Awaitable[T]], timeout: float = 30) -> T:
        """Run `fn()` on the server's loop and wait for its result."""
        assert self.loop is not None

        async def run() -> T:
            return await fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout)

    @property
    def runtime(self) -> Any:
        return self.app.state.runtime

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=30)
