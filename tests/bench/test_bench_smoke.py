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


def test_api_smoke_answers_every_request(tmp_path: Path) -> None:
    api = _bench(tmp_path, "api")
    [run] = api["runs"]
    for op in ("create", "list", "get"):
        assert run[f"{op}_requests"] > 0, op
        assert run[f"{op}_ok"] == run[f"{op}_requests"], (op, run)


WRK_OUTPUT = """Running 3s test @ http://127.0.0.1:8765
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    52.23ms   15.41ms 155.55ms   77.39%
    Req/Sec   307.86     50.28   390.00     88.00%
  Latency Distribution
     50%   48.10ms
     75%   60.00ms
     90%   71.50ms
     99%    1.20s
  1534 requests in 5.01s, 1.28MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    306.19
Transfer/sec:    261.54KB
"""


def test_wrk_output_is_read_with_its_units_and_failures() -> None:
    from bench.api import parse_wrk

    parsed = parse_wrk(WRK_OUTPUT)
    assert parsed["requests"] == 1534
    assert parsed["ok"] == 1534 - 4 - 3
    assert parsed["non_2xx"] == 4
    assert parsed["socket_errors"] == {"connect": 0, "read": 2, "write": 0, "timeout": 1}
    assert parsed["elapsed_s"] == pytest.approx(5.01)
    assert parsed["rps"] == pytest.approx(1527 / 5.01)
    assert parsed["p50_ms"] == pytest.approx(48.1)
    assert parsed["p99_ms"] == pytest.approx(1200.0)
    assert parsed["max_ms"] == pytest.approx(155.55)
