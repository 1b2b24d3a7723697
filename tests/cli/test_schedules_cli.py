"""Schedules through the CLI against a live server: add, ls, show, edit, enable/disable, rm,
run (--wait), history, status, agents list/reload."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from agentcron.store.tables import User
from tests.cli.helpers import Cli


def test_add_by_sentence_previews_then_creates(cli: Cli) -> None:
    result = cli.ok("add", "@alice check deprecated models every weekday at 9am", "--yes")

    assert "At 09:00, Monday through Friday (UTC)" in result.stdout
    assert "next runs" in result.stdout
    assert "created " in result.stdout
    [item] = json.loads(cli.ok("ls", "--json").stdout)
    assert item["agent_id"] == "alice"
    assert item["cron_expression"] == "0 9 * * 1-5"
    assert item["command_text"] == "@alice check deprecated models"
    assert result.stdout.split("created ")[1].startswith(item["id"][:8])


def test_add_with_structured_flags(cli: Cli) -> None:
    cron = json.loads(
        cli.ok(
            "add",
            "@bob summarise the logs",
            "--cron",
            "0 18 * * 1-5",
            "--tz",
            "Europe/Berlin",
            "--retries",
            "1",
            "--timeout",
            "2m",
            "--grace",
            "10m",
            "--overlap",
            "allow",
            "--description",
            "evening digest",
            "--key",
            "digest",
            "--yes",
            "--json",
        ).stdout
    )
    every = json.loads(
        cli.ok(
            "add", "check the queue", "--agent", "@maya", "--every", "30m", "--yes", "--json"
        ).stdout
    )
    once = json.loads(
        cli.ok(
            "add",
            "@alice ship it",
            "--at",
            "2099-12-24T09:00",
            "--tz",
            "America/New_York",
            "--yes",
            "--json",
        ).stdout
    )

    assert (cron["timezone"], cron["max_retries"], cron["timeout_s"]) == ("Europe/Berlin", 1, 120)
    assert (cron["misfire_grace_s"], cron["overlap"], cron["key"]) == (600, "allow", "digest")
    assert cron["description"] == "evening digest"
    assert (every["agent_id"], every["interval_value"], every["interval_unit"]) == (
        "maya",
        30,
        "minutes",
    )
    assert once["schedule_type"] == "once"
    assert datetime.fromisoformat(once["run_at"]) == datetime(2099, 12, 24, 14, tzinfo=UTC)


def test_add_without_a_terminal_refuses_unless_yes(cli: Cli) -> None:
    result = cli("add", "@alice check deprecated models every weekday at 9am")

    assert result.exit_code == 2
    assert "pass --yes" in result.stderr
    assert json.loads(cli.ok("ls", "--json").stdout) == []


def test_ls_shows_short_ids_and_relative_next_runs(cli: Cli) -> None:
    first = cli.schedule("@alice check deprecated models every weekday at 9am")
    second = cli.schedule("@bob count the incidents every 2 hours")
    cli.ok("disable", first[:8])

    table = cli.ok("ls").stdout
    assert first[:8] in table and second[:8] in table
    assert first[8:] not in table
    assert "@bob" in table and "in 1 h 59 min" in table or "in 2 h" in table
    assert table.index(second[:8]) < table.index(first[:8])  # enabled and soonest first

    assert [i["id"] for i in json.loads(cli.ok("ls", "--disabled", "--json").stdout)] == [first]
    assert [i["id"] for i in json.loads(cli.ok("ls", "--agent", "bob", "--json").stdout)] == [
        second
    ]
    assert [i["id"] for i in json.loads(cli.ok("ls", "-s", "deprecated", "--json").stdout)] == [
        first
    ]


def test_show_accepts_a_prefix_or_key_and_lists_next_runs(cli: Cli) -> None:
    schedule_id = cli.schedule("@alice check models every day at 7am", key="morning")

    card = cli.ok("show", schedule_id[:6]).stdout
    data = json.loads(cli.ok("show", "morning", "--json").stdout)

    assert schedule_id in card and "At 07:00 (UTC)" in card
    assert data["id"] == schedule_id
    assert data["schedule_text"] == "At 07:00 (UTC)"
    assert len(data["next_runs"]) == 5


def test_edit_changes_only_given_fields(cli: Cli) -> None:
    schedule_id = cli.schedule("@alice check models every day at 7am")

    edited = json.loads(cli.ok("edit", schedule_id[:8], "--cron", "30 8 * * 1-5", "--json").stdout)
    assert edited["cron_expression"] == "30 8 * * 1-5"
    assert edited["command_text"] == "@alice check models"

    card = cli.ok("edit", schedule_id[:8], "--text", "@maya check invoices every monday at 10am")
    assert "At 10:00, only on Monday (UTC)" in card.stdout
    data = json.loads(cli.ok("show", schedule_id, "--json").stdout)
    assert (data["agent_id"], data["cron_expression"]) == ("maya", "0 10 * * 1")


def test_enable_disable_and_rm(cli: Cli) -> None:
    schedule_id = cli.schedule("@alice check models every day at 7am")

    assert "disabled" in cli.ok("disable", schedule_id[:8]).stdout
    assert json.loads(cli.ok("show", schedule_id, "--json").stdout)["enabled"] is False
    assert "next run in" in cli.ok("enable", schedule_id[:8]).stdout

    refused = cli("rm", schedule_id[:8])
    assert refused.exit_code == 2 and "pass --yes" in refused.stderr
    assert "deleted" in cli.ok("rm", schedule_id[:8], "--yes").stdout
    assert json.loads(cli.ok("ls", "--json").stdout) == []


def test_run_wait_prints_the_result(cli: Cli) -> None:
    schedule_id = cli.schedule("@alice say hello every day at 7am")

    result = cli.ok("run", schedule_id[:8], "--wait")
    assert "success" in result.stdout
    assert "duration" in result.stdout and "tokens" in result.stdout

    data = json.loads(cli.ok("run", schedule_id[:8], "--wait", "--json").stdout)
    assert data["status"] == "success"
    assert data["attempts"][0]["status"] == "success"


def test_run_wait_exits_1_when_the_run_fails(cli: Cli) -> None:
    schedule_id = cli.schedule("@refused check the model every day at 7am", max_retries=0)

    result = cli("run", schedule_id[:8], "--wait")

    assert result.exit_code == 1
    assert "failed" in result.stdout and "unknown model" in result.stdout


def test_run_without_wait_queues(cli: Cli) -> None:
    schedule_id = cli.schedule("@alice say hello every day at 7am")

    queued = json.loads(cli.ok("run", schedule_id, "--json").stdout)

    assert queued["schedule_id"] == schedule_id
    assert queued["trigger"] == "manual"


def test_history_lists_executions_with_filters(cli: Cli) -> None:
    schedule_id = cli.schedule("@alice say hello every day at 7am")
    assert "no executions yet" in cli.ok("history", schedule_id[:8]).stdout
    cli.ok("run", schedule_id[:8], "--wait")
    cli.ok("run", schedule_id[:8], "--wait")

    table = cli.ok("history", schedule_id[:8]).stdout
    rows = json.loads(cli.ok("history", schedule_id[:8], "--json", "--limit", "1").stdout)
    failed = json.loads(cli.ok("history", schedule_id[:8], "--status", "failed", "--json").stdout)

    assert table.count("success") == 2
    for header in ("STATUS", "SCHEDULED FOR", "DURATION", "TOKENS", "LLM CALLS", "ATTEMPTS"):
        assert header in table
    assert len(rows) == 1 and rows[0]["status"] == "success"
    assert failed == []


def test_status_reports_the_running_engine(cli: Cli) -> None:
    data = json.loads(cli.ok("status", "--json").stdout)
    text = cli.ok("status").stdout

    assert data["engine_running"] is True
    assert len(data["instances"]) >= 1
    assert "running here" in text and "instances" in text


def test_agents_list_and_reload(cli: Cli) -> None:
    handles = [a["handle"] for a in json.loads(cli.ok("agents", "list", "--json").stdout)]
    table = cli.ok("agents", "list").stdout
    refused = cli("agents", "reload")  # an operator action: administrators only
    assert refused.exit_code != 0 and "administrators" in refused.stderr
    with cli.server.services.store.write() as session:
        session.get(User, cli.user.id).is_admin = True  # type: ignore[union-attr]
    reloaded = cli.ok("agents", "reload").stdout

    assert {"alice", "bob", "maya"} <= set(handles)
    assert "@alice" in table and "echo" in table
    assert "agent(s) loaded" in reloaded
