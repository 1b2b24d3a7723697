"""Scale-out on PostgreSQL: one burst of N due schedules shared by 1, 2 and 4 real
`agentcron worker` processes. Fires per second, how the work was shared, and, from the
rows, that no slot ran twice and none was left out.

The workers start idle (every slot far in the future); once all have registered, one UPDATE
makes every schedule due at t0 (1.5 s ahead) and a `schedule.updated` NOTIFY wakes them, as
creating a schedule through the API would. Time runs from t0 to the last outcome committed.
APScheduler 3 has no way to share one job store between processes, so there is no peer.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from agentcron.engine.events import CHANNEL
from agentcron.store.database import Store
from agentcron.store.tables import Execution, Instance
from bench import report
from bench.child import ROOT, child_env, cpu_of, rss_of, stop
from bench.databases import SchedulePlan, burst_outcome, make_due, seed_schedules
from bench.harness import Context
from bench.startup import AGENTCRON

WORKERS = (1, 2, 4)
SIZES = (100_000,)
QUICK_SIZES = (10_000,)
SMOKE_SIZES = (300,)
FINAL = ("success", "failed", "timed_out", "missed", "skipped", "cancelled")


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _postgrescpu_of() -> float:
    """CPU of every PostgreSQL server process on this machine (the server is local here)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
        except OSError:
            continue
        total += cpu_of(int(entry.name)) or 0.0
    return total


def _count(store: Store, *where: Any) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Execution).where(*where)) or 0


def _live_instances(store: Store) -> int:
    with store.read() as session:
        return (
            session.scalar(
                select(func.count()).select_from(Instance).where(Instance.stopped_at.is_(None))
            )
            or 0
        )


def run_once(ctx: Context, n: int, workers: int) -> dict[str, Any]:
    db = ctx.fresh("postgres")
    procs: list[subprocess.Popen[bytes]] = []
    store = Store(db.url)
    try:
        seed_schedules(db.url, SchedulePlan(n))
        env = child_env(
            AGENTCRON_DATABASE_URL=db.url,
            AGENTCRON_AGENTS_FILE=str(ctx.agents_file),
            AGENTCRON_LOG_LEVEL="WARNING",
            AGENTCRON_DATA_DIR=str(ctx.workdir),
            **{f"AGENTCRON_{k.upper()}": str(v) for k, v in ctx.engine_settings().items()},
        )
        log = (ctx.workdir / f"scaleout-{workers}.log").open("ab")
        for _ in range(workers):
            procs.append(
                subprocess.Popen([AGENTCRON, "worker"], env=env, cwd=ROOT, stdout=log, stderr=log)
            )
        deadline = time.monotonic() + 60
        while _live_instances(store) < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(f"the workers did not start; see {log.name}")
            time.sleep(0.1)
        time.sleep(1.0)  # first turns done, every worker idle
        cpu_before = sum(cpu_of(p.pid) or 0 for p in procs)
        t0 = (datetime.now(UTC) + timedelta(seconds=1.5)).replace(microsecond=0)
        t0 += timedelta(seconds=1)
        make_due(store, t0)
        wake = json.dumps(
            {"kind": "schedule.updated", "user_id": "", "data": {}, "origin": "bench"}
        )
        with store.write() as session:
            session.execute(
                text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": wake}
            )
        time.sleep(max(0.0, (t0 - datetime.now(UTC)).total_seconds()))
        pg_before, ticks_before = _postgrescpu_of(), _machine_ticks()
        deadline = time.monotonic() + 120 + n / 100
        while _count(store, Execution.status.in_(FINAL)) < n:
            if time.monotonic() > deadline:
                break
            time.sleep(0.25)
        cpu_used = sum(cpu_of(p.pid) or 0 for p in procs) - cpu_before
        pg_used = _postgrescpu_of() - pg_before
        ticks_after = _machine_ticks()
        busy, total = ticks_after[0] - ticks_before[0], ticks_after[1] - ticks_before[1]
        rss = [rss_of(p.pid).get("rss_mib") for p in procs]
    finally:
        stop(*procs)
        store.dispose()
    try:
        rows = burst_outcome(db.url, n, t0)
    finally:
        ctx.databases.drop(db)
    rows.pop("row_lags_s")
    time_to_all = rows["last_finish_s"]
    shares = sorted(rows["per_worker"].values(), reverse=True)
    return {
        "system": "agentcron",
        "db": "postgres",
        "n": n,
        "workers": workers,
        **rows,
        "time_to_all_s": time_to_all,
        "fires_per_s": n / time_to_all if time_to_all else None,
        "worker_shares": shares,
        "cpu_per_fire_ms": cpu_used / n * 1000,
        "postgres_cpu_per_fire_ms": pg_used / n * 1000,
        # From t0 to the poll (every 0.25 s) that saw the last outcome.
        "machine_busy": busy / total if total else None,
        "cores": os.cpu_count(),
        "worker_rss_mib": rss,
        "settings": ctx.engine_settings(),
    }


def run(ctx: Context) -> dict[str, Any]:
    if "postgres" not in ctx.dbs:
        print("  scale-out needs PostgreSQL; skipped")
        return {"runs": [], "summary": [], "skipped": "no PostgreSQL"}
    sizes = ctx.sizes or (SMOKE_SIZES if ctx.smoke else QUICK_SIZES if ctx.quick else SIZES)
    runs = []
    for n in sizes:
        for round_no in range(1, ctx.rounds + 1):
            for workers in WORKERS:
                result = run_once(ctx, n, workers)
                result["round"] = round_no
                runs.append(result)
                ctx.log(
                    f"  scaleout n={n:,} workers={workers} round {round_no}: "
                    f"{report.fmt(result['fires_per_s'])} fires/s, all done "
                    f"{report.fmt(result['time_to_all_s'], 's')}, shares {result['worker_shares']}, "
                    f"dup {result['duplicates']}, miss {result['misses']}"
                )
    groups: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for r in runs:
        groups.setdefault((r["n"], r["workers"]), []).append(r)
    summary = []
    for (n, workers), group in sorted(groups.items()):
        row: dict[str, Any] = {"n": n, "workers": workers, "rounds": len(group)}
        row.update(
            report.summarize_runs(
                group,
                (
                    "fires_per_s",
                    "time_to_all_s",
                    "cpu_per_fire_ms",
                    "postgres_cpu_per_fire_ms",
                    "machine_busy",
                ),
            )
        )
        row["duplicates"] = sum(r["duplicates"] for r in group)
        row["misses"] = sum(r["misses"] for r in group)
        single = groups.get((n, 1))
        if single and workers > 1:
            row["speedup_vs_1"] = report.ratio(
                row["fires_per_s"], report.median(r["fires_per_s"] for r in single)
            )
        summary.append(row)
    report.print_table(
        "scale-out on PostgreSQL (medians): one burst shared by N `agentcron worker` processes",
        [
            "N",
            "workers",
            "fires/s",
            "all done",
            "× one worker",
            "CPU/fire",
            "PG CPU/fire",
            "machine busy",
            "dup",
            "miss",
        ],
        [
            [
                f"{row['n']:,}",
                row["workers"],
                report.fmt(row["fires_per_s"]),
                report.fmt(row["time_to_all_s"], "s"),
                report.fmt(row.get("speedup_vs_1")),
                report.fmt(row["cpu_per_fire_ms"], "ms"),
                report.fmt(row.get("postgres_cpu_per_fire_ms"), "ms"),
                _percent(row.get("machine_busy")),
                row["duplicates"],
                row["misses"],
            ]
            for row in summary
        ],
    )
    return {"runs": runs, "summary": summary}


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"
