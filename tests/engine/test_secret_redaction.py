"""Secrets in an agent's configuration never reach the history or the logs, whatever a failing
server echoes back (invariant 8)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from agentcron.engine.clock import ManualClock
from tests.agents.conftest import LoopbackServer, Received
from tests.support import agents
from tests.support.world import World

pytestmark = pytest.mark.anyio

SECRETS = ("SECRETPATH", "tq-abc-314", "sk-live-RAWTOKEN42", "hk-ENVSECRET77")


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def world(
    database_url: str,
    clock: ManualClock,
    tmp_path: Path,
    loopback: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[World]:
    monkeypatch.setenv("E2E_HOOK_KEY", "hk-ENVSECRET77")
    world = World.build(database_url, clock, tmp_path)
    world.settings.agents_file.write_text(
        agents.AGENTS_TOML
        + f"""
[agents.hook]
backend = "webhook"
url = "{loopback.url}/hook/SECRETPATH?token=tq-abc-314"
headers = {{ Authorization = "Bearer sk-live-RAWTOKEN42" }}
headers_env = {{ X-Api-Key = "E2E_HOOK_KEY" }}
"""
    )
    assert world.registry.reload().ok
    yield world
    await world.close()


def echo_everything(request: Received) -> tuple[int, str, dict[str, str]]:
    """A broken server's error page that repeats the request, as many do."""
    bearer = request.headers["Authorization"]
    return (
        500,
        f"no route for POST {request.path}; auth={bearer} key {request.headers['X-Api-Key']}; "
        f"token {bearer.split()[-1]} rejected",
        {},
    )


async def test_a_failing_webhook_never_shows_its_url_token_or_header_values(
    world: World, loopback: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    loopback.answer = echo_everything
    row = world.create(
        command_text="@hook rotate keys", schedule_type="cron", cron_expression="0 9 * * *"
    )

    with caplog.at_level(logging.INFO):
        await world.fire(world.schedule(row.id).next_run_at)

    [request] = loopback.received
    assert request.path == "/hook/SECRETPATH?token=tq-abc-314"  # the server did get them
    [execution] = world.executions(row.id)
    [attempt] = world.attempts(execution.id)
    assert execution.error_message == attempt.error_message
    message = execution.error_message
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("agentcron"))
    assert message.startswith("webhook @hook answered HTTP 500: no route for POST ***")
    assert "rejected" in message
    for secret in SECRETS:
        assert secret not in message
        assert secret not in logged
    assert "answered HTTP 500" in logged
