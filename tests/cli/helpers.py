"""What the CLI tests share: the live server's handle, a signed-in `agentcron`, and the
check that a failure is one line on stderr."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from agentcron.cli import app
from agentcron.service import ScheduleDraft, ScheduleService
from agentcron.store.tables import User
from tests.support.live import LiveServer
from tests.support.processes import AGENTCRON, ROOT


@dataclass
class Server:
    live: LiveServer
    url: str
    database_url: str
    agents_file: Path

    @property
    def services(self) -> Any:
        return self.live.runtime.services


@dataclass
class Cli:
    """Runs `agentcron …` as a signed-in user; `env` overrides (None unsets) per call."""

    server: Server
    user: User
    token: str
    home: Path

    @property
    def config(self) -> Path:
        return self.home / "config.toml"

    def env(self, **overrides: str | None) -> dict[str, str | None]:
        env: dict[str, str | None] = {
            "AGENTCRON_URL": self.server.url,
            "AGENTCRON_TOKEN": self.token,
            "AGENTCRON_CONFIG": str(self.config),
            "COLUMNS": "200",
            "NO_COLOR": "1",
        }
        env.update(overrides)
        return env

    def __call__(self, *args: str, input: str | None = None, **env: str | None) -> Result:
        runner = CliRunner()
        return runner.invoke(app, list(args), input=input, env=self.env(**env))

    def ok(self, *args: str, **env: str | None) -> Result:
        result = self(*args, **env)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    def process(self, *args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
        """The installed console script in a real process."""
        merged = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCRON_")}
        merged["PYTHONPATH"] = str(ROOT)
        for key, value in self.env(**env).items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return subprocess.run(
            [AGENTCRON, *args],
            env=merged,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def schedule(self, text: str, **fields: Any) -> str:
        """A schedule made straight through the service (setup, not the thing under test)."""
        view = ScheduleService(self.server.services).create(
            self.user, ScheduleDraft(text=text, **fields)
        )
        return str(view.row.id)


def one_error_line(result: Result | subprocess.CompletedProcess[str]) -> str:
    """The command failed with exactly one line on stderr, starting `error:`."""
    code = result.exit_code if isinstance(result, Result) else result.returncode
    stderr = result.stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code != 0, (code, result.stdout, stderr)
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    return lines[0]
