"""What a run did, in a terminal: `show-run` (outcome, usage, cost, every attempt's model
and tool calls), `history --steps`, a pending retry in words, and `run --wait` printing one
line as each attempt ends (a real agent failing twice on a server with quick retries)."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentcron.app import create_app
from agentcron.config import Settings
from agentcron.service.users import UserService
from tests.cli.helpers import Cli, Server, one_error_line
from tests.support.live import LiveServer
from tests.support.transcripts import MODEL, seed_run
from tests.support.world import write_agents


def _seeded(cli: Cli, *, retrying: bool = False) -> tuple[str, str]:
    schedule_id = cli.schedule("@alice check deprecated models every day at 9am")
    services = cli.server.services
    execution_id = seed_run(
        services, cli.user.id, schedule_id, "alice", services.clock.now(), retrying=retrying
    )
    return schedule_id, str(execution_id)


def test_show_run_prints_usage_cost_why_and_each_attempts_steps(cli: Cli) -> None:
    _, execution_id = _seeded(cli)
    shown = cli.ok("show-run", execution_id[:8]).stdout

    assert f"execution  {execution_id}" in shown
    assert "failed (attempt 2 of 4)" in shown
    assert f"model      {MODEL}" in shown
    assert "tokens     725 (in 550, out 175)" in shown
    assert "cost       $0.0015" in shown
    assert "max_tokens: The agent used more tokens than its limit allows." in shown
    assert re.search(r"attempt 1 of 4 · failed · \d{4}-\d\d-\d\d \d\d:\d\d UTC .* · 1\.0 s", shown)
    assert "tool_server: tool server unreachable" in shown
    rows = [
        line.split() for line in shown.splitlines() if re.match(r"\s*\d+\s+(model|tool)\s", line)
    ]
    assert [r[:5] for r in rows] == [
        ["1", "model", MODEL, "+0", "ms"],
        ["2", "tool", "list_models", "+950", "ms"],
        ["1", "model", MODEL, "+0", "ms"],
        ["2", "tool", "list_models", "+850", "ms"],
        ["3", "model", MODEL, "+1.3", "s"],
    ]
    assert rows[4][-2:] == ["300", "90"]  # tokens in, out
    first_tool = next(line for line in shown.splitlines() if " list_models " in line)
    assert "connection refused" in first_tool
    assert "Deprecated: gpt-old, claude-1" in shown  # the output

    as_json = json.loads(cli.ok("show-run", execution_id, "--json").stdout)
    assert [len(a["steps"]) for a in as_json["attempts"]] == [2, 3]


def test_show_run_says_when_a_retry_comes(cli: Cli) -> None:
    schedule_id, execution_id = _seeded(cli, retrying=True)
    # the day is named when the retry falls on another one (a test run near midnight)
    said = re.compile(r"retrying at (?:\w{3} \d\d \w{3} )?\d\d:\d\d UTC \(attempt 3 of 4\)")
    assert said.search(cli.ok("show-run", execution_id).stdout)
    assert said.search(cli.ok("history", schedule_id).stdout)


def test_history_steps_lists_each_executions_calls(cli: Cli) -> None:
    schedule_id, execution_id = _seeded(cli)
    shown = cli.ok("history", schedule_id, "--steps").stdout
    assert f"execution {execution_id[:8]}" in shown
    assert shown.count("list_models") == 2
    assert "attempt 2 of 4" in shown
    plain = cli.ok("history", schedule_id).stdout
    assert "list_models" not in plain
    items = json.loads(cli.ok("history", schedule_id, "--steps", "--json").stdout)
    assert items[0]["attempts"][1]["steps"][2]["output_tokens"] == 90


def test_show_run_refuses_what_is_not_an_execution_of_yours(cli: Cli) -> None:
    assert "not an execution id" in one_error_line(cli("show-run", "zz-top"))
    assert "no execution" in one_error_line(cli("show-run", "0123abcd"))
    assert "no execution" in one_error_line(cli("show-run", str(uuid.uuid4())))


@pytest.fixture(scope="module")
def quick_retries(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A server of its own whose retries come within a second."""
    home = tmp_path_factory.mktemp("retries")
    database = home / "agentcron.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(
        database_url=f"sqlite:///{database}",
        agents_file=write_agents(home),
        data_dir=home,
        retry_backoff_base_s=0.2,
        retry_backoff_max_s=0.5,
        write_rate_per_minute=10_000,
    )
    with LiveServer(create_app(settings, run_engine=True)) as live:
        yield Server(live, live.url, settings.database_url, settings.agents_file)


def test_run_wait_prints_one_line_per_attempt(quick_retries: Server, tmp_path: Path) -> None:
    users = UserService(quick_retries.services)
    user = users.create(f"u{uuid.uuid4().hex[:12]}", "UTC")
    cli = Cli(quick_retries, user, users.issue_token(user).token, tmp_path)
    schedule_id = cli.schedule("@flaky check the upstream every day at 9am", max_retries=3)

    result = cli.ok("run", schedule_id, "--wait", "--timeout", "60")
    lines = [line for line in result.stdout.splitlines() if line.startswith("attempt ")]
    assert len(lines) == 3, result.stdout
    assert re.fullmatch(
        # "retrying at" while the retry waits; "retried at" when it started before the
        # CLI's next look (a loaded machine).
        r"attempt 1 of 4: failed in \d+ ms — upstream busy \(attempt 1\); "
        r"retr(ying|ied) at (?:\w{3} \d\d \w{3} )?\d\d:\d\d UTC \(attempt 2 of 4\)",
        lines[0],
    ), lines[0]
    assert re.match(r"attempt 2 of 4: failed in \d+ ms .*; retr(ying|ied) at ", lines[1]), lines[1]
    assert re.fullmatch(r"attempt 3 of 4: success in \d+ ms, 7 tokens", lines[2]), lines[2]
    assert "third time lucky" in result.stdout

    # With --json the lines go to stderr, and stdout is the execution alone.
    as_json = cli.ok("run", schedule_id, "--wait", "--timeout", "60", "--json")
    assert json.loads(as_json.stdout)["status"] == "success"
    told = [line for line in as_json.stderr.splitlines() if line.startswith("attempt ")]
    assert len(told) == 3, as_json.stderr  # (the in-process server logs there too)
