"""API: requests per second and latency of create, list (50 items) and get, against a real
`agentcron serve` subprocess on 127.0.0.1 with 1 and 2 server workers (`--workers`).

Users and their tokens are made with the CLI (`agentcron users create`, `agentcron tokens
create NAME --json`), one user per 50 creates (the default cap stays). The write rate limit
is raised for the run (AGENTCRON_WRITE_RATE_PER_MINUTE=1000000000): the default 120 a minute
per user would refuse a load test after two seconds. The load comes from an async httpx
client in the bench process (keep-alive connections, CONCURRENCY requests in flight), on
the same two cores as the server, which it therefore competes with.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench import report
from bench.child import ROOT, child_env
from bench.databases import Database
from bench.harness import Context
from bench.startup import AGENTCRON

CONCURRENCY = 32
WORKERS = (1, 2)
WRITE_RATE = 1_000_000_000
PER_USER = 50


def _shape(ctx: Context) -> dict[str, int]:
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
    )
    accounts = _accounts(env, -(-shape["creates"] // PER_USER), tag)
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
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
        log.close()
    return {
        "system": "agentcron",
        "db": db.kind,
        "workers": workers,
        "concurrency": CONCURRENCY,
        "write_rate_per_minute": WRITE_RATE,
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
