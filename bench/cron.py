"""Cron evaluation: next-fire computations per second through our trigger layer
(`agentcron.timing.build_trigger(spec).next_after`) against plain cronsim, the library
underneath, and APScheduler 3's CronTrigger for reference. The ratio is our overhead:
zone conversion, the DST rules and the strictly-later guarantee on top of cronsim.

Each variant walks forward from a fixed instant, one fire after another, for a fixed time:
- agentcron: one trigger, `next_after(previous fire)` (what previews and the engine ask);
- agentcron + build: `build_trigger(spec)` (validation and parsing) then `next_after`, per
  computation, which is what the engine paid per claimed row before triggers were cached;
- cronsim (new each time): `next(CronSim(expr, local))`, as our trigger calls it;
- cronsim (iterator): one CronSim iterated, its fastest use;
- apscheduler: CronTrigger.get_next_fire_time(previous, previous).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bench import report
from bench.child import run_child
from bench.harness import Context

EXPRESSIONS = (
    ("0 9 * * 1-5", "Europe/Berlin"),
    ("*/15 * * * *", "UTC"),
    ("30 2 * * *", "America/New_York"),
    ("0 0 1 * *", "Asia/Tokyo"),
)
START = datetime(2026, 3, 1, tzinfo=UTC)


def _rate(step: Callable[[], object], seconds: float) -> float:
    count = 0
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        for _ in range(100):
            step()
        count += 100
    return count / (time.perf_counter() - started)


def _variants(expression: str, zone: str) -> dict[str, Callable[[], object]]:
    from apscheduler.triggers.cron import CronTrigger as ApsCron
    from cronsim import CronSim

    from agentcron.timing import ScheduleSpec, ScheduleType, build_trigger

    spec = ScheduleSpec(ScheduleType.CRON, timezone=zone, cron_expression=expression)
    trigger = build_trigger(spec)
    tz = ZoneInfo(zone)
    state: dict[str, Any] = {}

    def ours() -> object:
        state["a"] = trigger.next_after(state.get("a", START)) or START
        return state["a"]

    def ours_built() -> object:
        state["b"] = build_trigger(spec).next_after(state.get("b", START)) or START
        return state["b"]

    def cronsim_new() -> object:
        state["c"] = next(CronSim(expression, state.get("c", START.astimezone(tz))))
        return state["c"]

    iterator = CronSim(expression, START.astimezone(tz))

    def cronsim_iter() -> object:
        return next(iterator)

    aps = ApsCron.from_crontab(expression, timezone=zone)

    def apscheduler() -> object:
        previous = state.get("d", START)
        state["d"] = aps.get_next_fire_time(previous, previous + timedelta(seconds=1)) or START
        return state["d"]

    return {
        "agentcron": ours,
        "agentcron + build": ours_built,
        "cronsim (new each time)": cronsim_new,
        "cronsim (iterator)": cronsim_iter,
        "apscheduler": apscheduler,
    }


def cron_rates(spec: dict[str, Any]) -> dict[str, Any]:
    rates: dict[str, dict[str, float]] = {}
    for expression, zone in EXPRESSIONS:
        for name, step in _variants(expression, zone).items():
            step()  # warm: imports, zone files, caches
            rates.setdefault(name, {})[f"{expression} ({zone})"] = _rate(step, spec["seconds"])
    return {"rates": rates}


def run(ctx: Context) -> dict[str, Any]:
    seconds = 0.1 if ctx.smoke else 0.3 if ctx.quick else 1.0
    runs = []
    for round_no in range(1, ctx.rounds + 1):
        result = run_child("bench.cron:cron_rates", {"seconds": seconds}, ctx.workdir, 300)
        result["round"] = round_no
        runs.append(result)
    names = list(runs[0]["rates"])
    cases = list(runs[0]["rates"][names[0]])
    summary = []
    for case in cases:
        row: dict[str, Any] = {"case": case}
        for name in names:
            row[name] = report.median(r["rates"][name][case] for r in runs)
        row["overhead_vs_cronsim"] = report.ratio(row["cronsim (new each time)"], row["agentcron"])
        summary.append(row)
    report.print_table(
        "cron: next fires per second (medians); overhead = cronsim (new each time) ÷ agentcron",
        ["expression", *names, "overhead"],
        [
            [
                row["case"],
                *(report.fmt(row[n]) for n in names),
                report.fmt(row["overhead_vs_cronsim"]) + "×",
            ]
            for row in summary
        ],
    )
    return {"runs": runs, "summary": summary, "seconds_per_case": seconds}
