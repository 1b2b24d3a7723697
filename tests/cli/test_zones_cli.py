"""Time zones in the CLI: `agentcron me` and `me set-timezone`; new schedules default to the
user's zone; every time shown carries its zone, and the viewer's beside when it differs."""

from __future__ import annotations

import json

from tests.cli.helpers import Cli, one_error_line


def test_me_shows_the_account_and_its_zone(cli: Cli) -> None:
    shown = cli.ok("me")
    data = json.loads(cli.ok("me", "--json").stdout)

    assert data["name"] == cli.user.name and data["timezone"] == "UTC"
    assert cli.user.name in shown.stdout and "UTC" in shown.stdout
    assert "minimum gap" in shown.stdout


def test_set_timezone_changes_the_default_of_new_schedules(cli: Cli) -> None:
    changed = cli.ok("me", "set-timezone", "Europe/Berlin")
    added = json.loads(
        cli.ok("add", "@alice check the logs every weekday at 9am", "--yes", "--json").stdout
    )

    assert "time zone set to Europe/Berlin" in changed.stdout
    assert json.loads(cli.ok("me", "--json").stdout)["timezone_chosen"] is True
    assert added["timezone"] == "Europe/Berlin"
    assert added["cron_expression"] == "0 9 * * 1-5"


def test_a_misspelt_zone_is_one_line_with_the_close_zone(cli: Cli) -> None:
    line = one_error_line(cli("me", "set-timezone", "Europe/Berln"))

    assert "timezone" in line and "did you mean Europe/Berlin" in line
    assert json.loads(cli.ok("me", "--json").stdout)["timezone"] == "UTC"


def test_add_shows_next_runs_in_the_schedules_zone_and_yours(cli: Cli) -> None:
    cli.ok("me", "set-timezone", "America/New_York")

    result = cli.ok("add", "@bob deploy every friday at 5pm in Europe/Berlin", "--yes")

    runs = [line for line in result.stdout.splitlines() if "(in " in line]
    assert len(runs) == 5
    # 17:00 in Berlin is 11:00 in New York, except in the weeks their DST rules differ.
    assert all(" CE" in line and " E" in line.split(" = ")[1] for line in runs), runs
    assert any("17:00 CET = " in line or "17:00 CEST = " in line for line in runs), runs


def test_show_gives_the_viewers_zone_beside_the_schedules(cli: Cli) -> None:
    sid = cli.schedule("@alice check the logs every day at noon", timezone="Asia/Tokyo")

    cli.ok("me", "set-timezone", "Asia/Tokyo")
    same = cli.ok("show", sid[:8]).stdout
    cli.ok("me", "set-timezone", "Europe/London")
    other = cli.ok("show", sid[:8]).stdout

    assert "12:00 JST (in" in same and " = " not in same
    assert "12:00 JST = " in other
    assert "03:00 GMT (in" in other or "04:00 BST (in" in other


def test_a_sentence_naming_a_zone_word_shows_how_it_was_read(cli: Cli) -> None:
    result = cli.ok("add", "@bob deploy every friday at 5pm PT", "--yes")

    assert "notes" in result.stdout and "America/Los_Angeles" in result.stdout
