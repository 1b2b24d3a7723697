"""Fixtures for agent tests: a real HTTP server on 127.0.0.1, an HTTP client, contexts."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2
import pytest

from agentcron.agents import AgentContext

SCHEDULED_FOR = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Received:
    method: str
    path: str
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Reply = tuple[int, "bytes | str | dict[str, Any] | list[Any]", dict[str, str]]


class LoopbackServer:
    """A real HTTP/1.1 server in a thread, recording every request.

    `respond(...)` fixes the reply; `answer = f(request) -> (status, body, headers)` computes
    one; `hang()` makes it hold requests unanswered until the test ends.
    """

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answer: Callable[[Received], Reply] = lambda request: (200, {}, {})
        self.hanging = False
        self.released = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self.do_POST()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                request = Received(self.command, self.path, self.headers, body)
                server.received.append(request)
                if server.hanging:
                    server.released.wait(30)
                    self.close_connection = True
                    return
                status, body, headers = server.answer(request)
                headers = dict(headers)
                if isinstance(body, dict | list):
                    body = json.dumps(body).encode()
                    headers.setdefault("Content-Type", "application/json")
                elif isinstance(body, str):
                    body = body.encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # A short poll interval only makes shutdown prompt; requests never wait for it.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def respond(
        self,
        status: int,
        body: bytes | str | dict[str, Any] | list[Any] = b"",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.answer = lambda request: (status, body, headers or {})

    def hang(self) -> None:
        self.hanging = True

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.released.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    loopback = LoopbackServer()
    loopback.start()
    yield loopback
    loopback.stop()


@pytest.fixture
def refusing_url() -> Iterator[str]:
    """A loopback port that is bound but not listening: connecting is refused, reliably."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/agent"
    sock.close()


@pytest.fixture
async def http_client() -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(trust_env=False) as client:
        yield client


def make_context(
    command: str = "@hook check deprecated models",
    *,
    handle: str = "hook",
    timeout_s: float = 10.0,
    attempt: int = 1,
) -> AgentContext:
    return AgentContext(
        command=command,
        handle=handle,
        schedule_id="sch-1",
        execution_id="exe-1",
        scheduled_for=SCHEDULED_FOR,
        attempt=attempt,
        user_id="usr-1",
        timeout_s=timeout_s,
    )


@pytest.fixture
def context() -> Callable[..., AgentContext]:
    return make_context
