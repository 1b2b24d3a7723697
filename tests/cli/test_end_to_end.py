"""The installed `agentcron` script in real processes: a newcomer's first session, following
events live, and usage mistakes."""

from __future__ import annotations

import json
import os
import pty
import selectors
import signal
import stat
import subprocess
from pathlib import Path

from tests.cli.helpers import Cli, Server, one_error_line
from tests.support.processes import AGENTCRON, ROOT


def test_first_session_from_token_to_history(cli: Cli, server: Server) -> None:
    """Admin commands (on the server's database) in-process, to keep the suite quick; every
    client step a newcomer takes in a real process, signed in through the config file."""
    signed_out: dict[str, str | None] = {"AGENTCRON_TOKEN": None, "AGENTCRON_URL": None}
    admin = {
        "AGENTCRON_DATABASE_URL": server.database_url,
        "AGENTCRON_AGENTS_FILE": str(server.agents_file),
    }
    cli.ok("users", "create", "newcomer", "--tz", "Europe/Berlin", **admin)
    token = json.loads(cli.ok("tokens", "create", "newcomer", "--json", **admin).stdout)["token"]

    login = cli.process("login", "--url", server.url, "--token", token, **signed_out)
    assert login.returncode == 0, login.stderr
    assert "as newcomer" in login.stdout
    assert stat.S_IMODE(cli.config.stat().st_mode) == 0o600
    assert token in cli.config.read_text()

    add = cli.process(
        "add", "@alice check deprecated models every weekday at 9am", "--yes", **signed_out
    )
    assert add.returncode == 0, add.stderr
    [item] = json.loads(cli.ok("ls", "--json", **signed_out).stdout)
    assert item["timezone"] == "Europe/Berlin"
    run = cli.process("run", item["id"][:8], "--wait", **signed_out)
    assert run.returncode == 0, run.stderr
    assert "success" in run.stdout
    [execution] = json.loads(cli.ok("history", item["id"][:8], "--json", **signed_out).stdout)
    assert execution["status"] == "success"

    assert cli.process("logout", **signed_out).returncode == 0
    after = cli.process("ls", **signed_out)
    assert one_error_line(after).startswith("error: not signed in")


def test_tail_prints_one_line_per_event_and_stops_cleanly_on_ctrl_c(cli: Cli) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCRON_")}
    env.update({k: v for k, v in cli.env().items() if v is not None}, PYTHONPATH=str(ROOT))
    tail = subprocess.Popen(
        [AGENTCRON, "tail", "--json"],
        env=env,
        cwd=cli.home,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert tail.stderr is not None and tail.stdout is not None
        assert "following events" in _line(tail.stderr, 30)
        schedule_id = cli.schedule("@alice check models every day at 7am")
        event = json.loads(_line(tail.stdout, 10))
        assert event == {"kind": "schedule.created", "data": {"schedule_id": schedule_id}}
        tail.send_signal(signal.SIGINT)
        assert tail.wait(timeout=10) == 0
        assert "Traceback" not in tail.stderr.read()
    finally:
        if tail.poll() is None:
            tail.kill()
            tail.wait()


def _line(stream: object, timeout: float) -> str:
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)  # type: ignore[arg-type]
    assert selector.select(timeout), f"no output within {timeout} s"
    return stream.readline()  # type: ignore[attr-defined,no-any-return]


def test_usage_mistakes_are_one_line(cli: Cli) -> None:
    missing = cli.process("show")
    unknown = cli.process("frobnicate")

    assert missing.returncode == 2 and unknown.returncode == 2
    assert "Missing argument" in one_error_line(missing)
    assert "frobnicate" in one_error_line(unknown)


def test_server_down_in_a_real_process(cli: Cli, nowhere: str, tmp_path: Path) -> None:
    result = cli.process("ls", AGENTCRON_URL=nowhere)

    assert result.returncode == 1
    assert one_error_line(result) == (
        f"error: cannot reach agentcron at {nowhere}: is `agentcron serve` running?"
    )


def test_add_asks_on_a_terminal(cli: Cli) -> None:
    """With a terminal on stdin, `add` asks before creating; "y" creates."""
    primary, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCRON_")}
    env.update({k: v for k, v in cli.env().items() if v is not None}, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [AGENTCRON, "add", "@alice check deprecated models every weekday at 9am"],
        env=env,
        cwd=cli.home,
        stdin=secondary,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(secondary)
    try:
        os.write(primary, b"y\n")
        stdout, stderr = process.communicate(timeout=60)
    finally:
        os.close(primary)

    assert process.returncode == 0, stderr
    assert "Create this schedule? [y/N]" in stdout
    assert "created" in stdout
    assert len(json.loads(cli.ok("ls", "--json").stdout)) == 1
