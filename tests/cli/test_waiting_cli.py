"""A run waiting for its agent's limit, in a terminal: `history` and `show-run` say it is
queued for the agent's limit, and `run --wait` says so while it waits.

The waits are real: a server of its own on a ManualClock whose engine the test turns, and
agents allowed one start a minute, so a run asked for within the minute is held by the
claim (`pending`, `waiting_for: agent_limit`) until the clock moves on. Nothing sleeps:
where `run --wait` would pause between two looks, the test turns the engine instead.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from agentcron.app import create_app
from agentcron.cli import runs
from agentcron.config import Settings
from agentcron.engine.clock import ManualClock
from agentcron.engine.gates import WINDOW
from agentcron.service.users import UserService
from agentcron.store.tables import Execution
from tests.cli.helpers import Cli, Server
from tests.support.agents import AGENTS_TOML
from tests.support.live import LiveServer
from tests.support.world import write_agents

LIMITED = """
[agents.paced]
backend = "echo"
rate_per_minute = 1

[agents.paced_flaky]
backend = "python"
callable = "tests.support.agents:flaky"
rate_per_minute = 1
"""
QUEUED = "pending (queued for @paced's limit)"


@dataclass
class Paced:
    """A signed-in `agentcron` on the server, its clock, and the turns of its engine."""

    cli: Cli
    clock: ManualClock

    def turn(self, step: timedelta = timedelta(0)) -> None:
        """Move the clock on by `step`, run one engine turn, and wait for what it started."""
        self.clock.advance(step)
        live = self.cli.server.live
        engine = live.runtime.engine
        live.call(engine.tick)
        live.call(engine.wait_idle)

    def run_now(self, schedule_id: str) -> str:
        return str(json.loads(self.cli.ok("run", schedule_id, "--json").stdout)["id"])

    def execution(self, execution_id: str) -> dict[str, Any]:
        shown: dict[str, Any] = json.loads(self.cli.ok("show-run", execution_id, "--json").stdout)
        return shown

    def held(self) -> int:
        """How many of the user's runs wait for their agent's limit (read from the store:
        a look from inside a command that is running)."""
        with self.cli.server.services.store.read() as session:
            rows = session.scalars(
                select(Execution.id).where(
                    Execution.user_id == self.cli.user.id,
                    Execution.status == "pending",
                    Execution.waiting_for.is_not(None),
                )
            )
            return len(list(rows))


@pytest.fixture
def paced(database_url: str, clock: ManualClock, tmp_path: Path) -> Iterator[Paced]:
    settings = Settings(
        database_url=database_url,
        agents_file=write_agents(tmp_path, AGENTS_TOML + LIMITED),
        data_dir=tmp_path,
        write_rate_per_minute=10_000,
        auth_failures_per_minute=10_000,
    )
    with LiveServer(create_app(settings, clock=clock, run_engine=False)) as live:
        server = Server(live, live.url, settings.database_url, settings.agents_file)
        users = UserService(server.services)
        user = users.create(f"u{uuid.uuid4().hex[:12]}", "UTC")
        yield Paced(Cli(server, user, users.issue_token(user).token, tmp_path), clock)
        engine = live.runtime.engine
        live.call(engine.wait_idle)
        live.call(engine.recorder.stop)


def _row(table: str, execution_id: str) -> str:
    [row] = [line for line in table.splitlines() if line.startswith(execution_id[:8])]
    return row


def test_history_and_show_run_say_a_run_is_queued_for_its_agents_limit(paced: Paced) -> None:
    cli = paced.cli
    schedule_id = cli.schedule("@paced check the queue every day at 9am")
    first = paced.run_now(schedule_id)
    paced.turn()  # @paced's one start of the minute
    second = paced.run_now(schedule_id)
    paced.turn()  # held by the claim: no room until the minute has passed
    held = paced.execution(second)
    assert (held["status"], held["waiting_for"], held["attempt"]) == ("pending", "agent_limit", 0)

    history = cli.ok("history", schedule_id).stdout
    assert QUEUED in _row(history, second)
    assert "success" in _row(history, first) and "queued" not in _row(history, first)
    listed = json.loads(cli.ok("history", schedule_id, "--json").stdout)
    assert [i["waiting_for"] for i in listed] == ["agent_limit", None]

    shown = cli.ok("show-run", second).stdout
    assert f"status     {QUEUED}" in shown
    assert (
        "waiting for room under @paced's limits (max_concurrency, rate_per_minute or a pause "
        "its backend asked for): it starts when @paced has room, and is never missed for "
        "waiting" in " ".join(shown.split())
    ), shown
    assert not re.search(r"^waiting ", cli.ok("show-run", first).stdout, re.MULTILINE)
    steps = cli.ok("history", schedule_id, "--steps").stdout
    assert f"execution {second[:8]} {QUEUED} · " in steps
    assert "no attempt has started yet" in steps

    paced.turn(WINDOW + timedelta(seconds=1))  # the minute's start has left the window
    assert paced.execution(second)["status"] == "success"
    history = cli.ok("history", schedule_id).stdout
    assert "queued" not in history and "success" in _row(history, second)


def test_run_wait_says_the_run_waits_for_its_agents_limit(
    paced: Paced, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule_id = paced.cli.schedule("@paced check the queue every day at 9am")
    paced.run_now(schedule_id)
    paced.turn()  # @paced's one start of the minute
    looks = 0

    def between_looks(seconds: float) -> None:
        nonlocal looks
        looks += 1
        # First the engine claims the run and holds it; then, a minute on, it starts.
        paced.turn(timedelta(0) if looks == 1 else WINDOW + timedelta(seconds=1))

    monkeypatch.setattr(runs, "pause_between_looks", between_looks)
    result = paced.cli.ok("run", schedule_id, "--wait")
    said = result.stdout.splitlines()
    assert said.count("queued for @paced's limit: it starts when @paced has room") == 1, said
    assert any(re.fullmatch(r"status\s+success", line) for line in said), said
    assert looks == 2


def test_run_wait_says_a_retry_waits_for_its_agents_limit(
    paced: Paced, monkeypatch: pytest.MonkeyPatch
) -> None:
    """@paced_flaky fails twice before it succeeds; each retry comes due within the minute
    of the attempt before, so the claim holds it for the agent's limit."""
    schedule_id = paced.cli.schedule(
        "@paced_flaky check the upstream every day at 9am", max_retries=3
    )
    looks, held = 0, 0

    def between_looks(seconds: float) -> None:
        nonlocal looks, held
        looks += 1
        assert looks < 100, "the run should have ended a simulated minute or two on"
        paced.turn(timedelta(seconds=5))
        held += paced.held()

    monkeypatch.setattr(runs, "pause_between_looks", between_looks)
    result = paced.cli.ok("run", schedule_id, "--wait")
    assert held, "no retry was held for the agent's limit"
    lines = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    told = [line for line in lines if line.startswith(("attempt ", "queued "))]
    assert len(told) == 5, result.stdout
    assert re.fullmatch(r"attempt 1 of 4: failed in \d+ ms — .*; retrying at .*", told[0])
    assert told[1] == "queued for @paced_flaky's limit: it starts when @paced_flaky has room"
    assert re.fullmatch(r"attempt 2 of 4: failed in \d+ ms — .*; retrying at .*", told[2])
    assert told[3] == told[1]
    assert re.fullmatch(r"attempt 3 of 4: success in \d+ ms, 7 tokens", told[4])
