"""The benchmark suite still runs: a tiny burst on SQLite and the cron scenario, in a
subprocess, as `python -m bench` would. Correctness only (no duplicates, no misses, every
run completed); speed is what `make bench` is for, never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _bench(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / f"{args[0]}.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            *args,
            "--smoke",
            "--json",
            str(out),
            "--workdir",
            str(tmp_path / "work"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text())["scenarios"][args[0]]


def test_burst_smoke_fires_every_schedule_once(tmp_path: Path) -> None:
    burst = _bench(tmp_path, "burst")
    [run] = burst["runs"]
    assert run["system"] == "agentcron" and run["db"] == "sqlite"
    assert run["completed"] is True
    assert run["executions"] == run["n"] == 200
    assert run["duplicates"] == 0 and run["misses"] == 0 and run["not_success"] == 0
    assert run["calls"] == 200 and run["duplicate_calls"] == 0


def test_cron_smoke_measures_every_variant(tmp_path: Path) -> None:
    cron = _bench(tmp_path, "cron")
    assert len(cron["summary"]) == 4
    for row in cron["summary"]:
        assert row["agentcron"] > 0 and row["cronsim (new each time)"] > 0
