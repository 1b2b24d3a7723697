"""`python -m bench SCENARIO [options]`: the benchmark suite (see docs/benchmarks.md).

Scenarios: burst, steady, startup, scaleout, api, cron, agentbound, or `all`. `--quick` runs a smaller
version of each (about a minute a scenario), `--smoke` a tiny one that only proves the
bench still works. `--json FILE` writes every run; `--markdown FILE` renders the report
(`all` without --quick/--smoke renders docs/benchmarks.md). `python -m bench report
FILE.json...` re-renders the markdown from saved JSON files.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shlex
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import machine
from bench.child import warm_bytecode
from bench.databases import Databases
from bench.harness import Context

SCENARIOS = ("burst", "steady", "startup", "scaleout", "cron", "api", "agentbound")
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_MARKDOWN = Path("docs/benchmarks.md")


def _setting(text: str) -> tuple[str, Any]:
    key, _, value = text.partition("=")
    if not value:
        raise argparse.ArgumentTypeError("use KEY=VALUE, e.g. runner_concurrency=500")
    try:
        return key.strip(), json.loads(value)
    except json.JSONDecodeError:
        return key.strip(), value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("scenario", choices=(*SCENARIOS, "all", "report"))
    p.add_argument("files", nargs="*", help="for `report`: the JSON files to render")
    p.add_argument("--quick", action="store_true", help="smaller sizes, one round")
    p.add_argument("--smoke", action="store_true", help="tiny sizes, SQLite only, no peers")
    p.add_argument("--rounds", type=int, help="rounds per configuration (default 3, quick 1)")
    p.add_argument("--db", default=None, help="comma list of sqlite,postgres (default both)")
    p.add_argument("--sizes", default=None, help="comma list of N overriding the scenario's")
    p.add_argument("--no-peers", action="store_true", help="skip APScheduler")
    p.add_argument(
        "--apscheduler-sqlite-defaults",
        action="store_true",
        help="burst: also run APScheduler's SQLite store on SQLite's own settings",
    )
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("AGENTCRON_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="server for throwaway agentcron_bench_* databases ('' to skip PostgreSQL)",
    )
    p.add_argument(
        "--setting", action="append", type=_setting, default=[], help="engine setting KEY=VALUE"
    )
    p.add_argument("--json", type=Path, help="write every run and the summaries here")
    p.add_argument("--markdown", type=Path, help="render the report here")
    p.add_argument("--workdir", type=Path, help="scratch directory (default: a temporary one)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.scenario == "report":
        from bench.document import render_files, write

        target = args.markdown or DEFAULT_MARKDOWN
        write(target, render_files([Path(f) for f in args.files]))
        print(f"wrote {target}")
        return 0
    dbs = (
        tuple(args.db.split(","))
        if args.db
        else ("sqlite",)
        if args.smoke
        else ("sqlite", "postgres")
    )
    if not args.postgres_url:
        dbs = tuple(d for d in dbs if d != "postgres")
    rounds = args.rounds or (1 if (args.quick or args.smoke) else 3)
    command = "python -m bench " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])
    )
    scenarios = SCENARIOS if args.scenario == "all" else (args.scenario,)
    record: dict[str, Any] = {
        "command": command,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "smoke" if args.smoke else "quick" if args.quick else "full",
        "rounds": rounds,
        "databases": list(dbs),
        "settings": dict(args.setting),
        "machine": machine.describe(args.postgres_url if "postgres" in dbs else None),
        "scenarios": {},
    }
    with tempfile.TemporaryDirectory(prefix="agentcron-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        databases = Databases(workdir, args.postgres_url if "postgres" in dbs else None)
        warm_bytecode()
        ctx = Context(
            workdir=workdir,
            databases=databases,
            quick=args.quick,
            smoke=args.smoke,
            rounds=rounds,
            dbs=dbs,
            peers=not (args.no_peers or args.smoke),
            apscheduler_sqlite_defaults=args.apscheduler_sqlite_defaults,
            settings=dict(args.setting),
            sizes=tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None,
        )
        failed = []
        try:
            for name in scenarios:
                print(f"\n== {name} ==", flush=True)
                started = time.monotonic()
                module = importlib.import_module(f"bench.{name}")
                try:
                    result = module.run(ctx)
                except Exception as exc:  # one broken scenario must not lose the others' figures
                    print(f"!! {name} failed: {exc}", flush=True)
                    result = {"error": str(exc)}
                    failed.append(name)
                result["wall_s"] = time.monotonic() - started
                record["scenarios"][name] = result
                if args.json:
                    _write_json(args.json, record)
        finally:
            databases.close()
    record["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    if args.json:
        _write_json(args.json, record)
        print(f"\nwrote {args.json}")
    markdown = args.markdown or (
        DEFAULT_MARKDOWN if args.scenario == "all" and record["mode"] == "full" else None
    )
    if markdown:
        from bench.document import write

        write(markdown, [record])
        print(f"wrote {markdown}")
    if failed:
        print(f"failed scenarios: {', '.join(failed)}")
        return 1
    return 0


def _write_json(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=1, default=str))
    tmp.replace(path)


if __name__ == "__main__":
    sys.exit(main())
