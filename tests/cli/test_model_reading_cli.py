"""`agentcron add` and `edit` against a server whose parser falls back on a model (a fake
OpenAI-compatible server on 127.0.0.1): the model's reading is shown with the grammar's
refusal and created only with --accept-model-reading (or a yes typed at a terminal); --yes
alone never creates it."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentcron.app import create_app
from agentcron.config import Settings
from agentcron.service.users import UserService
from tests.agents.conftest import LoopbackServer
from tests.cli.helpers import Cli, Server, one_error_line
from tests.support.agents import AGENTS_TOML
from tests.support.live import LiveServer
from tests.support.parser_model import MODEL, agents_toml, answering, reading

VAGUE = "@alice check the logs on mondays, give or take, around nine"


@pytest.fixture(scope="module")
def model() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.answer = answering(reading(command="@alice check the logs"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def parsing_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory, model: LoopbackServer
) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("parsing-server")
    database = home / "agentcron.db"
    shutil.copyfile(sqlite_template, database)
    agents = home / "agents.toml"
    agents.write_text(AGENTS_TOML + "\n" + agents_toml(model.url))
    settings = Settings(
        database_url=f"sqlite:///{database}",
        agents_file=agents,
        data_dir=home,
        parser_agent="parser",
        write_rate_per_minute=10_000,
        auth_failures_per_minute=10_000,
    )
    with LiveServer(create_app(settings, run_engine=False)) as live:
        yield Server(live, live.url, settings.database_url, settings.agents_file)


@pytest.fixture
def user(parsing_server: Server, tmp_path: Path) -> Cli:
    users = UserService(parsing_server.services)
    who = users.create(f"u{uuid.uuid4().hex[:12]}")
    return Cli(parsing_server, who, users.issue_token(who, "test").token, tmp_path)


def _schedules(user: Cli) -> list[dict[str, object]]:
    return list(json.loads(user.ok("ls", "--json").stdout))


def test_yes_alone_does_not_create_a_models_reading(user: Cli) -> None:
    result = user("add", VAGUE, "--yes")

    assert f"interpreted by  {MODEL} (a model)" in result.stdout
    assert "grammar said" in result.stdout and '"on mondays" needs a time of day' in result.stdout
    assert "At 09:00, only on Monday (UTC)" in result.stdout
    assert "--accept-model-reading" in one_error_line(result)
    assert result.exit_code == 2
    assert _schedules(user) == []


def test_accept_model_reading_creates_what_was_shown(user: Cli) -> None:
    result = user.ok("add", VAGUE, "--accept-model-reading")

    assert "created " in result.stdout
    [item] = _schedules(user)
    assert (item["cron_expression"], item["agent_id"], item["command_text"]) == (
        "0 9 * * 1",
        "alice",
        "@alice check the logs",
    )


def test_edit_by_a_sentence_only_a_model_reads_needs_acceptance(user: Cli) -> None:
    sid = user.schedule("@alice check the logs every day at noon")

    refused = user("edit", sid[:8], "--text", VAGUE)
    unchanged = json.loads(user.ok("show", sid[:8], "--json").stdout)
    accepted = json.loads(
        user.ok("edit", sid[:8], "--text", VAGUE, "--accept-model-reading", "--json").stdout
    )

    assert "--accept-model-reading" in one_error_line(refused)
    assert unchanged["cron_expression"] == "0 12 * * *"
    assert accepted["cron_expression"] == "0 9 * * 1"


def test_a_sentence_the_grammar_reads_is_never_sent_to_the_model(
    user: Cli, model: LoopbackServer
) -> None:
    before = len(model.received)

    result = user.ok("add", "@alice check the logs every monday at 9am", "--yes")

    assert "interpreted by" not in result.stdout
    assert len(model.received) == before
