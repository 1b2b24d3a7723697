"""Commands that need no server: parse, agents check, backup, and the help of every command."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from agentcron.cli import app
from tests.cli.helpers import one_error_line
from tests.support.agents import AGENTS_TOML


def run(*args: str, **env: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1", **env})


NOW = "2026-03-02T08:00:00Z"  # a Monday


def test_parse_json_prints_the_schedule() -> None:
    result = run(
        "parse",
        "@alice check deprecated models every weekday at 9am",
        "--now",
        NOW,
        "--tz",
        "Europe/Berlin",
        "--json",
    )

    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {
        "agent",
        "command",
        "schedule_type",
        "cron_expression",
        "interval_value",
        "interval_unit",
        "run_at",
        "anchor",
        "timezone",
        "description",
        "next_runs",
        "notes",
    }
    assert (data["agent"], data["cron_expression"], data["timezone"]) == (
        "alice",
        "0 9 * * 1-5",
        "Europe/Berlin",
    )
    assert data["next_runs"][0] == "2026-03-02T08:00:00+00:00" or data["next_runs"][0] == (
        "2026-03-03T08:00:00+00:00"
    )


def test_parse_says_how_a_zone_word_was_read() -> None:
    result = run("parse", "@bob deploy every friday at 5pm PT", "--now", NOW, "--json")
    text = run("parse", "@bob deploy every friday at 5pm PT", "--now", NOW)

    data = json.loads(result.stdout)
    assert (data["cron_expression"], data["timezone"]) == ("0 17 * * 5", "America/Los_Angeles")
    assert data["notes"] == [
        '"PT" read as Pacific time, America/Los_Angeles (follows daylight saving)'
    ]
    assert "notes" in text.stdout and "follows daylight saving" in text.stdout


def test_parse_shows_where_an_anchored_interval_starts() -> None:
    data = json.loads(
        run("parse", "@bob pay rent every other friday at 5pm", "--now", NOW, "--json").stdout
    )

    assert (data["schedule_type"], data["interval_value"], data["interval_unit"]) == (
        "interval",
        14,
        "days",
    )
    assert data["anchor"] == data["next_runs"][0] == "2026-03-06T17:00:00+00:00"
    assert data["description"] == "Every 2 weeks from Fri 2026-03-06 17:00 (UTC)"


def test_parse_now_fixes_the_reference_instant() -> None:
    result = run("parse", "@bob deploy tomorrow at 3pm", "--now", NOW, "--json")

    assert json.loads(result.stdout)["run_at"] == "2026-03-03T15:00:00+00:00"


def test_parse_refusal_exits_2_with_what_was_understood() -> None:
    result = run("parse", "@alice check models every monday", "--now", NOW, "--json")

    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert set(data) == {"error", "understood"}
    assert data["understood"]["agent"] == "alice"
    assert "e.g." in data["error"]


def test_parse_below_the_minimum_gap_is_refused() -> None:
    result = run("parse", "@alice ping every 2 minutes", "--now", NOW, "--json")

    assert result.exit_code == 2
    assert "5 minutes" in json.loads(result.stdout)["error"]


def test_parse_reads_well_without_json() -> None:
    ok = run("parse", "@alice check models every weekday at 9am", "--now", NOW)
    refused = run("parse", "@alice check models every monday", "--now", NOW)

    assert ok.exit_code == 0
    assert "At 09:00, Monday through Friday (UTC)" in ok.stdout
    assert "cron 0 9 * * 1-5" in ok.stdout
    assert refused.exit_code == 2
    assert one_error_line(refused).startswith("error: not understood:")


def test_agents_check_lists_the_agents(tmp_path: Path) -> None:
    path = tmp_path / "agents.toml"
    path.write_text(AGENTS_TOML)

    table = run("agents", "check", str(path))
    rows = json.loads(run("agents", "check", str(path), "--json").stdout)

    assert table.exit_code == 0 and "@alice" in table.stdout and "no problems" in table.stdout
    assert {"alice", "bob", "maya"} <= {r["handle"] for r in rows}


def test_agents_check_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "agents.toml"
    path.write_text('[agents.alice]\nbackend = "telepathy"\n\n[agents."Bad!"]\nbackend = "echo"\n')

    result = run("agents", "check", str(path))

    assert result.exit_code == 1
    assert "problem(s)" in one_error_line(result)
    assert "telepathy" in result.stdout


def test_agents_check_defaults_to_the_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(AGENTS_TOML)

    result = run("agents", "check", AGENTCRON_AGENTS_FILE=str(path))

    assert result.exit_code == 0 and "@maya" in result.stdout


def test_backup_copies_a_live_sqlite_database(sqlite_url: str, tmp_path: Path) -> None:
    target = tmp_path / "backups" / "copy.db"

    result = run("backup", str(target), "--database-url", sqlite_url)
    again = run("backup", str(target), "--database-url", sqlite_url)

    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(target) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "scheduled_commands", "alembic_version"} <= tables
    assert "exists" in one_error_line(again)
    assert run("backup", str(target), "--database-url", sqlite_url, "--force").exit_code == 0


def test_backup_of_postgres_points_to_pg_dump(tmp_path: Path) -> None:
    result = run("backup", str(tmp_path / "x.db"), "--database-url", "postgresql://db/agentcron")

    assert result.exit_code == 2
    assert "pg_dump" in one_error_line(result)


def _commands(group: Any, prefix: str = "") -> list[str]:
    found: list[str] = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found += _commands(command, f"{prefix}{name} ")
        else:
            found.append(prefix + name)
    return found


@pytest.mark.parametrize("name", _commands(typer.main.get_group(app)))
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = run(*name.split(), "--help")

    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_top_level_help_groups_the_commands() -> None:
    text = run("--help").stdout

    for panel in ("Schedules", "Watch", "Setup & admin"):
        assert panel in text
    for command in ("add", "ls", "run", "history", "tail", "export", "import", "login"):
        assert f" {command} " in text
