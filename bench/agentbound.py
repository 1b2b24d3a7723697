"""Agent-bound: N schedules due at once against a webhook agent that takes 2 s per call, the
9 a.m. rush when the agents, not the scheduler, are slow. A real HTTP server on 127.0.0.1
(`bench.receiver`, its own process, asyncio, so it is never the bottleneck) sleeps 2 s per
request and notes each arrival and how many requests it holds at once.

Measured per configuration: time from the slot until every execution is finished (its
outcome committed), the receiver's peak in flight and most starts in any 60 s, the engine
process's peak RSS, and from the rows: one `success` per schedule, none missed.

Configurations: runner_concurrency 500 and 2,000 with no agent limit (goal: within 10% of
N × 2 s ÷ concurrency, RSS ≤ 300 MiB with 2,000 in flight), and runner_concurrency 500 with
the agent limited to max_concurrency = 50 and rate_per_minute = 600 (goal: the receiver
never holds more than 50 or sees more than 600 starts in any minute; nothing lost or
missed).
"""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import report
from bench.child import ROOT, child_env, cpu_s, rss_mib, run_child, stop
from bench.databases import SchedulePlan, burst_outcome, make_due, seed_schedules
from bench.harness import Context, start_engine, wait_for

N = 2_000
QUICK_N = 200
SMOKE_N = 40
DELAY_S = 2.0
CONFIGS: tuple[dict[str, Any], ...] = (
    {"name": "c500", "runner_concurrency": 500},
    {"name": "c2000", "runner_concurrency": 2_000},
    {
        "name": "limited",
        "runner_concurrency": 500,
        "max_concurrency": 50,
        "rate_per_minute": 600,
    },
)
AGENT = "hook"


def ideal_s(n: int, config: dict[str, Any]) -> float:
    """The least time the calls can take: waves of 2 s, as wide as the tightest limit allows,
    and for a rate limit the minutes its starts must be spread over."""
    width = min(config["runner_concurrency"], config.get("max_concurrency") or n)
    waves = math.ceil(n / width) * DELAY_S
    rate = config.get("rate_per_minute")
    if rate and n > rate:
        waves = max(waves, (math.ceil(n / rate) - 1) * 60 + DELAY_S)
    return waves


def _timeout_s(n: int, config: dict[str, Any]) -> float:
    return 60 + 2 * ideal_s(n, config)


def agents_toml(url: str, config: dict[str, Any]) -> str:
    lines = [f"[agents.{AGENT}]", 'backend = "webhook"', f'url = "{url}/agent"']
    for key in ("max_concurrency", "rate_per_minute"):
        if config.get(key):
            lines.append(f"{key} = {config[key]}")
    return "\n".join(lines) + "\n"


# -- in the child -----------------------------------------------------------------------------


def agentcron_agentbound(spec: dict[str, Any]) -> dict[str, Any]:
    return asyncio.run(_agentcron_agentbound(spec))


async def _agentcron_agentbound(spec: dict[str, Any]) -> dict[str, Any]:
    n = spec["n"]
    runtime = await start_engine(spec)
    engine, store = runtime.runtime.engine, runtime.runtime.services.store
    await asyncio.sleep(0.3)
    rss_idle = rss_mib()
    t0 = (datetime.now(UTC) + timedelta(seconds=1.5)).replace(microsecond=0)
    t0 += timedelta(seconds=1)
    await asyncio.to_thread(make_due, store, t0)
    engine.wake()
    cpu_before = cpu_s()
    peak_running = 0
    rss_peak_running = 0.0

    def done() -> bool:
        nonlocal peak_running, rss_peak_running
        running = engine.running_count
        if running > peak_running:
            peak_running = running
            rss_peak_running = max(rss_peak_running, rss_mib())
        return engine.recorder.written >= n

    finished = await wait_for(done, spec["timeout_s"], poll_s=0.05)
    cpu_used = cpu_s() - cpu_before
    rss_after = rss_mib()
    await runtime.stop()
    return {
        "t0": t0.isoformat(),
        "completed": finished,
        "peak_running": peak_running,
        "rss_idle_mib": rss_idle,
        "rss_at_peak_running_mib": rss_peak_running,
        "rss_after_mib": rss_after,
        "cpu_s": cpu_used,
    }


# -- the receiver -----------------------------------------------------------------------------


class ReceiverProcess:
    def __init__(self, workdir: Path) -> None:
        port_file = workdir / f"receiver-{time.monotonic_ns()}.port"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.receiver", str(port_file), str(DELAY_S)],
            cwd=ROOT,
            env=child_env(),
        )
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("the loopback receiver did not start")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{port_file.read_text()}"

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.url}/stats", timeout=30) as reply:  # noqa: S310
            return dict(json.loads(reply.read()))

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/reset", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=30):  # noqa: S310
            pass

    def close(self) -> None:
        stop(self.proc, grace_s=5)


def most_in_window(starts: list[float], window_s: float = 60.0) -> int:
    """The most arrivals in any `window_s` seconds (a sliding window over the arrivals)."""
    ordered = sorted(starts)
    most, first = 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= window_s:
            first += 1
        most = max(most, last - first + 1)
    return most


# -- in the parent ----------------------------------------------------------------------------


def attempt_starts(url: str) -> list[float]:
    """When each execution's attempt was claimed (the engine's side of the rate)."""
    from sqlalchemy import select

    from agentcron.store.database import Store
    from agentcron.store.tables import Execution

    store = Store(url)
    try:
        with store.read() as session:
            found = session.scalars(
                select(Execution.attempt_started_at).where(
                    Execution.attempt_started_at.is_not(None)
                )
            )
            return [at.timestamp() for at in found]
    finally:
        store.dispose()


def run_one(ctx: Context, kind: str, n: int, config: dict[str, Any]) -> dict[str, Any]:
    receiver = ReceiverProcess(ctx.workdir)
    db = ctx.fresh(kind)
    try:
        agents_file = ctx.workdir / f"agents-{config['name']}.toml"
        agents_file.write_text(agents_toml(receiver.url, config))
        plan = SchedulePlan(n, trigger="cron", agent=AGENT, misfire_grace_s=60)
        seed_schedules(db.url, plan)
        settings = ctx.engine_settings(runner_concurrency=config["runner_concurrency"])
        spec = {
            "n": n,
            "url": db.url,
            "agents_file": str(agents_file),
            "workdir": str(ctx.workdir),
            "settings": settings,
            "timeout_s": _timeout_s(n, config),
        }
        child = run_child(
            "bench.agentbound:agentcron_agentbound", spec, ctx.workdir, spec["timeout_s"] + 60
        )
        t0 = datetime.fromisoformat(child["t0"])
        rows = burst_outcome(db.url, n, t0)
        claimed = attempt_starts(db.url)
        seen = receiver.stats()
    finally:
        ctx.databases.drop(db)
        receiver.close()
    rows.pop("row_lags_s")
    starts = seen.pop("starts")
    ideal = ideal_s(n, config)
    all_done = rows["last_finish_s"]
    return {
        "system": "agentcron",
        "db": kind,
        "n": n,
        "config": config["name"],
        "runner_concurrency": config["runner_concurrency"],
        "max_concurrency": config.get("max_concurrency"),
        "rate_per_minute": config.get("rate_per_minute"),
        **child,
        **rows,
        "receiver_calls": seen["calls"],
        "receiver_peak_in_flight": seen["peak"],
        "receiver_most_starts_in_60s": most_in_window(starts),
        "claimed_most_starts_in_60s": most_in_window(claimed),
        "receiver_first_s": (min(starts) - t0.timestamp()) if starts else None,
        "receiver_last_s": (max(starts) - t0.timestamp()) if starts else None,
        "ideal_s": ideal,
        "time_to_all_s": all_done,
        "vs_ideal": all_done / ideal if all_done else None,
        "settings": settings,
    }


def run(ctx: Context) -> dict[str, Any]:
    sizes = ctx.sizes or ((SMOKE_N,) if ctx.smoke else (QUICK_N,) if ctx.quick else (N,))
    runs: list[dict[str, Any]] = []
    for n in sizes:
        # Runners wider than N make no difference: one wave either way.
        configs = [c for c in CONFIGS if c["name"] != "c2000" or n > 500]
        for round_no in range(1, ctx.rounds + 1):
            for kind in ctx.dbs:
                for config in configs:
                    result = run_one(ctx, kind, n, config)
                    result["round"] = round_no
                    runs.append(result)
                    ctx.log(
                        f"  agent-bound n={n:,} {config['name']} ({kind}) round {round_no}: "
                        f"all done {report.fmt(result['time_to_all_s'], 's')} "
                        f"(ideal {report.fmt(result['ideal_s'], 's')}), "
                        f"receiver peak {result['receiver_peak_in_flight']}, "
                        f"most starts/60 s {result['receiver_most_starts_in_60s']}, "
                        f"peak RSS {report.fmt(result.get('peak_rss_mib'), 'MiB')}, "
                        f"success {result['statuses'].get('success', 0)}, "
                        f"miss {result['misses']}, dup {result['duplicates']}"
                    )
    print_summary(runs)
    return {"runs": runs, "summary": [{k: v for k, v in r.items() if k in KEPT} for r in runs]}


KEPT = (
    "n",
    "db",
    "round",
    "config",
    "runner_concurrency",
    "max_concurrency",
    "rate_per_minute",
    "time_to_all_s",
    "ideal_s",
    "vs_ideal",
    "receiver_peak_in_flight",
    "receiver_most_starts_in_60s",
    "claimed_most_starts_in_60s",
    "receiver_calls",
    "peak_running",
    "peak_rss_mib",
    "rss_at_peak_running_mib",
    "cpu_s",
    "receiver_first_s",
    "receiver_last_s",
    "statuses",
    "misses",
    "duplicates",
    "completed",
)
HEADERS = [
    "N",
    "db",
    "runner",
    "agent limits",
    "all done",
    "ideal",
    "÷ ideal",
    "peak in flight",
    "max starts/60 s",
    "(by claim)",
    "engine CPU",
    "peak RSS",
    "success",
    "missed",
    "dup",
]


def table_rows(runs: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            f"{r['n']:,}",
            r["db"],
            f"{r['runner_concurrency']:,}",
            limits_text(r),
            report.fmt(r["time_to_all_s"], "s"),
            report.fmt(r["ideal_s"], "s"),
            report.fmt(r["vs_ideal"]),
            r["receiver_peak_in_flight"],
            r["receiver_most_starts_in_60s"],
            r.get("claimed_most_starts_in_60s", ""),
            report.fmt(r.get("cpu_s"), "s"),
            report.fmt(r.get("peak_rss_mib"), "MiB"),
            r["statuses"].get("success", 0),
            r["misses"] + r["statuses"].get("missed", 0),
            r["duplicates"],
        ]
        for r in runs
    ]


def print_summary(runs: list[dict[str, Any]]) -> None:
    report.print_table(
        f"agent-bound (webhook agent sleeping {DELAY_S:g} s per call)", HEADERS, table_rows(runs)
    )


def limits_text(run: dict[str, Any]) -> str:
    if not run.get("max_concurrency") and not run.get("rate_per_minute"):
        return "none"
    return f"max_concurrency {run['max_concurrency']}, rate_per_minute {run['rate_per_minute']}"
