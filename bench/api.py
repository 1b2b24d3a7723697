"""API: requests per second and latency of create, list (50 items) and get, against a real
`agentcron serve` subprocess on 127.0.0.1 with 1 and 2 server workers (`--workers`).

Users and their tokens are made with the CLI (`agentcron users create`, `agentcron tokens
create NAME --json`). The write rate limit is raised for the run
(AGENTCRON_WRITE_RATE_PER_MINUTE=1000000000): the default 120 a minute per user would
refuse a load test after two seconds.

The load comes from wrk (Debian's `wrk` package: C, one thread, CONCURRENCY keep-alive
connections) when it is installed, else from an async httpx client in the bench process.
Both share the two cores with the server; wrk takes a fraction of the CPU httpx needs per
request, so with it the figures are the server's rather than the client's. With wrk each
operation runs for a fixed time, spread over ACCOUNTS users (the per-user cap on schedules
is raised for the run, so a user ends with a few dozen to a few hundred); with httpx a
fixed number of requests, one user per 50 creates.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import report
from bench.child import ROOT, child_env, stop
from bench.databases import Database
from bench.harness import Context
from bench.startup import AGENTCRON

CONCURRENCY = 32
WORKERS = (1, 2)
WRITE_RATE = 1_000_000_000
PER_USER = 50
ACCOUNTS = 10  # with wrk
WRK = shutil.which("wrk")


def _shape(ctx: Context) -> dict[str, int]:
    if WRK:
        seconds = 1 if ctx.smoke else 3 if ctx.quick else 8
        return {"seconds": seconds, "accounts": 2 if ctx.smoke else ACCOUNTS}
    if ctx.smoke:
        return {"creates": 50, "lists": 100, "gets": 100}
    if ctx.quick:
        return {"creates": 200, "lists": 600, "gets": 600}
    return {"creates": 500, "lists": 1000, "gets": 2000}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Account:
    name: str
    token: str
    schedule_ids: list[str] = field(default_factory=list)


def _cli(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [AGENTCRON, *args, "--json"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(f"agentcron {' '.join(args)} failed: {done.stderr or done.stdout}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _accounts(env: dict[str, str], count: int, tag: str) -> list[Account]:
    accounts = []
    for index in range(count):
        name = f"load-{tag}-{index}"
        _cli(env, "users", "create", name)
        accounts.append(Account(name, _cli(env, "tokens", "create", name)["token"]))
    return accounts


async def _load(
    base: str, requests: list[tuple[str, str, Account, dict[str, Any] | None]]
) -> dict[str, Any]:
    """Run the requests with CONCURRENCY in flight; latencies and outcome counts."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[tuple[str, str, Account, dict[str, Any] | None]] = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def worker() -> None:
            while not queue.empty():
                method, path, account, body = queue.get_nowait()
                started = time.perf_counter()
                response = await client.request(
                    method, path, json=body, headers={"Authorization": f"Bearer {account.token}"}
                )
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if method == "POST" and response.status_code == 201:
                    account.schedule_ids.append(response.json()["id"])

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    ok = sum(v for k, v in statuses.items() if 200 <= k < 300)
    return {
        "requests": len(requests),
        "ok": ok,
        "statuses": statuses,
        "elapsed_s": elapsed,
        "rps": ok / elapsed if elapsed else None,
        "p50_ms": (report.percentile(latencies, 50) or 0) * 1000,
        "p99_ms": (report.percentile(latencies, 99) or 0) * 1000,
    }


def _create_body(index: int) -> dict[str, Any]:
    zones = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo")
    return {
        "command_text": f"@echo check the nightly build #{index}",
        "schedule_type": "cron",
        "cron_expression": "0 9 * * 1-5",
        "timezone": zones[index % len(zones)],
    }


def _lua_list(values: list[str]) -> str:
    return "{" + ", ".join(json.dumps(v) for v in values) + "}"


def _wrk_script(workdir: Path, name: str, body: str) -> Path:
    path = workdir / f"wrk-{name}.lua"
    path.write_text(body)
    return path


def _create_script(workdir: Path, accounts: list[Account]) -> Path:
    """POST a new schedule per request, the users taking turns."""
    body = _create_body(0)
    template = json.dumps({**body, "command_text": "@echo check the nightly build #%d"})
    template = template.replace('"UTC"', '"%s"')
    return _wrk_script(
        workdir,
        "create",
        f"""local tokens = {_lua_list([a.token for a in accounts])}
local zones = {{"UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"}}
local template = {json.dumps(template)}
local n = 0
request = function()
  n = n + 1
  local token = tokens[n % #tokens + 1]
  return wrk.format("POST", "/api/scheduled-commands",
    {{["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}},
    string.format(template, n, zones[n % #zones + 1]))
end
""",
    )


def _read_script(workdir: Path, name: str, pairs: list[tuple[str, str]], seed: int) -> Path:
    """GET one of (path, token), chosen at random per request."""
    return _wrk_script(
        workdir,
        name,
        f"""local paths = {_lua_list([p for p, _ in pairs])}
local tokens = {_lua_list([t for _, t in pairs])}
math.randomseed({seed})
request = function()
  local i = math.random(#paths)
  return wrk.format("GET", paths[i], {{["Authorization"] = "Bearer " .. tokens[i]}})
end
""",
    )


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests, failures, rate and latency percentiles from `wrk --latency` output."""
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not done or not rate:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    requests = int(done.group(1))
    elapsed_s = float(done.group(2)) * _UNITS[done.group(3)] / 1000
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    failed = (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)
    latency = {
        int(m.group(1)): float(m.group(2)) * _UNITS[m.group(3)]
        for m in re.finditer(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    }
    stats = re.search(
        r"^\s+Latency\s+[\d.]+(?:us|ms|s|m)\s+[\d.]+(?:us|ms|s|m)\s+([\d.]+)(us|ms|s|m)",
        output,
        re.M,
    )
    ok = max(0, requests - failed)
    return {
        "max_ms": float(stats.group(1)) * _UNITS[stats.group(2)] if stats else None,
        "requests": requests,
        "ok": ok,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": dict(
            zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)
        )
        if errors
        else {},
        "elapsed_s": elapsed_s,
        "rps": ok / elapsed_s if elapsed_s else None,
        "p50_ms": latency.get(50),
        "p99_ms": latency.get(99),
        "loader": "wrk",
    }


def _wrk(base: str, script: Path, seconds: int) -> dict[str, Any]:
    assert WRK is not None
    done = subprocess.run(
        # A 30 s timeout: a slow answer is a latency to report, not a failure to hide.
        [
            WRK,
            "-t1",
            f"-c{CONCURRENCY}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def _ids_of(base: str, account: Account) -> list[str]:
    """The account's schedule ids (setting up the reads; not measured)."""
    ids: list[str] = []
    headers = {"Authorization": f"Bearer {account.token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        while True:
            page = client.get(
                "/api/scheduled-commands", params={"offset": len(ids), "limit": 200}
            ).json()
            ids += [item["id"] for item in page["items"]]
            if not page["items"] or len(ids) >= page["total"]:
                return ids


def _wrk_phases(
    ctx: Context, base: str, accounts: list[Account], shape: dict[str, int], tag: str
) -> dict[str, Any]:
    seconds = shape["seconds"]
    create = _wrk(base, _create_script(ctx.workdir, accounts), seconds)
    for account in accounts:
        account.schedule_ids = _ids_of(base, account)
    lists = [("/api/scheduled-commands?limit=50", a.token) for a in accounts]
    listing = _wrk(base, _read_script(ctx.workdir, f"list-{tag}", lists, 7), seconds)
    gets = [
        (f"/api/scheduled-commands/{schedule_id}", a.token)
        for a in accounts
        for schedule_id in a.schedule_ids
    ]
    get = _wrk(base, _read_script(ctx.workdir, f"get-{tag}", gets, 11), seconds)
    stored = sum(len(a.schedule_ids) for a in accounts)
    return {
        "create": create,
        "list": listing,
        "get": get,
        "schedules_per_user": stored / len(accounts),
    }


def run_once(
    ctx: Context, db: Database, workers: int, shape: dict[str, int], tag: str
) -> dict[str, Any]:
    env = child_env(
        AGENTCRON_DATABASE_URL=db.url,
        AGENTCRON_AGENTS_FILE=str(ctx.agents_file),
        AGENTCRON_DATA_DIR=str(ctx.workdir),
        AGENTCRON_SECRET_KEY="bench-secret-key",
        AGENTCRON_LOG_LEVEL="WARNING",
        AGENTCRON_WRITE_RATE_PER_MINUTE=str(WRITE_RATE),
        **({"AGENTCRON_MAX_SCHEDULES_PER_USER": str(WRITE_RATE)} if WRK else {}),
    )
    count = shape["accounts"] if WRK else -(-shape["creates"] // PER_USER)
    accounts = _accounts(env, count, tag)
    port = _free_port()
    log = (ctx.workdir / f"api-{tag}.log").open("ab")
    server = subprocess.Popen(
        [AGENTCRON, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"agentcron serve did not come up; see {log.name}")
            time.sleep(0.1)
        time.sleep(1.0)  # every server worker up, not just the first to answer
        if WRK:
            phases = _wrk_phases(ctx, base, accounts, shape, tag)
            create, listing, get = phases["create"], phases["list"], phases["get"]
            per_user = phases["schedules_per_user"]
            return _result(db, workers, create, listing, get, "wrk", per_user)
        rng = random.Random(7)
        creates = [
            ("POST", "/api/scheduled-commands", accounts[i // PER_USER], _create_body(i))
            for i in range(shape["creates"])
        ]
        create = asyncio.run(_load(base, creates))
        lists = [
            ("GET", "/api/scheduled-commands?limit=50", rng.choice(accounts), None)
            for _ in range(shape["lists"])
        ]
        listing = asyncio.run(_load(base, lists))
        gets = []
        for _ in range(shape["gets"]):
            account = rng.choice(accounts)
            gets.append(
                (
                    "GET",
                    f"/api/scheduled-commands/{rng.choice(account.schedule_ids)}",
                    account,
                    None,
                )
            )
        get = asyncio.run(_load(base, gets))
    finally:
        stop(server)
        log.close()
    return _result(db, workers, create, listing, get, "httpx", PER_USER)


def _result(
    db: Database,
    workers: int,
    create: dict[str, Any],
    listing: dict[str, Any],
    get: dict[str, Any],
    loader: str,
    per_user: float,
) -> dict[str, Any]:
    return {
        "system": "agentcron",
        "db": db.kind,
        "workers": workers,
        "concurrency": CONCURRENCY,
        "write_rate_per_minute": WRITE_RATE,
        "loader": loader,
        "schedules_per_user": per_user,
        **{f"create_{k}": v for k, v in create.items()},
        **{f"list_{k}": v for k, v in listing.items()},
        **{f"get_{k}": v for k, v in get.items()},
    }


def run(ctx: Context) -> dict[str, Any]:
    shape = _shape(ctx)
    runs = []
    for kind in ctx.dbs:
        for round_no in range(1, min(ctx.rounds, 2) + 1):
            for workers in WORKERS if not ctx.smoke else (1,):
                db = ctx.fresh(kind)
                try:
                    result = run_once(ctx, db, workers, shape, f"{kind}{workers}r{round_no}")
                finally:
                    ctx.databases.drop(db)
                result["round"] = round_no
                runs.append(result)
                ctx.log(
                    f"  api {kind} workers={workers} round {round_no}: "
                    + ", ".join(
                        f"{op} {report.fmt(result[f'{op}_rps'])}/s p99 {result[f'{op}_p99_ms']:.0f} ms"
                        f" ({result[f'{op}_ok']}/{result[f'{op}_requests']} ok)"
                        for op in ("create", "list", "get")
                    )
                )
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in runs:
        groups.setdefault((r["db"], r["workers"]), []).append(r)
    keys = [f"{op}_{m}" for op in ("create", "list", "get") for m in ("rps", "p50_ms", "p99_ms")]
    summary = []
    for (db, workers), group in sorted(groups.items()):
        row: dict[str, Any] = {"db": db, "workers": workers, "rounds": len(group)}
        row.update(report.summarize_runs(group, keys))
        row["failed"] = sum(
            r[f"{op}_requests"] - r[f"{op}_ok"] for r in group for op in ("create", "list", "get")
        )
        summary.append(row)
    report.print_table(
        f"API (medians; {CONCURRENCY} requests in flight, keep-alive, loopback)",
        ["db", "workers", "create/s", "p99", "list/s", "p99", "get/s", "p99", "failed"],
        [
            [
                row["db"],
                row["workers"],
                report.fmt(row["create_rps"]),
                f"{row['create_p99_ms']:.0f} ms",
                report.fmt(row["list_rps"]),
                f"{row['list_p99_ms']:.0f} ms",
                report.fmt(row["get_rps"]),
                f"{row['get_p99_ms']:.0f} ms",
                row["failed"],
            ]
            for row in summary
        ],
    )
    return {"shape": shape, "runs": runs, "summary": summary}
