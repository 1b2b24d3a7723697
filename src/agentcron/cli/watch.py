"""Client commands that watch the engine: its status, and the live event stream."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Annotated, Any

import typer

from agentcron.cli import output as out
from agentcron.cli.common import console, err_console
from agentcron.cli.remote import JsonOpt, TokenOpt, UrlOpt, connect

STATUS_PATH = "/api/scheduled-commands/scheduler/status"


def status(as_json: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None) -> None:
    """How the engine is doing: live instances, due and running work, lag.

    Example: agentcron status --json
    """
    with connect(url, token) as client:
        data: dict[str, Any] = client.get(STATUS_PATH)
    if as_json:
        out.print_json(data)
        return
    now = out.now_utc()
    instances = data.get("instances") or []
    engine = "running here" if data.get("engine_running") else "[yellow]not running here[/]"
    if data.get("engine_refusal"):
        engine += f" [red]({out.text(data['engine_refusal'])})[/]"
    rows: list[tuple[str, str]] = [
        ("engine", engine),
        ("instances", str(len(instances)) if instances else "[red]none alive: nothing fires[/]"),
    ]
    for instance in instances:
        rows.append(
            (
                "",
                out.text(
                    f"{instance.get('id')} {instance.get('role')} on {instance.get('host')} "
                    f"(pid {instance.get('pid')}, v{instance.get('version')}), "
                    f"heartbeat {out.relative(instance.get('heartbeat_at'), now)}"
                ),
            )
        )
    rows += [
        ("enabled", out.number(data.get("enabled_schedules"))),
        ("due now", out.number(data.get("due_now"))),
        ("running", out.number(data.get("running"))),
        ("pending", out.number(data.get("pending"))),
        ("next due", out.when(data.get("next_due_at"), now)),
        (
            "lag p50/p99",
            f"{out.duration_ms(data.get('lag_p50_ms'))} / {out.duration_ms(data.get('lag_p99_ms'))}",
        ),
    ]
    last_hour = data.get("executions_last_hour") or {}
    if last_hour:
        rows.append(
            ("last hour", ", ".join(f"{out.status(k)} {v}" for k, v in sorted(last_hour.items())))
        )
    for line in out.field_lines(rows):
        console.print(line, highlight=False)


def event_line(kind: str, data: Any) -> str:
    """One plain line per event: time, kind, then the ids and facts it carries (inert)."""
    stamp = out.now_utc().astimezone().strftime("%H:%M:%S %Z")
    parts = [stamp, kind]
    if not isinstance(data, dict):
        return out.inert(" ".join([*parts, str(data)]))
    for field, label in (("schedule_id", "schedule"), ("execution_id", "execution")):
        if data.get(field):
            parts.append(f"{label} {out.short_id(data[field])}")
    if data.get("agent_id"):
        parts.append(f"@{data['agent_id']}")
    if data.get("status"):
        parts.append(str(data["status"]))
    if data.get("duration_ms") is not None:
        parts.append(out.duration_ms(data["duration_ms"]))
    shown = {"schedule_id", "execution_id", "agent_id", "status", "duration_ms", "user_id"}
    rest = {k: v for k, v in data.items() if k not in shown and v not in (None, "")}
    if rest:
        parts.append(" ".join(f"{k}={v}" for k, v in rest.items()))
    return " ".join(out.inert(" ".join(parts)).split())


def tail(
    count: Annotated[
        int | None, typer.Option("--count", "-n", min=1, help="Stop after this many events.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help='One JSON object a line: {"kind": …, "data": {…}}.')
    ] = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
) -> None:
    """Follow what happens, one line per event, until Ctrl-C.

    Example: agentcron tail --json | jq .kind
    """
    seen = 0
    with _ended_by_interrupt(), connect(url, token) as client:

        def opened() -> None:
            err_console.print(f"following events from {client.url} (Ctrl-C stops)", highlight=False)

        for event in client.events(on_open=opened):
            data = event.json()
            if as_json:
                text = out.json_text({"kind": event.name, "data": data})
            else:
                text = event_line(event.name, data)
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
            seen += 1
            if count is not None and seen >= count:
                return


@contextlib.contextmanager
def _ended_by_interrupt() -> Iterator[None]:
    """Ctrl-C ends `tail` at once, with status 0. Raised as KeyboardInterrupt, it could land
    inside the HTTP library's reading of the stream, in a block holding a lock that the
    library's own cleanup then waits for: the process would hang. Every event already went
    out line by line, so there is nothing left to clean up. The previous handler comes back
    when the command ends (it may run inside a larger program, such as the test suite)."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        os._exit(0)

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; Ctrl-C is its business there
        return
    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
