"""Text from people and agents is printed inert: an escape sequence in a command or an
agent's reply cannot retitle, recolour or clear the reader's terminal, and Rich markup or
emoji codes in it are shown as typed."""

from __future__ import annotations

import json

import pytest
from typer.testing import Result

from agentcron.cli.watch import event_line
from agentcron.service import ScheduleDraft, ScheduleService
from tests.cli.helpers import Cli, one_error_line

# OSC retitle + BEL, clear screen, an 8-bit CSI, markup, an emoji code and backspaces.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31mred [bold red]loud[/] :warning: ok\x08\x08"
SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J\\x9b31mred [bold red]loud[/] :warning: ok\\x08\\x08"
CONTROLS = ("\x1b", "\x07", "\x9b", "\x08")


def assert_inert(output: str) -> None:
    for control in CONTROLS:
        assert control not in output, repr(output)
    assert SHOWN in output  # shown, not obeyed
    assert "⚠" not in output


@pytest.fixture
def hostile(cli: Cli) -> str:
    """A schedule whose command and description carry the hostile text (the echo agent
    repeats the command, so its summary carries it too)."""
    view = ScheduleService(cli.server.services).create(
        cli.user,
        ScheduleDraft(
            command_text=f"@alice {HOSTILE}",
            description=HOSTILE,
            key="hostile",
            schedule_type="cron",
            cron_expression="0 7 * * *",
        ),
    )
    return str(view.row.id)


def test_ls_show_run_and_history_print_hostile_text_inert(cli: Cli, hostile: str) -> None:
    outputs: list[Result] = [
        cli.ok("ls"),
        cli.ok("show", hostile[:8]),
        cli.ok("run", hostile[:8], "--wait"),
        cli.ok("history", hostile[:8]),
    ]

    for result in outputs:
        assert_inert(result.stdout)


def test_json_output_escapes_every_control_character(cli: Cli, hostile: str) -> None:
    raw = cli.ok("show", hostile[:8], "--json").stdout

    for control in CONTROLS:
        assert control not in raw
    assert json.loads(raw)["description"] == HOSTILE


def test_an_error_quoting_hostile_text_is_one_inert_line(cli: Cli) -> None:
    line = one_error_line(cli("show", HOSTILE))

    assert_inert(line)


def test_tail_lines_are_inert() -> None:
    line = event_line("execution.finished", {"status": "failed", "error": HOSTILE})

    for control in CONTROLS:
        assert control not in line
    assert "error=\\x1b]0;pwned" in line
