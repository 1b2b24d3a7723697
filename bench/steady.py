"""Steady state: N interval schedules every 5 minutes, their anchors spread evenly over the
period, so slots come due at a constant N / 300 per second (333/s for 100,000). How late
does each start, and what does a fire cost in CPU?

Full: 100,000 schedules spread over the 300 s period, measured for 90 s after a 15 s
warm-up. Quick: 5,000 schedules spread over 15 s of each period (the same 333/s while it
lasts), measured for 10 s after a 3 s warm-up. Only slots due inside the measured window
count; misses are slots due in it with no execution (from agentcron's rows; from
APScheduler's listener), duplicates are slots run twice.

Schedules are seeded ahead with their first slot a few seconds after the child will be up
(seeding time estimated, then checked: the warm-up absorbs a late start).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from agentcron.store.database import Store
from agentcron.store.tables import Execution
from bench import report
from bench.child import cpu_s, rss_mib, run_child
from bench.databases import SchedulePlan, seed_schedules
from bench.harness import Context, label, start_engine

PERIOD_S = 300


def _shape(ctx: Context) -> dict[str, Any]:
    if ctx.smoke:
        return {"n": 300, "spread_s": 10.0, "warmup_s": 2.0, "window_s": 6.0}
    if ctx.quick:
        return {"n": 5_000, "spread_s": 15.0, "warmup_s": 3.0, "window_s": 10.0}
    return {"n": 100_000, "spread_s": 300.0, "warmup_s": 15.0, "window_s": 90.0}


# -- in the child -----------------------------------------------------------------------------


def agentcron_steady(spec: dict[str, Any]) -> dict[str, Any]:
    return asyncio.run(_agentcron_steady(spec))


async def _agentcron_steady(spec: dict[str, Any]) -> dict[str, Any]:
    from bench import agents

    w0, w1 = (datetime.fromisoformat(spec[k]).timestamp() for k in ("window_start", "window_end"))
    runtime = await start_engine(spec)
    ready_margin = spec["first_at_ts"] - time.time()
    await asyncio.sleep(max(0.0, w0 - time.time()))
    cpu0, rss0 = cpu_s(), rss_mib()
    await asyncio.sleep(max(0.0, w1 - time.time()))
    cpu1, rss1 = cpu_s(), rss_mib()
    await asyncio.sleep(2.0)  # let slots due at the window's end start
    await runtime.stop()
    inside = [
        (lag, scheduled)
        for lag, scheduled in zip(agents.LAGS_S, agents.SCHEDULED, strict=True)
        if w0 <= scheduled <= w1
    ]
    lags = [lag for lag, _ in inside]
    return {
        "ready_margin_s": ready_margin,
        "calls": len(lags),
        "duplicate_calls": agents.duplicate_calls(),
        **report.lag_summary(lags),
        "window_cpu_s": cpu1 - cpu0,
        "rss_start_mib": rss0,
        "rss_end_mib": rss1,
    }


def apscheduler_steady(spec: dict[str, Any]) -> dict[str, Any]:
    from bench.peers import JobPlan, Tally, add_jobs_in_memory, build_scheduler

    tally = Tally()
    scheduler = build_scheduler(spec["store"], spec.get("url"), tally)
    n = spec["n"]
    if spec["store"] == "memory":
        first_at = datetime.now(UTC) + timedelta(seconds=2.0 + n * 60e-6)
        window_start = first_at + timedelta(seconds=spec["warmup_s"])
        scheduler.start(paused=True)
        add_jobs_in_memory(scheduler, JobPlan(n, "interval", first_at, spec["spread_s"], PERIOD_S))
        scheduler.resume()
    else:
        first_at = datetime.fromisoformat(spec["first_at"])
        window_start = datetime.fromisoformat(spec["window_start"])
        scheduler.start()
    ready_margin = (first_at - datetime.now(UTC)).total_seconds()
    w0 = window_start.timestamp()
    w1 = w0 + spec["window_s"]
    time.sleep(max(0.0, w0 - time.time()))
    cpu0, rss0 = cpu_s(), rss_mib()
    time.sleep(max(0.0, w1 - time.time()))
    cpu1, rss1 = cpu_s(), rss_mib()
    time.sleep(2.0)
    scheduler.shutdown(wait=True)
    with tally.lock:
        calls = [(key, count) for key, count in tally.calls.items() if w0 <= key[1] <= w1]
        lags = [
            start - scheduled
            for start, scheduled in zip(tally.starts, _scheduled(tally), strict=True)
            if w0 <= scheduled <= w1
        ]
    expected = _expected_slots(n, first_at.timestamp(), spec["spread_s"], w0, w1)
    return {
        "ready_margin_s": ready_margin,
        "window_start": window_start.isoformat(),
        "calls": len(lags),
        "expected": expected,
        "fired": len(calls),
        "duplicates": sum(count - 1 for _, count in calls if count > 1),
        "misses": max(0, expected - len(calls)),
        "dropped_missed": tally.missed,
        "dropped_max_instances": tally.max_instances,
        "errors": tally.errors,
        **report.lag_summary(lags),
        "window_cpu_s": cpu1 - cpu0,
        "rss_start_mib": rss0,
        "rss_end_mib": rss1,
    }


def _scheduled(tally: Any) -> list[float]:
    return [start - lag for start, lag in zip(tally.starts, tally.lags_s, strict=True)]


def _expected_slots(n: int, first_ts: float, spread_s: float, w0: float, w1: float) -> int:
    """Slots anchor_i + k * PERIOD_S (k >= 0) inside [w0, w1], over every schedule."""
    total = 0
    for index in range(n):
        anchor = first_ts + spread_s * index / n
        k = max(0, -int(-(w0 - anchor) // PERIOD_S))  # first k with a slot at or after w0
        slot = anchor + k * PERIOD_S
        while slot <= w1:
            total += 1
            slot += PERIOD_S
    return total


# -- in the parent ----------------------------------------------------------------------------


def _window_rows(url: str, w0: datetime, w1: datetime) -> dict[str, Any]:
    store = Store(url)
    try:
        with store.read() as session:
            per_slot = session.execute(
                select(Execution.schedule_id, Execution.scheduled_for, func.count())
                .where(Execution.scheduled_for >= w0, Execution.scheduled_for <= w1)
                .group_by(Execution.schedule_id, Execution.scheduled_for)
            ).all()
            statuses = dict(
                session.execute(
                    select(Execution.status, func.count())
                    .where(Execution.scheduled_for >= w0, Execution.scheduled_for <= w1)
                    .group_by(Execution.status)
                ).all()
            )
    finally:
        store.dispose()
    return {
        "fired": len(per_slot),
        "duplicates": sum(count - 1 for *_, count in per_slot if count > 1),
        "statuses": statuses,
        "not_success": sum(v for k, v in statuses.items() if k != "success"),
    }


def run_agentcron(ctx: Context, kind: str, shape: dict[str, Any]) -> dict[str, Any]:
    n = shape["n"]
    db = ctx.fresh(kind)
    try:
        first_at = datetime.now(UTC) + timedelta(seconds=4.0 + n * 80e-6)
        plan = SchedulePlan(n, trigger="interval", first_at=first_at, spread_s=shape["spread_s"])
        seed_schedules(db.url, plan)
        w0 = first_at + timedelta(seconds=shape["warmup_s"])
        w1 = w0 + timedelta(seconds=shape["window_s"])
        spec = {
            "n": n,
            "url": db.url,
            "agents_file": str(ctx.agents_file),
            "workdir": str(ctx.workdir),
            "settings": ctx.engine_settings(),
            "first_at_ts": first_at.timestamp(),
            "window_start": w0.isoformat(),
            "window_end": w1.isoformat(),
        }
        timeout = (w1 - datetime.now(UTC)).total_seconds() + 120
        child = run_child("bench.steady:agentcron_steady", spec, ctx.workdir, timeout)
        rows = _window_rows(db.url, w0, w1)
    finally:
        ctx.databases.drop(db)
    expected = _expected_slots(
        n, first_at.timestamp(), shape["spread_s"], w0.timestamp(), w1.timestamp()
    )
    fires = rows["fired"]
    return {
        "system": "agentcron",
        "db": kind,
        **shape,
        **child,
        **rows,
        "expected": expected,
        "misses": max(0, expected - fires, expected - child["calls"] + child["duplicate_calls"]),
        "duplicates": rows["duplicates"] + child["duplicate_calls"],
        "fires_per_s": fires / shape["window_s"],
        "cpu_per_fire_ms": child["window_cpu_s"] / fires * 1000 if fires else None,
        "settings": ctx.engine_settings(),
    }


def run_apscheduler(
    ctx: Context, store: str, kind: str | None, shape: dict[str, Any]
) -> dict[str, Any]:
    from bench.peers import JobPlan, seed_sqlalchemy_store

    n = shape["n"]
    spec: dict[str, Any] = {"store": store, **shape}
    db = None
    try:
        if store == "sqlalchemy":
            assert kind is not None
            db = ctx.fresh(kind, migrated=False)
            first_at = datetime.now(UTC) + timedelta(seconds=4.0 + n * 150e-6)
            seed_sqlalchemy_store(
                db.url, JobPlan(n, "interval", first_at, shape["spread_s"], PERIOD_S)
            )
            window_start = first_at + timedelta(seconds=shape["warmup_s"])
            spec.update(
                url=db.url, first_at=first_at.isoformat(), window_start=window_start.isoformat()
            )
        timeout = shape["warmup_s"] + shape["window_s"] + n * 200e-6 + 120
        child = run_child("bench.steady:apscheduler_steady", spec, ctx.workdir, timeout)
    finally:
        if db is not None:
            ctx.databases.drop(db)
    fires = child["fired"]
    return {
        "system": f"apscheduler-{store}",
        "db": kind or "memory",
        **shape,
        **child,
        "fires_per_s": fires / shape["window_s"],
        "cpu_per_fire_ms": child["window_cpu_s"] / fires * 1000 if fires else None,
    }


METRICS = ("fires_per_s", "lag_p50_s", "lag_p99_s", "lag_max_s", "cpu_per_fire_ms", "rss_end_mib")


def run(ctx: Context) -> dict[str, Any]:
    shape = _shape(ctx)
    rounds = ctx.rounds if (ctx.quick or ctx.smoke) else min(ctx.rounds, 2)
    runs: list[dict[str, Any]] = []
    for round_no in range(1, rounds + 1):
        plan: list[tuple[str, str | None]] = []
        for kind in ctx.dbs:
            plan.append(("agentcron", kind))
            if ctx.peers:
                plan.append(("apscheduler-sqlalchemy", kind))
        if ctx.peers:
            plan.append(("apscheduler-memory", None))
        for system, kind in plan:
            if system == "agentcron":
                assert kind is not None
                result = run_agentcron(ctx, kind, shape)
            else:
                result = run_apscheduler(ctx, system.split("-")[1], kind, shape)
            result["round"] = round_no
            runs.append(result)
            ctx.log(
                f"  steady n={shape['n']:,} round {round_no} {label(result)}: "
                f"{report.fmt(result['fires_per_s'])} fires/s, "
                f"lag p50 {report.fmt(result.get('lag_p50_s'), 's')}, "
                f"p99 {report.fmt(result.get('lag_p99_s'), 's')}, "
                f"cpu/fire {report.fmt(result.get('cpu_per_fire_ms'))} ms, "
                f"RSS {report.fmt(result.get('rss_end_mib'), 'MiB')}, "
                f"dup {result.get('duplicates')}, miss {result.get('misses')}"
            )
    summary = []
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in runs:
        groups.setdefault((r["system"], r["db"]), []).append(r)
    for (system, db), group in sorted(groups.items()):
        row = {"system": system, "db": db, "n": shape["n"], "rounds": len(group)}
        row.update(report.summarize_runs(group, METRICS))
        row["duplicates"] = sum(r.get("duplicates") or 0 for r in group)
        row["misses"] = sum(r.get("misses") or 0 for r in group)
        row["expected"] = sum(r.get("expected") or 0 for r in group)
        summary.append(row)
    report.print_table(
        f"steady: {shape['n']:,} schedules every 5 minutes, {shape['n'] / shape['spread_s']:.0f} "
        f"slots/s, {shape['window_s']:.0f} s measured (medians over rounds)",
        ["system", "fires/s", "lag p50", "lag p99", "lag max", "CPU/fire", "RSS", "dup", "miss"],
        [
            [
                label(row),
                report.fmt(row["fires_per_s"]),
                report.fmt(row["lag_p50_s"], "s"),
                report.fmt(row["lag_p99_s"], "s"),
                report.fmt(row["lag_max_s"], "s"),
                report.fmt(row["cpu_per_fire_ms"], "ms"),
                report.fmt(row["rss_end_mib"], "MiB"),
                row["duplicates"],
                row["misses"],
            ]
            for row in summary
        ],
    )
    return {"shape": shape, "runs": runs, "summary": summary}
