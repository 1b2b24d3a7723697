"""Organising from the CLI: tags on add/ls/export, and bulk actions by filter or ids."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.cli.helpers import Cli


def _add(cli: Cli, command: str, *tags: str) -> str:
    args = [arg for tag in tags for arg in ("--tag", tag)]
    created = cli.ok("add", command, "--cron", "0 9 * * *", *args, "--yes", "--json").stdout
    return str(json.loads(created)["id"])


def test_tags_on_add_ls_and_export(cli: Cli) -> None:
    a = _add(cli, "@alice check billing", "ops", "weekly")
    _add(cli, "@bob check search", "ops")
    listed = json.loads(cli.ok("ls", "--tag", "ops", "--tag", "weekly", "--json").stdout)
    assert [i["id"] for i in listed] == [a] and listed[0]["tags"] == ["ops", "weekly"]
    by_agent = json.loads(cli.ok("ls", "--sort", "-agent", "--json").stdout)
    assert [i["agent_id"] for i in by_agent] == ["bob", "alice"]
    refused = cli("ls", "--sort", "colour")
    assert refused.exit_code == 1 and "sort" in refused.stderr
    exported = cli.ok("export", "--tag", "weekly").stdout
    assert "tags:\n  - ops\n  - weekly" in exported and "check search" not in exported


def test_bulk_disable_by_tag_and_by_ids(cli: Cli) -> None:
    a = _add(cli, "@alice a", "ops")
    b = _add(cli, "@alice b", "ops")
    c = _add(cli, "@alice c")
    result = cli.ok("bulk", "disable", "--tag", "ops", "--yes")
    assert "disabled 2 of 2" in result.stdout
    states = {i["id"]: i["enabled"] for i in json.loads(cli.ok("ls", "--json").stdout)}
    assert states == {a: False, b: False, c: True}
    mixed = cli("bulk", "enable", a[:8], "ffffffff-0000-0000-0000-000000000000", "--yes")
    assert mixed.exit_code == 1
    assert "enabled 1 of 2, 1 not" in mixed.stdout
    assert "no schedule ffffffff-0000-0000-0000-000000000000" in mixed.stderr
    tagged = json.loads(cli.ok("bulk", "tag", c, "--name", "weekly", "--yes", "--json").stdout)
    assert tagged["applied"] == 1
    refused = cli("bulk", "disable", "--yes")
    assert refused.exit_code == 2 and "give ids, or filters" in refused.stderr


def test_backfill_previews_then_queues_once(cli: Cli) -> None:
    sid = _add(cli, "@alice a")
    window = ("--from", "2026-01-01T00:00Z", "--to", "2026-01-03T12:00Z")
    preview = cli.ok("backfill", sid[:8], *window, "--dry-run")
    assert "3 slot(s) without an execution" in preview.stdout
    assert "2026-01-01T09:00:00Z" in preview.stdout
    queued = cli.ok("backfill", sid[:8], *window, "--yes")
    assert "queued 3 slot(s)" in queued.stdout
    again = json.loads(cli.ok("backfill", sid[:8], *window, "--yes", "--json").stdout)
    assert (again["created"], again["existing"]) == (0, 3)
    refused = cli("backfill", sid[:8], "--from", "2026-01-01", "--to", "2999-01-01", "--yes")
    assert refused.exit_code == 1 and "to" in refused.stderr


def test_templates_and_presets(cli: Cli) -> None:
    cli.ok("templates", "add", "health", "@alice check {service} health", "--preset", "daily-9")
    listed = cli.ok("templates", "ls").stdout
    assert "health" in listed and "{service}" in listed and "weekdays-9" in listed
    created = json.loads(
        cli.ok("templates", "use", "health", "--set", "service=billing", "--json").stdout
    )
    assert created["command_text"] == "@alice check billing health"
    assert created["cron_expression"] == "0 9 * * *"
    missing = cli("templates", "use", "health")
    assert missing.exit_code == 1 and "values.service" in missing.stderr
    by_preset = json.loads(
        cli.ok("add", "@bob tidy", "--preset", "every-15-minutes", "--yes", "--json").stdout
    )
    assert (by_preset["interval_value"], by_preset["interval_unit"]) == (15, "minutes")
    cli.ok("templates", "rm", "health")
    assert "no templates yet" in cli.ok("templates", "ls").stdout


def test_disable_with_a_note_until_a_time(cli: Cli) -> None:
    sid = _add(cli, "@alice a")
    until = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    result = cli.ok("disable", sid[:8], "--note", "vendor", "--until", until)
    assert "disabled" in result.stdout and "resumes by itself in 29 d" in result.stdout
    shown = json.loads(cli.ok("show", sid, "--json").stdout)
    assert (shown["enabled"], shown["paused_note"]) == (False, "vendor")
    assert shown["paused_until"].startswith(until)
    refused = cli("disable", sid[:8], "--until", "2099-01-01T09:00")
    assert refused.exit_code == 1 and "more than five years away" in refused.stderr
