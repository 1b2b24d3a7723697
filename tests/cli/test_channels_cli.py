"""`agentcron channels add|ls|test|rm` against the session's real server, whose engine runs:
a failing schedule's notification reaches a real receiver on 127.0.0.1, signed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from agentcron.agents.signing import verify
from agentcron.service.schedules import ScheduleDraft, ScheduleService
from tests.agents.conftest import LoopbackServer
from tests.cli.helpers import Cli, one_error_line
from tests.support import agents
from tests.support.processes import wait_for


@pytest.fixture
def receiver() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.start()
    yield server
    server.stop()


def test_add_list_test_and_remove_a_webhook(cli: Cli, receiver: LoopbackServer) -> None:
    added = cli.ok("channels", "add", "ops", f"{receiver.url}/hook", "--on", "failure,recovery")
    assert "added channel ops" in added.stdout and "for failure, recovery" in added.stdout
    secret = added.stdout.split("signing secret (shown once): ")[1].split()[0]
    assert secret.startswith("whsec_")

    listed = cli.ok("channels", "ls")
    assert "ops" in listed.stdout and "webhook" in listed.stdout and secret not in listed.stdout
    [row] = json.loads(cli.ok("channels", "ls", "--json").stdout)
    assert row["on"] == ["failure", "recovery"] and row["url"] == f"{receiver.url}/***"

    assert "sent a test to ops" in cli.ok("channels", "test", "ops").stdout
    (request,) = receiver.received
    assert verify(secret, request.headers, request.body, now=datetime.now(UTC))

    receiver.respond(410, "gone")
    failed = cli("channels", "test", row["id"][:8])
    assert failed.exit_code == 1
    assert one_error_line(failed) == "error: ops: answered HTTP 410: gone"

    assert "removed channel ops" in cli.ok("channels", "rm", "ops").stdout
    assert "no channels yet" in cli.ok("channels", "ls").stdout
    assert one_error_line(cli("channels", "rm", "ops")).startswith("error: no channel named ops")


def test_a_bad_url_is_one_line_naming_the_field(cli: Cli) -> None:
    result = cli("channels", "add", "x", "notaservice://nothing")
    assert result.exit_code != 0
    assert "url" in one_error_line(result) and "apprise" in one_error_line(result)


def test_a_failing_schedule_notifies_through_the_running_engine(
    cli: Cli, receiver: LoopbackServer
) -> None:
    agents.FAILING.set()
    try:
        cli.ok("channels", "add", "ops", f"{receiver.url}/hook", "--on", "failure")
        view = ScheduleService(cli.server.services).create(
            cli.user,
            ScheduleDraft(
                command_text="@switch check the status page",
                schedule_type="cron",
                cron_expression="0 9 * * *",
                max_retries=0,
            ),
        )
        cli.ok("run", str(view.row.id)[:8])
        wait_for(lambda: len(receiver.received) >= 1, 20, "the failure notification")
        body = receiver.received[0].json()
        assert body["event"] == "failure" and body["schedule"]["id"] == str(view.row.id)
        # The sender settles the row after the receiver answered: the channel says so.
        wait_for(
            lambda: json.loads(cli.ok("channels", "ls", "--json").stdout)[0]["last_sent_at"],
            20,
            "the delivery to be recorded",
        )
    finally:
        agents.FAILING.clear()
