"""export → YAML → import: a dry run by default, idempotent by key (else id)."""

from __future__ import annotations

import json

import yaml

from tests.cli.helpers import Cli, one_error_line


def test_export_import_round_trip(cli: Cli) -> None:
    keyed = cli.schedule("@alice check models every weekday at 9am", key="models")
    plain = cli.schedule("@bob count incidents every 2 hours", description="for the standup")
    exported = cli.ok("export").stdout
    document = yaml.safe_load(exported)
    path = cli.home / "schedules.yaml"
    path.write_text(exported)

    entries = {e["id"]: e for e in document["schedules"]}
    assert set(entries) == {keyed, plain}
    assert entries[keyed]["key"] == "models"
    assert entries[plain]["description"] == "for the standup"
    for server_owned in ("next_run_at", "last_run_at", "last_status", "created_at", "updated_at"):
        assert server_owned not in exported

    cli.ok("rm", plain, "--yes")
    dry = cli.ok("import", str(path)).stdout
    assert "1 to create, 0 to update, 1 unchanged" in dry
    assert "dry run" in dry
    assert len(json.loads(cli.ok("ls", "--json").stdout)) == 1

    applied = cli.ok("import", str(path), "--apply").stdout
    assert "applied: 1 to create" in applied
    recreated = {i["command_text"]: i for i in json.loads(cli.ok("ls", "--json").stdout)}
    assert recreated["@bob count incidents"]["description"] == "for the standup"
    assert recreated["@bob count incidents"]["key"] == plain  # so the next import finds it

    again = cli.ok("import", str(path)).stdout
    assert "nothing to do: 0 to create, 0 to update, 2 unchanged" in again


def test_import_shows_and_applies_changed_fields(cli: Cli) -> None:
    cli.schedule("@alice check models every weekday at 9am", key="models")
    path = cli.home / "schedules.yaml"
    document = yaml.safe_load(cli.ok("export").stdout)
    document["schedules"][0].update(cron_expression="30 8 * * 1-5", enabled=False)
    path.write_text(yaml.safe_dump(document))

    dry = cli.ok("import", str(path)).stdout
    assert "update" in dry
    assert "cron_expression: 0 9 * * 1-5 → 30 8 * * 1-5" in dry
    assert "enabled: True → False" in dry

    cli.ok("import", str(path), "--apply")
    [item] = json.loads(cli.ok("ls", "--json").stdout)
    assert (item["cron_expression"], item["enabled"]) == ("30 8 * * 1-5", False)
    assert "0 to create, 0 to update, 1 unchanged" in cli.ok("import", str(path)).stdout


def test_export_to_a_file(cli: Cli) -> None:
    cli.schedule("@alice check models every weekday at 9am")
    target = cli.home / "out.yaml"

    assert "wrote 1 schedule(s)" in cli.ok("export", "-o", str(target)).stdout
    assert yaml.safe_load(target.read_text())["version"] == 1


def test_a_key_added_in_the_file_updates_the_exported_schedule(cli: Cli) -> None:
    schedule_id = cli.schedule("@alice check models every weekday at 9am")
    document = yaml.safe_load(cli.ok("export").stdout)
    document["schedules"][0]["key"] = "models"
    path = cli.home / "schedules.yaml"
    path.write_text(yaml.safe_dump(document))

    dry = cli.ok("import", str(path)).stdout
    cli.ok("import", str(path), "--apply")

    assert "key: — → models" in dry
    [item] = json.loads(cli.ok("ls", "--json").stdout)
    assert (item["id"], item["key"]) == (schedule_id, "models")


def _bomb(levels: int, width: int = 10) -> str:
    """Each level repeats the one below `width` times: `width ** levels` strings in all."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + f"\nschedules:\n  - key: bomb\n    command_text: *l{levels - 1}\n"


def test_import_refuses_an_alias_bomb_before_building_it(cli: Cli) -> None:
    path = cli.home / "bomb.yaml"
    path.write_text(_bomb(6))  # a million strings from 1 KiB; nine levels would be a billion

    line = one_error_line(cli("import", str(path)))

    assert "expands to more than 100,000 values through its aliases" in line


def test_import_refuses_too_many_aliases_and_a_loop(cli: Cli) -> None:
    many = cli.home / "many.yaml"
    many.write_text(
        "x: &x one\nschedules:\n  - key: many\n    command_text: ["
        + ", ".join(["*x"] * 150)
        + "]\n"
    )
    loop = cli.home / "loop.yaml"
    loop.write_text("schedules:\n  - key: loop\n    command_text: &me [*me]\n")

    assert "has more than 100 aliases" in one_error_line(cli("import", str(many)))
    assert "alias inside the value it names" in one_error_line(cli("import", str(loop)))


def test_import_refuses_a_file_over_a_mebibyte_without_reading_it_all(cli: Cli) -> None:
    path = cli.home / "huge.yaml"
    path.write_text("# padding\n" * 110_000 + "schedules: []\n")

    line = one_error_line(cli("import", str(path)))

    assert "is larger than 1,048,576 bytes" in line


def test_anchors_for_shared_settings_still_import(cli: Cli) -> None:
    path = cli.home / "shared.yaml"
    path.write_text(
        "defaults: &defaults {agent_id: alice, schedule_type: cron, timezone: UTC}\n"
        "schedules:\n"
        "  - {<<: *defaults, key: a, command_text: check a, cron_expression: '0 9 * * *'}\n"
        "  - {<<: *defaults, key: b, command_text: check b, cron_expression: '0 10 * * *'}\n"
    )

    assert "2 to create" in cli.ok("import", str(path)).stdout


def test_notify_and_auto_pause_travel_and_compare_by_meaning(cli: Cli) -> None:
    quiet = cli.schedule("@alice check models every weekday at 9am", key="quiet")
    cli.schedule("@bob count incidents every 2 hours", key="narrow")
    _patch(cli, quiet, {"notify": None, "auto_pause_after": 0})
    narrow_id = json.loads(cli.ok("ls", "--json").stdout)
    narrow = next(i for i in narrow_id if i["key"] == "narrow")
    _patch(cli, narrow["id"], {"notify": {"on": ["success", "failure"]}, "auto_pause_after": 7})

    document = yaml.safe_load(cli.ok("export").stdout)
    entries = {e["key"]: e for e in document["schedules"]}
    assert entries["quiet"]["notify"] is None and entries["quiet"]["auto_pause_after"] == 0
    assert entries["narrow"]["notify"] == {"on": ["failure", "success"]}
    assert entries["narrow"]["auto_pause_after"] == 7
    path = cli.home / "schedules.yaml"
    path.write_text(yaml.safe_dump(document))
    assert "0 to create, 0 to update, 2 unchanged" in cli.ok("import", str(path)).stdout

    # The file says: follow my channels again, and never pause; the import makes it so.
    entries["quiet"]["notify"] = {}
    entries["narrow"]["auto_pause_after"] = 0
    path.write_text(yaml.safe_dump(document))
    dry = cli.ok("import", str(path)).stdout
    assert "notify: silence → your channels" in dry
    assert "auto_pause_after: 7 → 0" in dry
    cli.ok("import", str(path), "--apply")
    after = {i["key"]: i for i in json.loads(cli.ok("ls", "--json").stdout)}
    assert after["quiet"]["notify"] == {"channels": None, "on": None}
    assert after["narrow"]["auto_pause_after"] == 0
    assert "2 unchanged" in cli.ok("import", str(path)).stdout

    # Into an empty account: the silence and the numbers come along.
    for item in after.values():
        cli.ok("rm", item["id"], "--yes")
    cli.ok("import", str(path), "--apply")
    again = {i["key"]: i for i in json.loads(cli.ok("ls", "--json").stdout)}
    assert again["narrow"]["notify"] == {"channels": None, "on": ["failure", "success"]}
    assert again["quiet"]["auto_pause_after"] == 0


def _patch(cli: Cli, schedule_id: str, body: dict[str, object]) -> None:
    import httpx

    response = httpx.patch(
        f"{cli.server.url}/api/scheduled-commands/{schedule_id}",
        json=body,
        headers={"Authorization": f"Bearer {cli.token}"},
        trust_env=False,
    )
    assert response.status_code == 200, response.text
