"""Burst: N schedules all due at the same instant t0. How long until every one has run (and,
for agentcron, has its outcome committed), and how late did each start?

agentcron runs in a child process exactly as `agentcron worker` does (build_use_cases +
start). Its schedules are seeded in advance with a far-future slot; once the engine
is up and idle, one UPDATE makes them all due at t0 (a second or so ahead) and the engine is
woken, as a `schedule.updated` event would. APScheduler gets the same N jobs (the same cron
expression and time zones), first run time t0, and is started idle before t0.

Checked after each run: from agentcron's rows, one execution per schedule for slot t0, none
missing, every one `success`; from APScheduler's listener, one execution per job and nothing
missed, refused (max instances) or failed.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench import report
from bench.child import cpu_s, rss_mib, run_child
from bench.databases import SchedulePlan, burst_outcome, make_due, seed_schedules
from bench.harness import Context, label, start_engine, wait_for

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (10_000,)
SMOKE_SIZES = (200,)
TRIGGER = "cron"  # the 9 a.m. rush: `0 9 * * 1-5` in four time zones


def _lead_s(n: int) -> float:
    """How far ahead t0 is set: enough to write the UPDATE and be idle before it."""
    return 1.0 + n * 25e-6


def _timeout_s(n: int) -> float:
    return 120 + n / 100


# -- in the child -----------------------------------------------------------------------------


def agentcron_burst(spec: dict[str, Any]) -> dict[str, Any]:
    return asyncio.run(_agentcron_burst(spec))


async def _agentcron_burst(spec: dict[str, Any]) -> dict[str, Any]:
    from bench import agents

    n = spec["n"]
    runtime = await start_engine(spec)
    engine, store = runtime.runtime.engine, runtime.runtime.services.store
    await asyncio.sleep(0.3)  # let the first turn run and go to sleep
    rss_idle = rss_mib()
    t0 = (datetime.now(UTC) + timedelta(seconds=_lead_s(n))).replace(microsecond=0)
    t0 += timedelta(seconds=1)
    await asyncio.to_thread(make_due, store, t0)
    margin = (t0 - datetime.now(UTC)).total_seconds()
    engine.wake()
    cpu_before = cpu_s()
    finished = await wait_for(lambda: engine.recorder.written >= n, _timeout_s(n))
    cpu_used = cpu_s() - cpu_before
    rss_after = rss_mib()
    await asyncio.sleep(0.2)

    await runtime.stop()
    lags = list(agents.LAGS_S)
    return {
        "t0": t0.isoformat(),
        "completed": finished,
        "margin_s": margin,
        "calls": len(lags),
        "duplicate_calls": agents.duplicate_calls(),
        "last_call_s": (max(agents.STARTS) - t0.timestamp()) if agents.STARTS else None,
        **report.lag_summary(lags),
        "rss_idle_mib": rss_idle,
        "rss_after_mib": rss_after,
        "burst_cpu_s": cpu_used,
    }


def apscheduler_burst(spec: dict[str, Any]) -> dict[str, Any]:
    from bench.peers import JobPlan, Tally, add_jobs_in_memory, build_scheduler, wait_until

    n = spec["n"]
    tally = Tally()
    scheduler = build_scheduler(spec["store"], spec.get("url"), tally)
    rss_idle = 0.0
    if spec["store"] == "memory":
        t0 = datetime.now(UTC) + timedelta(seconds=1.0 + n * 60e-6)
        scheduler.start(paused=True)
        add_jobs_in_memory(scheduler, JobPlan(n, spec["trigger"], t0))
        rss_idle = rss_mib()
        scheduler.resume()
    else:
        t0 = datetime.fromisoformat(spec["t0"])
        scheduler.start()
        time.sleep(0.05)
        rss_idle = rss_mib()
    margin = (t0 - datetime.now(UTC)).total_seconds()
    cpu_before = cpu_s()
    done = wait_until(
        lambda: tally.fired + tally.missed + tally.errors + tally.max_instances >= n,
        _timeout_s(n),
    )
    cpu_used = cpu_s() - cpu_before
    rss_after = rss_mib()
    scheduler.shutdown(wait=True)
    starts = list(tally.starts)
    fired = len(tally.calls)
    return {
        "t0": t0.isoformat(),
        "completed": done,
        "margin_s": margin,
        "calls": tally.fired,
        "duplicates": tally.duplicates,
        "misses": max(0, n - fired),
        "dropped_missed": tally.missed,
        "dropped_max_instances": tally.max_instances,
        "errors": tally.errors,
        "time_to_all_s": (max(starts) - t0.timestamp()) if starts else None,
        "first_start_s": (min(starts) - t0.timestamp()) if starts else None,
        **report.lag_summary(tally.lags_s),
        "rss_idle_mib": rss_idle,
        "rss_after_mib": rss_after,
        "burst_cpu_s": cpu_used,
    }


# -- in the parent ----------------------------------------------------------------------------


def run_agentcron(ctx: Context, kind: str, n: int, trigger: str = TRIGGER) -> dict[str, Any]:
    db = ctx.fresh(kind)
    try:
        started = time.monotonic()
        seed_schedules(db.url, SchedulePlan(n, trigger=trigger))
        seeded_s = time.monotonic() - started
        spec = {
            "n": n,
            "url": db.url,
            "agents_file": str(ctx.agents_file),
            "workdir": str(ctx.workdir),
            "settings": ctx.engine_settings(),
        }
        child = run_child("bench.burst:agentcron_burst", spec, ctx.workdir, _timeout_s(n) + 60)
        t0 = datetime.fromisoformat(child["t0"])
        rows = burst_outcome(db.url, n, t0)
    finally:
        ctx.databases.drop(db)
    row_lags = rows.pop("row_lags_s")
    time_to_all = rows["last_finish_s"]
    return {
        "system": "agentcron",
        "db": kind,
        "n": n,
        "trigger": trigger,
        "seed_s": seeded_s,
        **child,
        **rows,
        "misses": max(rows["misses"], n - child["calls"] + child["duplicate_calls"]),
        "duplicates": rows["duplicates"] + child["duplicate_calls"],
        "time_to_all_s": time_to_all,
        "fires_per_s": n / time_to_all if time_to_all else None,
        "row_lag_p50_s": report.percentile(row_lags, 50),
        "row_lag_p99_s": report.percentile(row_lags, 99),
        "settings": ctx.engine_settings(),
    }


def run_apscheduler(
    ctx: Context, store: str, kind: str | None, n: int, trigger: str = TRIGGER
) -> dict[str, Any]:
    from bench.peers import JobPlan, seed_sqlalchemy_store

    spec: dict[str, Any] = {"n": n, "store": store, "trigger": trigger}
    db = None
    try:
        if store.startswith("sqlalchemy"):
            assert kind is not None
            db = ctx.fresh(kind, migrated=False)
            t0 = datetime.now(UTC) + timedelta(seconds=2.5 + n * 120e-6)
            seed_sqlalchemy_store(db.url, JobPlan(n, trigger, t0), tuned=store == "sqlalchemy")
            spec.update(url=db.url, t0=t0.isoformat())
        child = run_child("bench.burst:apscheduler_burst", spec, ctx.workdir, _timeout_s(n) + 60)
    finally:
        if db is not None:
            ctx.databases.drop(db)
    time_to_all = child["time_to_all_s"]
    return {
        "system": f"apscheduler-{store}",
        "db": kind or "memory",
        "n": n,
        "trigger": trigger,
        **child,
        "fires_per_s": n / time_to_all if time_to_all and child["misses"] == 0 else None,
    }


def run(ctx: Context) -> dict[str, Any]:
    sizes = ctx.sizes or (SMOKE_SIZES if ctx.smoke else QUICK_SIZES if ctx.quick else SIZES)
    runs: list[dict[str, Any]] = []
    for n in sizes:
        for round_no in range(1, ctx.rounds + 1):
            plan: list[tuple[str, str | None]] = []
            for kind in ctx.dbs:
                plan.append(("agentcron", kind))
                if ctx.peers:
                    plan.append(("apscheduler-sqlalchemy", kind))
                if ctx.peers and ctx.apscheduler_sqlite_defaults and kind == "sqlite":
                    plan.append(("apscheduler-sqlalchemy-defaults", kind))
            if ctx.peers:
                plan.append(("apscheduler-memory", None))
            for system, kind in plan:
                if system == "agentcron":
                    assert kind is not None
                    result = run_agentcron(ctx, kind, n)
                else:
                    result = run_apscheduler(ctx, system.split("-", 1)[1], kind, n)
                result["round"] = round_no
                runs.append(result)
                ctx.log(
                    f"  burst n={n:,} round {round_no} {label(result)}: "
                    f"{report.fmt(result.get('fires_per_s'))} fires/s, "
                    f"all done {report.fmt(result.get('time_to_all_s'), 's')}, "
                    f"lag p99 {report.fmt(result.get('lag_p99_s'), 's')}, "
                    f"cpu {report.fmt((result.get('burst_cpu_s') or 0) / n * 1e6)} µs/fire, "
                    f"dup {result.get('duplicates')}, miss {result.get('misses')}"
                )
    summary = summarize(runs)
    print_summary(summary)
    return {"runs": runs, "summary": summary}


METRICS = (
    "fires_per_s",
    "time_to_all_s",
    "lag_p50_s",
    "lag_p99_s",
    "lag_max_s",
    "peak_rss_mib",
    "burst_cpu_s",
)


def summarize(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Medians per (n, system, db), and agentcron / peer per round on the same database
    (and against the memory store on each)."""
    groups: dict[tuple[int, str, str], list[dict[str, Any]]] = {}
    for run in runs:
        groups.setdefault((run["n"], run["system"], run["db"]), []).append(run)
    rows = []
    for (n, system, db), group in sorted(groups.items()):
        group.sort(key=lambda r: r.get("round", 0))
        row: dict[str, Any] = {"n": n, "system": system, "db": db, "rounds": len(group)}
        row.update(report.summarize_runs(group, METRICS))
        row["duplicates"] = sum(r.get("duplicates") or 0 for r in group)
        row["misses"] = sum(r.get("misses") or 0 for r in group)
        row["not_success"] = sum(r.get("not_success") or 0 for r in group)
        row["completed"] = all(r.get("completed") for r in group)
        if system == "agentcron":
            peers = (
                ("apscheduler-sqlalchemy", db),
                ("apscheduler-sqlalchemy-defaults", db),
                ("apscheduler-memory", "memory"),
            )
            for peer, peer_db in peers:
                theirs = groups.get((n, peer, peer_db))
                if theirs:
                    ratios = report.round_ratios(
                        group, sorted(theirs, key=lambda r: r.get("round", 0)), "fires_per_s"
                    )
                    row[f"ratio_vs_{peer}"] = ratios
                    row[f"ratio_vs_{peer}_median"] = report.median(ratios)
        rows.append(row)
    return rows


def print_summary(summary: list[dict[str, Any]]) -> None:
    report.print_table(
        "burst (medians over rounds; ratio = agentcron fires/s ÷ peer fires/s, per round)",
        [
            "N",
            "system",
            "fires/s",
            "all done",
            "lag p50",
            "lag p99",
            "lag max",
            "peak RSS",
            "dup",
            "miss",
            "÷ sqlalchemy",
            "÷ memory",
            "÷ sqla defaults",
        ],
        [
            [
                f"{row['n']:,}",
                label(row),
                report.fmt(row["fires_per_s"]),
                report.fmt(row["time_to_all_s"], "s"),
                report.fmt(row["lag_p50_s"], "s"),
                report.fmt(row["lag_p99_s"], "s"),
                report.fmt(row["lag_max_s"], "s"),
                report.fmt(row["peak_rss_mib"], "MiB"),
                row["duplicates"],
                row["misses"],
                _ratios(row.get("ratio_vs_apscheduler-sqlalchemy")),
                _ratios(row.get("ratio_vs_apscheduler-memory")),
                _ratios(row.get("ratio_vs_apscheduler-sqlalchemy-defaults")),
            ]
            for row in summary
        ],
    )


def _ratios(values: list[float | None] | None) -> str:
    if not values:
        return ""
    return " ".join(report.fmt(v) + "×" if v is not None else "–" for v in values)
