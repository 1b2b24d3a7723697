"""docs/benchmarks.md from the JSON the runs wrote: the goals table, one table per scenario,
the machine and the commands. Text after KEEP_MARKER in an existing file is hand-written
and kept as it is when the figures are rendered again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.report import fmt, median, table

KEEP_MARKER = (
    "<!-- Hand-written notes below this line are kept when the figures are re-rendered. -->"
)


def _label(row: dict[str, Any]) -> str:
    system = row["system"]
    return (
        "APScheduler, memory store"
        if system == "apscheduler-memory"
        else {
            "agentcron": "agentcron",
            "apscheduler-sqlalchemy": "APScheduler, SQLAlchemy store",
            "apscheduler-sqlalchemy-defaults": "APScheduler, SQLAlchemy store, SQLite defaults",
        }[system]
        + f" ({row['db']})"
    )


def _all(records: list[dict[str, Any]], name: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every record with a usable result for this scenario, with that result, in order."""
    found = []
    for record in records:
        result = record.get("scenarios", {}).get(name)
        if result and "error" not in result and result.get("summary"):
            found.append((record, result))
    return found


def _pick(records: list[dict[str, Any]], name: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The first (main) record with a usable result for this scenario: the goals' source."""
    found = _all(records, name)
    return found[0] if found else None


def _ratio_text(values: list[float | None] | None) -> str:
    if not values:
        return ""
    shown = [f"{v:.1f}×" if v is not None else "–" for v in values]
    return f"{median(values) or 0:.1f}× ({', '.join(shown)})"


def burst_section(result: dict[str, Any]) -> str:
    defaults = any(r.get("ratio_vs_apscheduler-sqlalchemy-defaults") for r in result["summary"])
    rows = []
    for row in result["summary"]:
        rows.append(
            [
                f"{row['n']:,}",
                _label(row),
                row["rounds"],
                fmt(row["fires_per_s"]),
                fmt(row["time_to_all_s"], "s"),
                fmt(row["lag_p50_s"], "s"),
                fmt(row["lag_p99_s"], "s"),
                fmt(row["lag_max_s"], "s"),
                fmt(row["peak_rss_mib"], "MiB"),
                f"{row['duplicates']} / {row['misses']}",
                _ratio_text(row.get("ratio_vs_apscheduler-sqlalchemy")),
                _ratio_text(row.get("ratio_vs_apscheduler-memory")),
                *(
                    [_ratio_text(row.get("ratio_vs_apscheduler-sqlalchemy-defaults"))]
                    if defaults
                    else []
                ),
            ]
        )
    return "\n".join(
        [
            "## Burst: N schedules due at the same instant",
            "",
            "Time from the instant to the last outcome committed (agentcron) or the last job run "
            "(APScheduler), fires per second over that time, lag of each start after the instant "
            "(measured where the agent or job function really started), peak RSS of the process, "
            "duplicates / misses (from agentcron's rows and the agent's own count; from "
            "APScheduler's listener). Ratios: agentcron fires/s ÷ peer fires/s, median and per "
            "round, against the SQLAlchemy store on the same database and against the memory store"
            + (
                ", and on SQLite against the SQLAlchemy store on SQLite's own settings."
                if defaults
                else "."
            ),
            "",
            table(
                [
                    "N",
                    "system",
                    "rounds",
                    "fires/s",
                    "all done",
                    "lag p50",
                    "lag p99",
                    "lag max",
                    "peak RSS",
                    "dup / miss",
                    "÷ SQLAlchemy store",
                    "÷ memory store",
                    *(["÷ SQLAlchemy store, SQLite defaults"] if defaults else []),
                ],
                rows,
            ),
        ]
    )


def steady_section(result: dict[str, Any]) -> str:
    shape = result["shape"]
    rows = [
        [
            _label(row),
            row["rounds"],
            fmt(row["fires_per_s"]),
            fmt(row["lag_p50_s"], "s"),
            fmt(row["lag_p99_s"], "s"),
            fmt(row["lag_max_s"], "s"),
            fmt(row["cpu_per_fire_ms"], "ms"),
            fmt(row["rss_end_mib"], "MiB"),
            f"{row['duplicates']} / {row['misses']} of {row['expected']:,}",
        ]
        for row in result["summary"]
    ]
    return "\n".join(
        [
            "## Steady state: a constant rate of due slots",
            "",
            f"{shape['n']:,} schedules every 5 minutes, anchors spread over {shape['spread_s']:.0f} s "
            f"({shape['n'] / shape['spread_s']:.0f} slots a second), measured for "
            f"{shape['window_s']:.0f} s after a {shape['warmup_s']:.0f} s warm-up. CPU per fire: "
            "the process's CPU time over the window divided by the fires in it (the database "
            "server's CPU not included).",
            "",
            table(
                [
                    "system",
                    "rounds",
                    "fires/s",
                    "lag p50",
                    "lag p99",
                    "lag max",
                    "CPU / fire",
                    "RSS",
                    "dup / miss",
                ],
                rows,
            ),
        ]
    )


def startup_section(result: dict[str, Any]) -> str:
    rows = [
        [
            f"{row['n']:,}",
            f"{'agentcron' if row['system'] == 'agentcron' else 'APScheduler, SQLAlchemy store'} ({row['db']})",
            row["rounds"],
            fmt(row["first_fire_s"], "s"),
            fmt(row.get("engine_first_fire_s"), "s"),
            fmt(row["rss_after_mib"], "MiB"),
        ]
        for row in result["summary"]
    ]
    return "\n".join(
        [
            "## Start-up with many schedules stored",
            "",
            "`process → first fire`: a subprocess (`agentcron worker`; for APScheduler a Python "
            "process starting a BackgroundScheduler on its SQLAlchemy store) from just before it "
            "is spawned to its first fire, imports included (bytecode cached). `engine → first "
            "fire`: in a process with everything imported, from build_use_cases + start "
            "to the first agent call. RSS three seconds after the first fire.",
            "",
            table(
                [
                    "N stored",
                    "system",
                    "rounds",
                    "process → first fire",
                    "engine → first fire",
                    "RSS after",
                ],
                rows,
            ),
        ]
    )


def scaleout_section(result: dict[str, Any]) -> str:
    rows = [
        [
            f"{row['n']:,}",
            row["workers"],
            row["rounds"],
            fmt(row["fires_per_s"]),
            fmt(row["time_to_all_s"], "s"),
            fmt(row.get("speedup_vs_1")),
            fmt(row["cpu_per_fire_ms"], "ms"),
            fmt(row.get("postgres_cpu_per_fire_ms"), "ms"),
            "–" if row.get("machine_busy") is None else f"{row['machine_busy'] * 100:.0f}%",
            f"{row['duplicates']} / {row['misses']}",
        ]
        for row in result["summary"]
    ]
    return "\n".join(
        [
            "## Scale-out on PostgreSQL",
            "",
            "One burst shared by 1, 2 and 4 `agentcron worker` processes on one PostgreSQL. "
            "CPU / fire is the workers' CPU; PG CPU / fire is the PostgreSQL server's "
            "(every `postgres` process on the machine). Machine busy: all cores together, from "
            "the instant to the poll (every 0.25 s) that saw the last outcome. On this 2-core "
            "machine the workers, the PostgreSQL server and the bench share the same two "
            "cores, so once they are saturated more workers cannot add speed.",
            "",
            table(
                [
                    "N",
                    "workers",
                    "rounds",
                    "fires/s",
                    "all done",
                    "× one worker",
                    "CPU / fire",
                    "PG CPU / fire",
                    "machine busy",
                    "dup / miss",
                ],
                rows,
            ),
        ]
    )


def api_section(result: dict[str, Any]) -> str:
    rows = [
        [
            row["db"],
            row["workers"],
            row["rounds"],
            f"{fmt(row['create_rps'])} / {row['create_p99_ms']:.0f} ms",
            f"{fmt(row['list_rps'])} / {row['list_p99_ms']:.0f} ms",
            f"{fmt(row['get_rps'])} / {row['get_p99_ms']:.0f} ms",
            row["failed"],
        ]
        for row in result["summary"]
    ]
    shape = result["shape"]
    if "seconds" in shape:
        per_user = [r.get("schedules_per_user") for r in result["runs"]]
        known = [v for v in per_user if v]
        how = (
            f"`agentcron serve` subprocess, 1 and 2 server workers. Load from wrk (one thread, "
            f"32 keep-alive connections) for {shape['seconds']} s per operation: creates, then "
            f"lists (`limit=50`) and gets, spread over {shape['accounts']} users (each ended "
            f"with {min(known):,.0f}–{max(known):,.0f} schedules). Users and tokens made with "
            "the CLI; AGENTCRON_WRITE_RATE_PER_MINUTE and AGENTCRON_MAX_SCHEDULES_PER_USER "
            "raised for the run. wrk shares the two cores with the server."
        )
    else:
        how = (
            f"`agentcron serve` subprocess, 1 and 2 server workers; {shape['creates']:,} creates, "
            f"{shape['lists']:,} lists (50 items) and {shape['gets']:,} gets per run, 32 in "
            "flight from an async httpx client on the same machine (which costs more CPU per "
            "request than the server). Users and tokens made with the CLI; "
            "AGENTCRON_WRITE_RATE_PER_MINUTE raised to 1,000,000,000 for the run."
        )
    return "\n".join(
        [
            "## API",
            "",
            how,
            "",
            table(
                [
                    "db",
                    "server workers",
                    "rounds",
                    "create: req/s / p99",
                    "list: req/s / p99",
                    "get: req/s / p99",
                    "failed",
                ],
                rows,
            ),
        ]
    )


def cron_section(result: dict[str, Any]) -> str:
    names = [k for k in result["summary"][0] if k not in ("case", "overhead_vs_cronsim")]
    rows = [
        [row["case"], *(fmt(row[n]) for n in names), f"{row['overhead_vs_cronsim']:.2f}×"]
        for row in result["summary"]
    ]
    return "\n".join(
        [
            "## Cron evaluation",
            "",
            "Next fire times per second, walking forward one fire at a time. Overhead: plain "
            "cronsim (a CronSim per computation, as our trigger uses it) ÷ "
            "`build_trigger(spec).next_after`. `+ build` builds the trigger every time (what "
            "the engine paid per claimed row before it kept parsed triggers).",
            "",
            table(["expression (zone)", *names, "our overhead"], rows),
        ]
    )


def agentbound_section(result: dict[str, Any]) -> str:
    from bench.agentbound import DELAY_S, HEADERS, table_rows

    return "\n".join(
        [
            "## Agent-bound",
            "",
            f"N schedules due at once against a webhook agent that answers after {DELAY_S:g} s "
            "(`bench.receiver`: a real HTTP server on 127.0.0.1 in its own process, asyncio, "
            "counting requests in flight and when each arrived). `all done`: from the slot to "
            "the last outcome committed; `ideal`: waves of 2 s as wide as the tightest limit "
            "allows (N × 2 s ÷ concurrency), and for a rate the minutes its starts must span. "
            "`peak in flight` and `max starts/60 s` are the receiver's own counts; `peak RSS` "
            "is the engine process's. Goals: within 10% of ideal, RSS ≤ 300 MiB at 2,000 in "
            "flight; with `max_concurrency = 50`, `rate_per_minute = 600`: never more than 50 "
            "in flight or 600 starts in any minute, nothing lost, nothing missed.",
            "",
            table(HEADERS, table_rows(result["summary"])),
        ]
    )


SECTIONS = {
    "burst": burst_section,
    "steady": steady_section,
    "startup": startup_section,
    "scaleout": scaleout_section,
    "api": api_section,
    "cron": cron_section,
    "agentbound": agentbound_section,
}


def _find(summary: list[dict[str, Any]], **match: Any) -> dict[str, Any] | None:
    for row in summary:
        if all(row.get(k) == v for k, v in match.items()):
            return row
    return None


def _core_ceiling(result: dict[str, Any], row: dict[str, Any]) -> float | None:
    """This row's fires/s as a share of what the machine's cores could do at the CPU per
    fire measured (workers + PostgreSQL server): 1.0 means every core was spent firing."""
    cores = next((r.get("cores") for r in result.get("runs", []) if r.get("cores")), None)
    worker, server = row.get("cpu_per_fire_ms"), row.get("postgres_cpu_per_fire_ms")
    if not cores or not worker or server is None or not row.get("fires_per_s"):
        return None
    return float(row["fires_per_s"]) / (float(cores) * 1000 / (worker + server))


def goals(records: list[dict[str, Any]]) -> str:
    lines = []

    def add(goal: str, result: str, met: bool | None) -> None:
        mark = "–" if met is None else ("met" if met else "**missed**")
        lines.append([goal, result, mark])

    burst = _pick(records, "burst")
    if burst:
        s = burst[1]["summary"]
        for db, factor in (("sqlite", 10), ("postgres", 5)):
            ours = _find(s, n=10_000, system="agentcron", db=db)
            if ours:
                r = ours.get("ratio_vs_apscheduler-sqlalchemy_median")
                add(
                    f"burst 10,000 on {db}: ≥ {factor}× APScheduler's SQLAlchemy store",
                    f"{fmt(ours['fires_per_s'])} fires/s, {fmt(r)}× the peer",
                    None if r is None else r >= factor,
                )
                d = ours.get("ratio_vs_apscheduler-sqlalchemy-defaults_median")
                if d is not None:
                    add(
                        f"burst 10,000 on {db}: ≥ {factor}× APScheduler's SQLAlchemy store "
                        "as it comes (SQLite's default journal and sync)",
                        f"{fmt(d)}× the peer",
                        d >= factor,
                    )
                add(
                    f"burst 10,000 on {db}: p99 lag ≤ 2 s"
                    + ("" if db == "sqlite" else " (the goal is SQLite's; for comparison)"),
                    fmt(ours["lag_p99_s"], "s"),
                    (ours["lag_p99_s"] is not None and ours["lag_p99_s"] <= 2)
                    if db == "sqlite"
                    else None,
                )
                m = ours.get("ratio_vs_apscheduler-memory_median")
                add(
                    f"burst 10,000 on {db}: ≥ 0.5× APScheduler's memory store",
                    f"{fmt(m)}×",
                    None if m is None else m >= 0.5,
                )
    scale = _pick(records, "scaleout")
    if scale and scale[1]["summary"]:
        two = _find(scale[1]["summary"], workers=2)
        if two:
            measured = f"{fmt(two.get('speedup_vs_1'))}× one worker"
            ceiling = _core_ceiling(scale[1], two)
            if ceiling:
                measured += f"; {ceiling * 100:.0f}% of what the cores allow"
            add(
                f"PostgreSQL, {two['n']:,} burst: near-linear gain with 2 workers",
                measured,
                two.get("speedup_vs_1") is not None and two["speedup_vs_1"] >= 1.8,
            )
    steady = _pick(records, "steady")
    if steady:
        for row in steady[1]["summary"]:
            if row["system"] == "agentcron":
                add(
                    f"steady {row['n'] / steady[1]['shape']['spread_s']:.0f} fires/s on {row['db']}: p99 lag ≤ 250 ms",
                    fmt(row["lag_p99_s"], "s"),
                    row["lag_p99_s"] is not None and row["lag_p99_s"] <= 0.25,
                )
    startup = _pick(records, "startup")
    if startup:
        s = startup[1]["summary"]
        for db in ("sqlite", "postgres"):
            mine = sorted(
                (r for r in s if r["system"] == "agentcron" and r["db"] == db), key=lambda r: r["n"]
            )
            if not mine:
                continue
            big = mine[-1]
            add(
                f"start-up with {big['n']:,} schedules on {db}: ≤ 2 s to first fire",
                f"process {fmt(big['first_fire_s'], 's')}, engine {fmt(big['engine_first_fire_s'], 's')}",
                big["first_fire_s"] is not None and big["first_fire_s"] <= 2,
            )
            if len(mine) > 1:
                small = mine[0]
                growth = big["rss_after_mib"] / small["rss_after_mib"]
                add(
                    f"start-up on {db}: RSS flat from {small['n']:,} to {big['n']:,} schedules",
                    f"{fmt(small['rss_after_mib'], 'MiB')} → {fmt(big['rss_after_mib'], 'MiB')}",
                    growth <= 1.1,
                )
    dup = miss = 0
    for name in ("burst", "steady", "scaleout"):
        for _record, result in _all(records, name):
            for row in result["summary"]:
                if row.get("system", "agentcron") == "agentcron":
                    dup += row.get("duplicates") or 0
                    miss += row.get("misses") or 0
    add(
        "zero duplicates and zero misses (agentcron, every run)",
        f"{dup} duplicates, {miss} misses",
        dup == 0 and miss == 0,
    )
    return table(["goal", "measured (medians)", ""], lines)


def render(records: list[dict[str, Any]]) -> str:
    machine = records[-1]["machine"]
    commands = "\n".join(f"    {r['command']}   # {r['started_at']}, {r['mode']}" for r in records)
    settings = {k: v for r in records for k, v in r.get("settings", {}).items()}
    parts = [
        "# Benchmarks",
        "",
        "agentcron against APScheduler 3.11, the usual in-process scheduler, measured by "
        "`python -m bench` (`make bench`; `make bench-quick` for a run of a few minutes; "
        "`python -m bench SCENARIO --quick` for one scenario). Every figure below comes from "
        "the JSON those runs wrote; `python -m bench report FILE.json...` renders this page again.",
        "",
        "Produced by:",
        "",
        commands,
        "",
        "## Machine",
        "",
        table(
            ["", ""],
            [
                ["CPUs (nproc)", machine.get("nproc")],
                ["memory", f"{machine.get('memory_gib')} GiB"],
                ["CPU", machine.get("cpu_model")],
                ["kernel", machine.get("kernel")],
                ["Python", machine.get("python")],
                ["SQLite", machine.get("sqlite")],
                ["PostgreSQL", machine.get("postgresql")],
                ["SQLAlchemy / psycopg", f"{machine.get('sqlalchemy')} / {machine.get('psycopg')}"],
                [
                    "APScheduler / cronsim",
                    f"{machine.get('apscheduler')} / {machine.get('cronsim')}",
                ],
                [
                    "load average at start",
                    ", ".join(f"{x:.2f}" for x in machine.get("load_average_at_start") or []),
                ],
            ],
        ),
        "",
        "The machine was shared with other work while these ran (see the load averages), so "
        "absolute figures carry noise of tens of percent; the ratios are measured round by "
        "round, each system right after the other.",
        "",
        "## Set-up",
        "",
        "- agentcron: engine settings "
        + (
            ", ".join(f"`{k}={v}`" for k, v in settings.items())
            if settings
            else "at their defaults"
        )
        + "; the agent is a no-op Python callable (`bench.agents:noop`) through the real "
        "`python` backend, registry, runner and recorder. SQLite in WAL with "
        "synchronous=NORMAL (the store's set-up); PostgreSQL on 127.0.0.1, a fresh database "
        "per run.",
        "- APScheduler 3.11: BackgroundScheduler with its default thread pool (10 threads), "
        "`misfire_grace_time=None` (run however late), `coalesce=False`; SQLAlchemyJobStore "
        "on a fresh database of the same server (SQLite given the same WAL + "
        "synchronous=NORMAL, PostgreSQL through psycopg 3), or MemoryJobStore; where the "
        "tables show `SQLite defaults`, its SQLite store was left as SQLite comes (rollback "
        "journal, synchronous=FULL), as APScheduler runs out of the box. Jobs use the "
        "same cron expression and zones as the schedules (`0 9 * * 1-5` in four zones; "
        "5-minute intervals in the steady state); the job function only returns when it started.",
        "- Both systems are seeded with a bulk insert of rows in their own format, run in "
        "fresh child processes (so RSS and CPU are theirs alone), one after the other, "
        "round after round.",
        "",
        "## Goals",
        "",
        goals(records),
    ]
    for name, section in SECTIONS.items():
        for index, (record, result) in enumerate(_all(records, name)):
            text = section(result)
            if index:  # a further run of the same scenario: a sub-section of the first
                heading, _, body = text.partition("\n")
                text = f"#{heading} (further run)\n{body}"
            parts += ["", text, "", f"_From `{record['command']}`._"]
    return "\n".join(parts) + "\n"


def write(path: Path, records: list[dict[str, Any]]) -> None:
    kept = ""
    if path.exists():
        old = path.read_text()
        if KEEP_MARKER in old:
            kept = old.split(KEEP_MARKER, 1)[1]
    path.write_text(render(records) + "\n" + KEEP_MARKER + (kept or "\n"))


def render_files(paths: list[Path]) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in paths]
