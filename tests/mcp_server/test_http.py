"""`/mcp` over real HTTP on 127.0.0.1: the real app (its lifespan runs the SDK's session
manager), the SDK's streamable HTTP client, the API's bearer tokens, the API's words."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from agentcron.app import create_app
from agentcron.config import Settings
from agentcron.engine.clock import ManualClock
from agentcron.service import ScheduleDraft, UseCases
from tests.mcp_server.conftest import AGENTS, ok, refused
from tests.support.live import LiveServer
from tests.support.world import write_agents

pytestmark = pytest.mark.anyio

SENTENCE = "@alice summarise my inbox every weekday at 8am"
LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}


class Site:
    """A live app, and a signed-in user of it."""

    def __init__(self, live: LiveServer) -> None:
        self.live = live
        self.url = live.url
        self.use_cases: UseCases = live.app.state.use_cases
        self.user = self.use_cases.users.create(f"u{uuid.uuid4().hex[:8]}", "UTC")
        self.token = self.use_cases.users.issue_token(self.user).token

    def other_token(self) -> tuple[Any, str]:
        user = self.use_cases.users.create(f"o{uuid.uuid4().hex[:8]}", "UTC")
        return user, self.use_cases.users.issue_token(user).token

    @asynccontextmanager
    async def client(self, token: str | None = None) -> AsyncIterator[Client]:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=30) as http,
            Client(streamable_http_client(f"{self.url}/mcp", http_client=http)) as client,
        ):
            yield client

    def post(self, body: Any = LIST_TOOLS, **headers: str) -> httpx.Response:
        return httpx.post(f"{self.url}/mcp", json=body, headers={**MCP_HEADERS, **headers})

    def bearer(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}


@pytest.fixture
def make_settings(sqlite_url: str, tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": sqlite_url,
            "agents_file": write_agents(tmp_path, AGENTS),
            "data_dir": tmp_path / "data",
            "secret_key": "test-session-key",
            **overrides,
        }
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
def serve(
    make_settings: Callable[..., Settings], clock: ManualClock
) -> Iterator[Callable[..., Site]]:
    lives: list[LiveServer] = []

    def serve(**overrides: Any) -> Site:
        app = create_app(make_settings(**overrides), clock=clock, run_engine=False)
        live = LiveServer(app)
        live.start()
        lives.append(live)
        return Site(live)

    yield serve
    for live in lives:
        live.stop()


async def test_the_first_request_works_as_the_tokens_user(serve: Callable[..., Site]) -> None:
    site = serve()
    async with site.client() as client:
        created = ok(await client.call_tool("create_schedule", {"text": SENTENCE}))
        listed = ok(await client.call_tool("list_schedules", {}))
    [row] = site.use_cases.schedules.list(site.user)[0]
    assert str(row.row.id) == created["id"] and listed["total"] == 1
    other, token = site.other_token()
    async with site.client(token) as client:
        assert ok(await client.call_tool("list_schedules", {}))["total"] == 0


async def test_no_token_or_a_bad_one_is_refused_with_a_challenge(
    serve: Callable[..., Site],
) -> None:
    site = serve()
    nobody = site.post()
    assert nobody.status_code == 401
    assert nobody.headers["www-authenticate"] == 'Bearer realm="agentcron"'
    assert nobody.headers["content-type"] == "application/problem+json"
    assert nobody.json()["detail"] == "send Authorization: Bearer <token>"
    for token in ("acr_not-a-token", "garbage"):
        bad = site.post(**site.bearer(token))
        assert bad.status_code == 401, bad.text
        challenge = bad.headers["www-authenticate"]
        assert challenge == 'Bearer realm="agentcron", error="invalid_token"'
        assert bad.json()["detail"] == "invalid token"
    # The SDK's client reports the 401 as an error response, inside its task groups.
    with pytest.RaisesGroup(MCPError, flatten_subgroups=True):
        async with site.client("acr_not-a-token") as client:
            await client.list_tools()


async def test_failed_tokens_count_once_per_address_across_the_api_and_mcp(
    serve: Callable[..., Site],
) -> None:
    site = serve(auth_failures_per_minute=2)
    api = httpx.get(f"{site.url}/api/me", headers=site.bearer("acr_wrong"))
    assert api.status_code == 401
    assert site.post(**site.bearer("acr_wrong")).status_code == 401
    limited = site.post(**site.bearer(site.token))  # even a good token, once over the limit
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert limited.json()["detail"] == "too many failed authentications from your address"


async def test_a_foreign_id_reads_exactly_like_a_missing_one_and_as_the_api_says_it(
    serve: Callable[..., Site],
) -> None:
    site = serve()
    other, _ = site.other_token()
    theirs = site.use_cases.schedules.create(other, ScheduleDraft(text=SENTENCE)).row.id
    missing = uuid.uuid4()
    async with site.client() as client:
        foreign = refused(await client.call_tool("get_schedule", {"id": str(theirs)}))
        absent = refused(await client.call_tool("delete_schedule", {"id": str(missing)}))
        sentence = refused(await client.call_tool("create_schedule", {"text": "@bob x monthly"}))
    api = httpx.get(f"{site.url}/api/scheduled-commands/{theirs}", headers=site.bearer())
    assert foreign == api.json()["detail"] == f"no schedule {theirs}"
    assert absent == f"no schedule {missing}"
    problem = httpx.post(
        f"{site.url}/api/scheduled-commands", json={"text": "@bob x monthly"}, headers=site.bearer()
    ).json()
    assert sentence.split("\n")[0] == problem["detail"]
    assert problem["understood"]["agent"] == "bob"
    assert site.use_cases.schedules.get(other, theirs).row.id == theirs  # untouched


async def test_an_unlisted_host_or_origin_is_refused(serve: Callable[..., Site]) -> None:
    site = serve()
    port = site.live.port
    assert site.post(**site.bearer()).status_code == 200
    for host in (f"localhost:{port}", "localhost", f"[::1]:{port}"):
        assert site.post(**site.bearer(), Host=host).status_code == 200, host
    rebound = site.post(**site.bearer(), Host=f"attacker.example:{port}")
    assert rebound.status_code == 421
    foreign_page = site.post(**site.bearer(), Origin="http://attacker.example")
    assert foreign_page.status_code == 403
    assert site.post(**site.bearer(), Origin=f"http://localhost:{port}").status_code == 200


async def test_the_public_urls_host_and_origin_are_allowed(serve: Callable[..., Site]) -> None:
    site = serve(public_url="https://cron.example.org/")
    assert site.post(**site.bearer(), Host="cron.example.org").status_code == 200
    browser = site.post(**site.bearer(), Host="cron.example.org", Origin="https://cron.example.org")
    assert browser.status_code == 200
    assert site.post(**site.bearer(), Host="example.org").status_code == 421
    assert site.post(**site.bearer(), Origin="https://cron.example.org:8443").status_code == 403


async def test_two_apps_in_one_process_both_answer(serve: Callable[..., Site]) -> None:
    first, second = serve(), serve()
    for site in (first, second):
        async with site.client() as client:
            created = ok(await client.call_tool("create_schedule", {"text": SENTENCE}))
            again = ok(await client.call_tool("get_schedule", {"id": created["id"]}))
        assert again["id"] == created["id"]
        assert site.post(**site.bearer()).status_code == 200


async def test_an_app_whose_lifespan_did_not_run_answers_503_not_a_crash(
    make_settings: Callable[..., Settings], clock: ManualClock
) -> None:
    app = create_app(make_settings(), clock=clock, run_engine=False)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            response = await http.post("/mcp", json=LIST_TOOLS, headers=MCP_HEADERS)
        assert response.status_code == 503
        assert "lifespan" in response.json()["detail"]
    finally:
        app.state.runtime.services.store.dispose()
