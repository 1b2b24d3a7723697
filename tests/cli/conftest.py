"""One real agentcron server for the CLI suite, and a signed-in user per test.

The server (API and engine, real clock) runs for the whole session on a private SQLite
copy; each test gets a user of its own with a fresh token, so tests see only their own
schedules and events, exactly as two people sharing a server would. Commands run through
the real Typer app (CliRunner, in-process) or the installed `agentcron` script.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentcron.app import create_app
from agentcron.config import Settings
from agentcron.service.users import UserService
from tests.cli.helpers import Cli, Server
from tests.support.live import LiveServer, free_port
from tests.support.world import write_agents


@pytest.fixture(scope="session")
def server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("server")
    database = home / "agentcron.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(
        database_url=f"sqlite:///{database}",
        agents_file=write_agents(home),
        data_dir=home,
        write_rate_per_minute=10_000,
        auth_failures_per_minute=10_000,
        notify_allow_private=True,  # the channels tests' receivers listen on 127.0.0.1
    )
    with LiveServer(create_app(settings, run_engine=True)) as live:
        yield Server(live, live.url, settings.database_url, settings.agents_file)


@pytest.fixture
def cli(server: Server, tmp_path: Path) -> Cli:
    users = UserService(server.services)
    user = users.create(f"u{uuid.uuid4().hex[:12]}", "UTC")
    return Cli(server, user, users.issue_token(user, "test").token, tmp_path)


@pytest.fixture
def nowhere() -> str:
    """A loopback URL nothing listens on."""
    return f"http://127.0.0.1:{free_port()}"
