"""Every way a client command can fail ends with one line on stderr and a non-zero exit."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.cli.helpers import Cli, one_error_line


def test_bad_token_says_not_signed_in(cli: Cli) -> None:
    line = one_error_line(cli("ls", AGENTCRON_TOKEN="acr_not-a-real-token"))

    assert "not signed in" in line and "agentcron login" in line


def test_missing_token_says_not_signed_in(cli: Cli) -> None:
    line = one_error_line(cli("ls", AGENTCRON_TOKEN=None))

    assert line == "error: not signed in: run `agentcron login` or set AGENTCRON_TOKEN"


def test_server_down_says_so(cli: Cli, nowhere: str) -> None:
    line = one_error_line(cli("ls", AGENTCRON_URL=nowhere))

    assert line == f"error: cannot reach agentcron at {nowhere}: is `agentcron serve` running?"


@pytest.mark.parametrize("ident", ["ffffffff", str(uuid.UUID(int=7)), "no-such-key"])
def test_unknown_id(cli: Cli, ident: str) -> None:
    line = one_error_line(cli("show", ident))

    assert "no schedule" in line


def test_ambiguous_prefix_names_the_count(cli: Cli) -> None:
    ids: list[str] = []
    while True:  # 17 ids always share a first hex digit; usually far fewer do
        ids.append(cli.schedule("@alice check models every day at 7am"))
        firsts = [i[0] for i in ids]
        shared = next((c for c in firsts if firsts.count(c) > 1), None)
        if shared:
            break

    line = one_error_line(cli("show", shared))

    assert f"'{shared}' matches 2 schedules" in line


def test_bad_cron_names_the_field_and_the_fix(cli: Cli) -> None:
    line = one_error_line(cli("add", "@alice check", "--cron", "*/2 * * * *", "--yes"))

    assert "cron_expression" in line
    assert " — " in line


def test_unknown_agent_suggests_one(cli: Cli) -> None:
    line = one_error_line(cli("add", "@alcie check models every day at 7am", "--yes"))

    assert "no agent @alcie" in line and "@alice" in line


def test_sentence_not_understood(cli: Cli) -> None:
    line = one_error_line(cli("add", "@alice check models every monday", "--yes"))

    assert "text:" in line


def test_bad_flags_are_usage_errors(cli: Cli) -> None:
    every = cli("add", "@alice check", "--every", "5x", "--yes")
    both = cli("add", "@alice check", "--every", "5m", "--cron", "0 9 * * *", "--yes")
    nothing = cli("edit", "abc")

    for result in (every, both, nothing):
        one_error_line(result)
        assert result.exit_code == 2


def test_import_of_a_broken_file(cli: Cli) -> None:
    bad = cli.home / "bad.yaml"
    bad.write_text("schedules:\n  - command_text: x\n    colour: red\n")

    line = one_error_line(cli("import", str(bad)))

    assert "unknown field(s) colour" in line


def test_json_errors_are_one_line_too(cli: Cli) -> None:
    result = cli("show", "ffffffff", "--json")

    one_error_line(result)
    assert result.stdout == ""
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stderr)


def test_a_command_without_an_agent_is_refused_before_asking(cli: Cli) -> None:
    line = one_error_line(cli("add", "check models every day at 7am"))

    assert "no agent given" in line and "@alice" in line
