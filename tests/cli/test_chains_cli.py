"""Chains and groups on the command line: `add --after ID --on …`, and export/import
round-tripping chains by key (upstreams created first) and group schedules."""

from __future__ import annotations

import json

import yaml

from tests.cli.helpers import Cli, one_error_line


def test_add_after_makes_a_chain(cli: Cli) -> None:
    upstream = cli.schedule("@alice check models every weekday at 9am", key="models")
    made = json.loads(
        cli.ok(
            "add",
            "@bob summarise {{upstream.summary}}",
            "--after",
            upstream[:8],
            "--on",
            "failure",
            "--yes",
            "--json",
        ).stdout
    )
    assert made["schedule_type"] == "after" and made["after_schedule_id"] == upstream
    assert made["after_on"] == "failure" and made["next_run_at"] is None
    by_key = json.loads(
        cli.ok("add", "@maya review", "--after", "models", "--yes", "--json").stdout
    )
    assert by_key["after_on"] == "success"
    listed = cli.ok("ls").stdout
    assert "After models fails" in listed
    refused = cli("add", "@bob x", "--on", "failure", "--yes")
    assert refused.exit_code != 0 and "--on goes with --after" in one_error_line(refused)
    nowhere = cli("add", "@bob x", "--after", "no-such-key", "--yes")
    assert nowhere.exit_code != 0 and "no-such-key" in one_error_line(nowhere)


def test_export_import_round_trips_chains_by_key(cli: Cli) -> None:
    up = cli.schedule("@alice check models every weekday at 9am", key="models")
    plain = cli.schedule("@bob count incidents every 2 hours")
    cli.ok(
        "add", "@bob summarise", "--after", "models", "--on", "always", "--key", "summary", "--yes"
    )
    cli.ok("add", "@maya tally", "--after", plain, "--yes")
    exported = cli.ok("export").stdout
    entries = {e.get("key") or e["id"]: e for e in yaml.safe_load(exported)["schedules"]}
    assert entries["summary"]["after"] == "models" and entries["summary"]["after_on"] == "always"
    assert "after_schedule_id" not in exported
    path = cli.home / "schedules.yaml"
    # Downstream entries first in the file: import still creates upstreams before them.
    document = yaml.safe_load(exported)
    document["schedules"].reverse()
    path.write_text(yaml.safe_dump(document))
    assert "0 to create, 0 to update, 4 unchanged" in cli.ok("import", str(path)).stdout
    for item in json.loads(cli.ok("ls", "--json").stdout):
        if item["schedule_type"] == "after":
            cli.ok("rm", item["id"], "--yes")
    cli.ok("rm", up, "--yes")
    cli.ok("rm", plain, "--yes")
    applied = cli.ok("import", str(path), "--apply").stdout
    assert "applied: 4 to create" in applied
    items = {i["key"]: i for i in json.loads(cli.ok("ls", "--json").stdout)}
    assert items["summary"]["after_schedule_id"] == items["models"]["id"]
    tally = next(i for i in items.values() if i["command_text"] == "@maya tally")
    assert tally["after_schedule_id"] == items[plain]["id"]  # the upstream got its old id as key
    assert (
        "nothing to do: 0 to create, 0 to update, 4 unchanged" in cli.ok("import", str(path)).stdout
    )
    # A changed outcome is an update.
    document["schedules"] = [
        {**e, "after_on": "failure"} if e.get("key") == "summary" else e
        for e in document["schedules"]
    ]
    path.write_text(yaml.safe_dump(document))
    dry = cli.ok("import", str(path)).stdout
    assert "after_on: always → failure" in dry
    cli.ok("import", str(path), "--apply")
    assert json.loads(cli.ok("show", "summary", "--json").stdout)["after_on"] == "failure"


def test_a_loop_in_the_file_is_refused(cli: Cli) -> None:
    path = cli.home / "loop.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "schedules": [
                    {"key": "a", "command_text": "@bob a", "schedule_type": "after", "after": "b"},
                    {"key": "b", "command_text": "@bob b", "schedule_type": "after", "after": "a"},
                ]
            }
        )
    )
    result = cli("import", str(path))
    assert result.exit_code != 0 and "loop" in one_error_line(result)


def test_group_schedules_and_chains_travel_as_written() -> None:
    """A group schedule is its category in `agent_id`; an unchanged file plans nothing."""
    from agentcron.cli.transfer import exported, plan, stable_labels

    items = [
        {
            "id": "11111111-1111-1111-1111-111111111111",
            "key": "papers",
            "agent_id": "research",
            "command_text": "@research read new papers",
            "schedule_type": "cron",
            "cron_expression": "0 9 * * *",
            "timezone": "UTC",
            "enabled": True,
        },
        {
            "id": "22222222-2222-2222-2222-222222222222",
            "key": None,
            "agent_id": "research",
            "command_text": "@research compare notes",
            "schedule_type": "after",
            "after_schedule_id": "11111111-1111-1111-1111-111111111111",
            "after_on": "always",
            "timezone": "UTC",
            "enabled": True,
        },
    ]
    entries = [exported(i, stable_labels(items)) for i in items]
    assert entries[0]["agent_id"] == "research"
    assert entries[1]["after"] == "papers" and entries[1]["after_on"] == "always"
    assert [c.action for c in plan(entries, items)] == ["unchanged", "unchanged"]
