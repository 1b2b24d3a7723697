"""Start-up: how long from starting a process to its first fire, with N schedules stored,
and how much memory it holds afterwards (which must not grow with N: the engine keeps no
schedule list in memory).

Measured two ways for agentcron:
- `process`: a real `agentcron worker` subprocess, from just before it is spawned to the
  `started_at` of the first execution it writes (interpreter start and imports included,
  with bytecode cached as an installed package has it);
- `engine`: in a child process with everything imported, from the call to start the
  runtime (build_use_cases + start, what the worker does) to the first agent call.

The N schedules are due over the next day (none during the measurement) except 10 that
are due at once. APScheduler (SQLAlchemy job store, same database) is started the same
way in a subprocess; its memory store is left out (it would have to be filled first).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy import text as text_clause

from agentcron.store.database import Store
from agentcron.store.tables import Attempt, Execution, ScheduledCommand, table_of
from bench import report
from bench.child import ROOT, child_env, rss_mib, rss_of, run_child, stop
from bench.databases import Database, SchedulePlan, seed_schedules
from bench.harness import Context, start_engine

SIZES = (100_000, 1_000_000)
QUICK_SIZES = (100_000,)
SMOKE_SIZES = (1_000,)
DUE_NOW = 10
AGENTCRON = str(__import__("pathlib").Path(sys.executable).with_name("agentcron"))


def _make_some_due(url: str) -> datetime:
    """DUE_NOW schedules due now, every execution forgotten: each round starts alike."""
    store = Store(url)
    now = datetime.now(UTC)
    table = table_of(ScheduledCommand)
    try:
        with store.write() as session:
            session.execute(delete(Attempt))
            session.execute(delete(Execution))
            ids = list(session.scalars(select(table.c.id).order_by(table.c.id).limit(DUE_NOW)))
            session.execute(update(table).where(table.c.id.in_(ids)).values(next_run_at=now))
    finally:
        store.dispose()
    return now


def _first_start(store: Store) -> datetime | None:
    with store.read() as session:
        return session.scalar(select(func.min(Execution.started_at)))


# -- in the child -----------------------------------------------------------------------------


def agentcron_engine_start(spec: dict[str, Any]) -> dict[str, Any]:
    return asyncio.run(_engine_start(spec))


async def _engine_start(spec: dict[str, Any]) -> dict[str, Any]:
    from bench import agents

    started = time.time()
    runtime = await start_engine(spec)
    deadline = time.monotonic() + 60
    while not agents.STARTS and time.monotonic() < deadline:  # noqa: ASYNC110 - polled on purpose
        await asyncio.sleep(0.002)
    first = min(agents.STARTS) - started if agents.STARTS else None
    await asyncio.sleep(3.0)
    rss = rss_mib()
    await runtime.stop()
    return {"first_fire_s": first, "rss_after_mib": rss}


def apscheduler_start(spec: dict[str, Any]) -> dict[str, Any]:
    from bench.peers import Tally, build_scheduler, wait_until

    tally = Tally()
    scheduler = build_scheduler("sqlalchemy", spec["url"], tally)
    scheduler.start()
    wait_until(lambda: tally.fired > 0, 120, poll_s=0.002)
    first = min(tally.starts) - spec["spawned_at"] if tally.starts else None
    time.sleep(3.0)
    rss = rss_mib()
    scheduler.shutdown(wait=True)
    return {"first_fire_s": first, "rss_after_mib": rss}


# -- in the parent ----------------------------------------------------------------------------


def _worker_round(ctx: Context, db: Database) -> dict[str, Any]:
    _make_some_due(db.url)
    store = Store(db.url)
    env = child_env(
        AGENTCRON_DATABASE_URL=db.url,
        AGENTCRON_AGENTS_FILE=str(ctx.agents_file),
        AGENTCRON_LOG_LEVEL="WARNING",
        AGENTCRON_DATA_DIR=str(ctx.workdir),
        **{f"AGENTCRON_{k.upper()}": str(v) for k, v in ctx.engine_settings().items()},
    )
    log = (ctx.workdir / "startup-worker.log").open("ab")
    spawned = time.time()
    proc = subprocess.Popen([AGENTCRON, "worker"], env=env, cwd=ROOT, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 120
        first = None
        while first is None and time.monotonic() < deadline and proc.poll() is None:
            first = _first_start(store)
            if first is None:
                time.sleep(0.01)
        time.sleep(3.0)
        memory = rss_of(proc.pid)
    finally:
        stop(proc, grace_s=30)
        log.close()
        store.dispose()
    return {
        "first_fire_s": first.timestamp() - spawned if first else None,
        "rss_after_mib": memory.get("rss_mib"),
        "peak_rss_mib": memory.get("peak_rss_mib"),
    }


def run_agentcron(ctx: Context, kind: str, n: int, rounds: int) -> list[dict[str, Any]]:
    db = ctx.fresh(kind)
    results = []
    try:
        started = time.monotonic()
        seed_schedules(
            db.url,
            SchedulePlan(n, first_at=datetime.now(UTC) + timedelta(hours=1), spread_s=86_400),
        )
        seed_s = time.monotonic() - started
        for round_no in range(1, rounds + 1):
            worker = _worker_round(ctx, db)
            _make_some_due(db.url)
            spec = {
                "url": db.url,
                "agents_file": str(ctx.agents_file),
                "workdir": str(ctx.workdir),
                "settings": ctx.engine_settings(),
            }
            engine = run_child("bench.startup:agentcron_engine_start", spec, ctx.workdir, 180)
            results.append(
                {
                    "system": "agentcron",
                    "db": kind,
                    "n": n,
                    "round": round_no,
                    "seed_s": seed_s,
                    "first_fire_s": worker["first_fire_s"],
                    "rss_after_mib": worker["rss_after_mib"],
                    "peak_rss_mib": worker["peak_rss_mib"],
                    "engine_first_fire_s": engine["first_fire_s"],
                    "engine_rss_after_mib": engine["rss_after_mib"],
                    "settings": ctx.engine_settings(),
                }
            )
    finally:
        ctx.databases.drop(db)
    return results


def _aps_due_now(url: str, round_no: int) -> None:
    """DUE_NOW jobs due at once (fresh ids each round; the last round's are removed)."""
    from bench.peers import JobPlan, peer_engine, seed_sqlalchemy_store

    engine = peer_engine(url)
    with engine.begin() as conn:
        conn.execute(text_clause("DELETE FROM apscheduler_jobs WHERE id LIKE 'due-%'"))
    engine.dispose()
    seed_sqlalchemy_store(
        url, JobPlan(DUE_NOW, "cron", datetime.now(UTC)), prefix=f"due-{round_no}-"
    )


def run_apscheduler(ctx: Context, kind: str, n: int, rounds: int) -> list[dict[str, Any]]:
    from bench.peers import JobPlan, seed_sqlalchemy_store

    results = []
    db = ctx.fresh(kind, migrated=False)
    try:
        seed_sqlalchemy_store(
            db.url, JobPlan(n - DUE_NOW, "cron", datetime.now(UTC) + timedelta(hours=1), 86_400)
        )
        for round_no in range(1, rounds + 1):
            _aps_due_now(db.url, round_no)
            spec = {"url": db.url, "spawned_at": time.time()}
            child = run_child("bench.startup:apscheduler_start", spec, ctx.workdir, 300)
            results.append(
                {"system": "apscheduler-sqlalchemy", "db": kind, "n": n, "round": round_no, **child}
            )
    finally:
        ctx.databases.drop(db)
    return results


def run(ctx: Context) -> dict[str, Any]:
    sizes = ctx.sizes or (SMOKE_SIZES if ctx.smoke else QUICK_SIZES if ctx.quick else SIZES)
    rounds = ctx.rounds
    runs: list[dict[str, Any]] = []
    for n in sizes:
        for kind in ctx.dbs:
            for result in run_agentcron(ctx, kind, n, rounds):
                runs.append(result)
                ctx.log(
                    f"  startup n={n:,} agentcron ({kind}) round {result['round']}: worker first fire "
                    f"{report.fmt(result['first_fire_s'], 's')}, engine first fire "
                    f"{report.fmt(result['engine_first_fire_s'], 's')}, RSS "
                    f"{report.fmt(result['rss_after_mib'], 'MiB')} (seeded in {result['seed_s']:.0f} s)"
                )
            if ctx.peers:
                for result in run_apscheduler(ctx, kind, n, rounds):
                    runs.append(result)
                    ctx.log(
                        f"  startup n={n:,} apscheduler-sqlalchemy ({kind}) round {result['round']}: "
                        f"first fire {report.fmt(result['first_fire_s'], 's')}, RSS "
                        f"{report.fmt(result['rss_after_mib'], 'MiB')}"
                    )
    groups: dict[tuple[int, str, str], list[dict[str, Any]]] = {}
    for r in runs:
        groups.setdefault((r["n"], r["system"], r["db"]), []).append(r)
    summary = []
    for (n, system, db), group in sorted(groups.items()):
        row = {"n": n, "system": system, "db": db, "rounds": len(group)}
        row.update(
            report.summarize_runs(
                group, ("first_fire_s", "engine_first_fire_s", "rss_after_mib", "peak_rss_mib")
            )
        )
        summary.append(row)
    report.print_table(
        "start-up (medians): process start → first fire; engine start → first fire; RSS after",
        ["N", "system", "process → fire", "engine → fire", "RSS after"],
        [
            [
                f"{row['n']:,}",
                f"{row['system']} ({row['db']})",
                report.fmt(row["first_fire_s"], "s"),
                report.fmt(row.get("engine_first_fire_s"), "s"),
                report.fmt(row["rss_after_mib"], "MiB"),
            ]
            for row in summary
        ],
    )
    return {"runs": runs, "summary": summary}
