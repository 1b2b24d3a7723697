"""The agent-bound scenario still runs (a tiny one, in a subprocess, as `python -m bench`
would) and its arithmetic is right. Correctness only: no run lost, none missed, the agent's
limit never exceeded at the receiver; speed is what `make bench` is for."""

from __future__ import annotations

import pytest

from bench.agentbound import CONFIGS, ideal_s, most_in_window
from bench.document import agentbound_section
from tests.bench.test_bench_smoke import _bench


def test_most_starts_in_any_window_slides_over_the_arrivals() -> None:
    assert most_in_window([]) == 0
    assert most_in_window([0.0, 59.9, 60.0, 60.1]) == 3  # from 59.9: three; from 0.0: two
    assert most_in_window([0.0, 30.0, 59.99, 119.98]) == 3
    assert most_in_window([float(i) for i in range(200)], 60.0) == 60


def test_the_ideal_time_is_waves_as_wide_as_the_tightest_limit() -> None:
    c500, c2000, limited = CONFIGS
    assert ideal_s(2000, c500) == 8.0
    assert ideal_s(2000, c2000) == 2.0
    # 50 at a time would take 80 s; 600 a minute spreads 2,000 starts over three minutes.
    assert ideal_s(2000, limited) == 182.0
    assert ideal_s(200, limited) == 8.0


@pytest.mark.slow
def test_agentbound_smoke_runs_every_schedule_once_within_the_limits(tmp_path) -> None:
    result = _bench(tmp_path, "agentbound")
    runs = {run["config"]: run for run in result["runs"]}
    assert set(runs) == {"c500", "limited"}
    for run in runs.values():
        assert run["completed"] is True
        assert run["statuses"] == {"success": run["n"]}
        assert run["misses"] == 0 and run["duplicates"] == 0
        assert run["receiver_calls"] == run["n"]
    assert runs["limited"]["receiver_peak_in_flight"] <= 50
    assert runs["limited"]["receiver_most_starts_in_60s"] <= 600
    assert "## Agent-bound" in agentbound_section(result)
