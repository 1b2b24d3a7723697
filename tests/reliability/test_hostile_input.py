"""Hostile clients: slow on purpose, oversized, or smuggling markup and control characters."""

from __future__ import annotations

import logging
import socket
import time

import httpx
import pytest

from agentcron.serving import GuardedHttpProtocol, uvicorn_options
from tests.reliability.conftest import token_for
from tests.support.live import LiveServer


class QuickGuard(GuardedHttpProtocol):
    header_timeout = 0.5


def _closed_within(sock: socket.socket, seconds: float) -> float:
    sock.settimeout(seconds)
    start = time.monotonic()
    try:
        while sock.recv(1024):
            pass
    except TimeoutError:
        return float("inf")
    return time.monotonic() - start


def test_slow_headers_and_idle_connections_are_cut_off(sqlite_url: str, make_server_app) -> None:
    app = make_server_app(sqlite_url)
    with LiveServer(app, **uvicorn_options(http=QuickGuard)) as server:
        idle = socket.create_connection(("127.0.0.1", server.port))
        dribble = socket.create_connection(("127.0.0.1", server.port))
        dribble.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        assert _closed_within(idle, 5) < 5
        assert _closed_within(dribble, 5) < 5
        # An honest client is unaffected.
        assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_slow_body_is_answered_408(sqlite_url: str, make_server_app) -> None:
    app = make_server_app(sqlite_url, body_timeout_s=0.5)
    with LiveServer(app) as server:
        token = token_for(app, "slowpoke")
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(
            b"POST /api/scheduled-commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {token}\r\nContent-Length: 100\r\n\r\n".encode()
            + b'{"command_text": '
        )
        sock.settimeout(5)
        reply = sock.recv(4096).decode()
        assert reply.startswith("HTTP/1.1 408"), reply


def test_markup_and_control_characters_are_stored_and_shown_safely(
    sqlite_url: str, make_server_app, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_server_app(sqlite_url)
    nasty = '@alice <script>alert(1)</script>\nINFO forged log line\x1b[31m "quoted"'
    with LiveServer(app) as server:
        headers = {"Authorization": f"Bearer {token_for(app, 'mallory')}"}
        with caplog.at_level(logging.INFO):
            created = httpx.post(
                f"{server.url}/api/scheduled-commands",
                headers=headers,
                json={
                    "command_text": nasty,
                    "schedule_type": "cron",
                    "cron_expression": "0 9 * * *",
                },
            )
        assert created.status_code == 201
        sid = created.json()["id"]
        assert (
            httpx.get(f"{server.url}/api/scheduled-commands/{sid}", headers=headers).json()[
                "command_text"
            ]
            == nasty
        )
    # Logged, the same text stays on one line and cannot recolour a terminal.
    from agentcron.logs import PlainFormatter

    record = logging.LogRecord("agentcron", logging.INFO, __file__, 1, "command %s", (nasty,), None)
    line = PlainFormatter().format(record)
    assert "\n" not in line and "\x1b" not in line
    assert "\\nINFO forged log line\\x1b[31m" in line


def test_every_string_field_is_length_limited(sqlite_url: str, make_server_app) -> None:
    app = make_server_app(sqlite_url)
    with LiveServer(app) as server:
        headers = {"Authorization": f"Bearer {token_for(app, 'verbose')}"}
        base = {"command_text": "@alice x", "schedule_type": "cron", "cron_expression": "0 9 * * *"}
        for field, value in [
            ("command_text", "@alice " + "x" * 5000),
            ("description", "d" * 5000),
            ("cron_expression", "0 9 * * *" + " " * 400 + "1"),
            ("timezone", "Europe/" + "x" * 300),
            ("key", "k" * 300),
        ]:
            reply = httpx.post(
                f"{server.url}/api/scheduled-commands", headers=headers, json={**base, field: value}
            )
            assert reply.status_code == 422, (field, reply.text)
            assert field in {e["field"] for e in reply.json()["errors"]}
