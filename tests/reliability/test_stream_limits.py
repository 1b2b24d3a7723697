"""Live event streams cannot exhaust the server: they are capped per user, per address and
in all (429 beyond), below the server's connection limit, so `/readyz`, pages and API calls
keep answering however many streams are open (issue #15, item 3)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx

from agentcron.service.users import UserService
from agentcron.serving import uvicorn_options
from tests.reliability.conftest import token_for
from tests.support.live import LiveServer


@contextmanager
def _server(make_server_app: Any, sqlite_url: str, **limits: int) -> Iterator[LiveServer]:
    app = make_server_app(sqlite_url, **limits)
    settings = app.state.runtime.services.settings
    with LiveServer(app, **uvicorn_options(settings)) as server:
        yield server


def _opener(streams: ExitStack, client: httpx.Client) -> Any:
    def open_stream(path: str, token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = streams.enter_context(client.stream("GET", path, headers=headers))
        if response.status_code != 200:
            response.read()
        return response

    return open_stream


def _answers(server: LiveServer, token: str) -> tuple[int, int, int]:
    """What health, readiness and an API call answer on fresh connections."""
    with httpx.Client(base_url=server.url, trust_env=False, timeout=10) as fresh:
        return (
            fresh.get("/healthz").status_code,
            fresh.get("/readyz").status_code,
            fresh.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code,
        )


def test_one_user_cannot_open_more_than_their_streams(
    sqlite_url: str, make_server_app: Any
) -> None:
    with _server(
        make_server_app,
        sqlite_url,
        max_connections=40,
        max_streams=30,
        max_streams_per_user=4,
        max_streams_per_address=30,
    ) as server:
        app = server.app
        token = token_for(app, "greedy")
        other = token_for(app, "patient")
        users = UserService(app.state.runtime.services)
        link = users.issue_login_link(users.by_name("greedy"))
        with (
            httpx.Client(base_url=server.url, trust_env=False, timeout=10) as client,
            ExitStack() as streams,
        ):
            open_stream = _opener(streams, client)
            assert client.get(f"/login/link?token={link}").status_code == 303
            opened = [open_stream("/api/events", token) for _ in range(3)]
            opened.append(open_stream("/ui/events"))  # the web UI's tabs count too
            refused_api = open_stream("/api/events", token)
            refused_ui = open_stream("/ui/events")
            someone_else = open_stream("/api/events", other)

            assert [r.status_code for r in opened] == [200] * 4
            assert refused_api.status_code == 429
            assert refused_api.headers["Retry-After"] == "5"
            assert "live event streams open" in refused_api.json()["detail"]
            assert refused_ui.status_code == 429
            assert someone_else.status_code == 200
            assert _answers(server, other) == (200, 200, 200)

            opened[0].close()  # a stream that ends gives its place back
            assert open_stream("/api/events", token).status_code == 200


def test_streams_from_one_address_and_in_all_leave_a_reserve(
    sqlite_url: str, make_server_app: Any
) -> None:
    with _server(
        make_server_app,
        sqlite_url,
        max_connections=24,
        max_streams=12,
        max_streams_per_user=5,
        max_streams_per_address=10,
    ) as server:
        tokens = [token_for(server.app, f"user{i}") for i in range(4)]
        with (
            httpx.Client(
                base_url=server.url,
                trust_env=False,
                timeout=10,
                limits=httpx.Limits(max_connections=100),
            ) as client,
            ExitStack() as streams,
        ):
            open_stream = _opener(streams, client)
            statuses = [open_stream("/api/events", t).status_code for t in tokens for _ in range(3)]

            # From one address (all of these come from 127.0.0.1): ten, then 429.
            assert statuses == [200] * 10 + [429] * 2
            # Beyond what streams may take, the server still serves everything else.
            assert _answers(server, tokens[0]) == (200, 200, 200)
            many = [httpx.get(f"{server.url}/readyz", timeout=10).status_code for _ in range(5)]
            assert many == [200] * 5


def test_the_server_wide_cap_applies_when_the_others_do_not(
    sqlite_url: str, make_server_app: Any
) -> None:
    with _server(
        make_server_app,
        sqlite_url,
        max_connections=20,
        max_streams=6,
        max_streams_per_user=4,
        max_streams_per_address=50,
    ) as server:
        tokens = [token_for(server.app, f"user{i}") for i in range(5)]
        with (
            httpx.Client(
                base_url=server.url,
                trust_env=False,
                timeout=10,
                limits=httpx.Limits(max_connections=100),
            ) as client,
            ExitStack() as streams,
        ):
            open_stream = _opener(streams, client)
            # As many streams as the server has connections: uncapped, they would take
            # every one, and uvicorn would answer 503 to everything else, /readyz included.
            statuses = [open_stream("/api/events", t).status_code for t in tokens for _ in range(4)]
            full = open_stream("/api/events", tokens[4])

            assert statuses == [200] * 6 + [429] * 14
            assert "as many live event streams open as it serves" in full.json()["detail"]
            assert _answers(server, tokens[0]) == (200, 200, 200)
