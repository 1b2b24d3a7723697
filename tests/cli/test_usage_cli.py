"""`agentcron usage` and `agentcron budgets` against the session's real server: the same
table as `/api/usage`, as Rich and as JSON, and one-line errors."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from agentcron.service.schedules import ScheduleDraft, ScheduleService
from agentcron.store.tables import Execution
from tests.cli.helpers import Cli, one_error_line

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def seed(cli: Cli) -> uuid.UUID:
    view = ScheduleService(cli.server.services).create(
        cli.user,
        ScheduleDraft(
            command_text="@alice tally things", schedule_type="cron", cron_expression="0 9 * * *"
        ),
    )
    with cli.server.services.store.write() as session:
        for i, (tokens, cost, status) in enumerate([(100, 0.25, "success"), (50, None, "failed")]):
            session.add(
                Execution(
                    id=uuid.uuid4(),
                    schedule_id=view.row.id,
                    user_id=cli.user.id,
                    agent_id="alice",
                    scheduled_for=AT.replace(hour=9 + i),
                    created_at=AT,
                    status=status,
                    attempt=1,
                    tokens_used=tokens,
                    input_tokens=tokens,
                    output_tokens=0,
                    llm_calls=1,
                    cost_usd=cost,
                    duration_ms=1500,
                    model="m",
                )
            )
    return view.row.id


def test_usage_prints_the_table_and_json(cli: Cli) -> None:
    seed(cli)
    shown = cli.ok("usage", "--from", "2026-03-01", "--to", "2026-03-01", "--group-by", "agent")
    assert "usage from 2026-03-01 to 2026-03-01" in shown.stdout
    assert (
        "@alice" in shown.stdout
        and "150" in shown.stdout
        and "0.2500 (+1 unpriced)" in shown.stdout
    )
    assert "50%" in shown.stdout and "total" in shown.stdout
    body = json.loads(
        cli.ok(
            "usage", "--from", "2026-03-01", "--to", "2026-03-01", "-g", "schedule", "--json"
        ).stdout
    )
    [row] = body["rows"]
    assert row["label"] == "@alice tally things" and row["total_tokens"] == 150
    assert row["runs_without_cost"] == 1 and row["duration_p50_ms"] == 1500
    empty = cli.ok("usage", "--from", "2026-02-01", "--to", "2026-02-02")
    assert "no runs in this range" in empty.stdout


def test_usage_bad_input_is_one_line(cli: Cli) -> None:
    result = cli("usage", "--group-by", "week")
    assert result.exit_code != 0 and "group_by" in one_error_line(result)
    result = cli("usage", "--from", "soon")
    assert result.exit_code != 0 and "from" in one_error_line(result)


def test_budgets_add_list_and_remove(cli: Cli) -> None:
    sid = seed(cli)
    added = cli.ok(
        "budgets", "add", "--period", "month", "--max-tokens", "5000", "--schedule", str(sid)[:8]
    )
    assert "added budget" in added.stdout and "5,000 tokens" in added.stdout
    [row] = json.loads(cli.ok("budgets", "ls", "--json").stdout)
    assert row["scope"] == "schedule" and row["schedule_id"] == str(sid)
    assert "month" in cli.ok("budgets", "ls").stdout
    bad = cli("budgets", "add", "--period", "week", "--max-tokens", "5")
    assert bad.exit_code != 0 and "period" in one_error_line(bad)
    assert "removed budget" in cli.ok("budgets", "rm", row["id"][:8]).stdout
    assert "no budgets yet" in cli.ok("budgets", "ls").stdout
