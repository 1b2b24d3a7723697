"""A newcomer's set-up: `make run PORT=…` in a fresh checkout, admin commands that find the
server's database wherever they run, one-line answers when there is no database yet, a
migrate that says what it did, fresh sign-in links, and `login` finding the local server."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from agentcron.cli.local import browser_url
from agentcron.store.database import Store
from tests.cli.helpers import Cli, Server, one_error_line
from tests.support.agents import AGENTS_TOML
from tests.support.live import free_port
from tests.support.processes import AGENTCRON, ROOT, wait_for


def _project(root: Path) -> Path:
    """A directory set up as an agentcron project: an agents file, nothing else."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "agents.toml").write_text(AGENTS_TOML)
    return root


def _agentcron(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed script in a real process, with no AGENTCRON_ setting but `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCRON_")}
    clean.update(PYTHONPATH=str(ROOT), COLUMNS="200", NO_COLOR="1", **env)
    return subprocess.run(
        [AGENTCRON, *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=60
    )


def test_admin_commands_find_the_projects_database_from_another_directory(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path / "project")
    deeper = project / "notes" / "today"
    deeper.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    migrated = _agentcron("migrate", cwd=project)
    created = _agentcron("users", "create", "ann", cwd=deeper)
    listed = _agentcron("users", "list", cwd=elsewhere, AGENTCRON_HOME=str(project))

    assert migrated.returncode == 0, migrated.stderr
    assert created.returncode == 0, created.stderr
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split()[0] == "ann"
    assert (project / "data" / "agentcron.db").exists()
    assert not (deeper / "data").exists() and not (elsewhere / "data").exists()


def test_admin_commands_without_a_database_say_run_migrate_and_create_nothing(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path / "project")

    missing = _agentcron("users", "list", cwd=project)
    tokens = _agentcron("tokens", "create", "admin", cwd=project)
    serve = _agentcron("serve", "--port", str(free_port()), cwd=project)

    for result in (missing, tokens, serve):
        line = one_error_line(result)
        assert "run `agentcron migrate`" in line, line
        assert "Traceback" not in result.stderr
    assert f"no database at {project / 'data' / 'agentcron.db'}" in one_error_line(missing)
    assert not (project / "data" / "agentcron.db").exists()

    empty = project / "data" / "empty.db"
    empty.parent.mkdir()
    sqlite3.connect(empty).close()  # a file, but no tables
    no_tables = _agentcron(
        "users", "list", cwd=project, AGENTCRON_DATABASE_URL=f"sqlite:///{empty}"
    )
    assert "has no tables yet; run `agentcron migrate`" in one_error_line(no_tables)


def test_migrate_says_what_it_did_in_plain_words(tmp_path: Path, cli: Cli) -> None:
    database = tmp_path / "fresh.db"
    url = f"sqlite:///{database}"
    older = tmp_path / "older.db"
    store = Store(f"sqlite:///{older}")
    store.migrate("0001")
    store.dispose()

    created = cli.ok("migrate", "--database-url", url).stdout
    again = cli.ok("migrate", "--database-url", url).stdout
    upgraded = cli.ok("migrate", "--database-url", f"sqlite:///{older}").stdout

    assert created.startswith(f"Created the database {database} (schema ")
    assert "is up to date" in again and "nothing to do" in again
    assert upgraded.startswith(f"Upgraded the database {older} from schema 0001 to ")


def test_login_link_prints_a_fresh_link_that_signs_in(cli: Cli, server: Server) -> None:
    admin = {"AGENTCRON_DATABASE_URL": server.database_url}
    name = cli.user.name

    printed = cli.ok("users", "login-link", name, "--url", server.url, **admin).stdout
    link = printed.strip().splitlines()[-1]
    unknown = cli("users", "login-link", "nobody-here", **admin)

    assert "works once, for 15 min" in printed
    assert link.startswith(f"{server.url}/login/link?token=")
    with httpx.Client(trust_env=False) as browser:
        first = browser.get(link)
        second = browser.get(link)
    assert first.status_code == 303 and first.headers["location"] == "/"
    assert second.status_code == 400  # once only
    assert "nobody-here" in one_error_line(unknown)


def test_login_defaults_to_the_server_on_this_machine(cli: Cli, server: Server) -> None:
    signed_out: dict[str, str | None] = {"AGENTCRON_URL": None, "AGENTCRON_TOKEN": None}

    result = cli.ok("login", "--token", cli.token, AGENTCRON_PUBLIC_URL=server.url, **signed_out)

    assert f"signed in to {server.url} as {cli.user.name}" in " ".join(result.stdout.split())


def test_a_server_listening_everywhere_prints_a_link_a_browser_can_open() -> None:
    assert browser_url("0.0.0.0", 8123) == "http://127.0.0.1:8123"  # noqa: S104
    assert browser_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert browser_url("::", 9000) == "http://[::1]:9000"


def _fresh_checkout(target: Path) -> Path:
    """The repository's tracked files, as a clone has them, with the test run's own
    environment standing in for `.venv` (installing one needs the package index)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: cannot make a fresh copy of the repository")
    for name in listed.stdout.decode().split("\0"):
        source = ROOT / name
        if name and source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    bin_dir = target / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    (bin_dir / "agentcron").symlink_to(AGENTCRON)
    (target / ".venv" / ".installed").touch()  # newer than pyproject.toml: nothing to install
    return target


def test_make_run_serves_on_the_port_and_host_it_is_given(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    checkout = _fresh_checkout(tmp_path / "agentcron")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCRON_")}
    env.update(PYTHONPATH=str(ROOT), AGENTCRON_CONFIG=str(tmp_path / "config.toml"))
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        make = subprocess.Popen(
            ["make", "run", f"PORT={port}", "HOST=127.0.0.1"],
            cwd=checkout,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: _healthy(port) or make.poll() is not None, 60, "make run to serve")
        assert make.poll() is None, log.read_text()
        printed = log.read_text()
        assert "Created the database" in printed, printed
        assert f"http://127.0.0.1:{port}/login/link?token=" in printed
        assert (checkout / "data" / "agentcron.db").exists()
        assert (checkout / "data" / "server-url").read_text().strip() == (
            f"http://127.0.0.1:{port}"
        )
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False
