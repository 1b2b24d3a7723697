"""The sentence form of a chain: "… after <id or key> succeeds / fails / finishes"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agentcron.timing import ScheduleType
from agentcron.timing.language import parse_sentence, to_json

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ending", "after_on"),
    [("succeeds", "success"), ("fails", "failure"), ("finishes", "always"), ("Failed.", "failure")],
)
def test_a_sentence_ending_in_after_names_its_upstream(ending: str, after_on: str) -> None:
    parsed = parse_sentence(f"@bob summarise the results after daily-check {ending}", now=NOW)
    assert parsed.spec.schedule_type is ScheduleType.AFTER
    assert parsed.agent == "bob" and parsed.command == "@bob summarise the results"
    assert parsed.after == "daily-check" and parsed.after_on == after_on
    assert parsed.next_runs == []
    assert to_json(parsed)["after"] == "daily-check"


def test_after_inside_a_command_with_a_time_stays_a_command() -> None:
    parsed = parse_sentence(
        "@alice review what changed after the release every day at 9am", now=NOW
    )
    assert parsed.spec.schedule_type is ScheduleType.CRON and parsed.after is None
    assert "after the release" in parsed.command
