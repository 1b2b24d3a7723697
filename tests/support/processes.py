"""Real `agentcron` processes for tests that kill them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AGENTCRON = str(Path(sys.executable).with_name("agentcron"))


def agentcron_env(database_url: str, agents_file: Path, **settings: object) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCRON_")}
    env["PYTHONPATH"] = str(ROOT)
    env["AGENTCRON_DATABASE_URL"] = database_url
    env["AGENTCRON_AGENTS_FILE"] = str(agents_file)
    for key, value in settings.items():
        env[f"AGENTCRON_{key.upper()}"] = str(value)
    return env


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen(
        [AGENTCRON, "worker"], env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT
    )


def wait_for(condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.05) -> None:
    """Poll a condition on real time: for tests of real processes only."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(poll)
