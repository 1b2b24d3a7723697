"""How a schedule reads in a terminal: its card (`show`, after `add`/`edit`), the preview
`add` asks about, and the `ls` table. Every piece of user text is escaped for Rich."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.table import Table

from agentcron.cli import output as out
from agentcron.cli.common import console


def schedule_words(item: dict[str, Any]) -> str:
    """The server's own words for the timing; built here only if an old server sent none."""
    for name in ("schedule_text", "description_text", "when"):
        if item.get(name):
            return str(item[name])
    from agentcron.timing import IntervalUnit, InvalidSchedule, ScheduleSpec, ScheduleType, describe

    try:
        spec = ScheduleSpec(
            schedule_type=ScheduleType(item["schedule_type"]),
            timezone=item.get("timezone") or "UTC",
            cron_expression=item.get("cron_expression"),
            interval_value=item.get("interval_value"),
            interval_unit=IntervalUnit(item["interval_unit"])
            if item.get("interval_unit")
            else None,
            run_at=out.instant(item.get("run_at")),
        )
        return describe(spec)
    except (KeyError, ValueError, InvalidSchedule):
        return str(item.get("cron_expression") or item.get("schedule_type") or "?")


def plain_command(item: dict[str, Any]) -> str:
    """The command as people wrote it, led by its agent's handle."""
    command = " ".join(str(item.get("command_text") or "").split())
    agent = item.get("agent_id")
    if agent and not command.lower().startswith(f"@{agent}".lower()):
        command = f"@{agent} {command}"
    return command


def without_handle(item: dict[str, Any]) -> str:
    """The command minus its leading @handle, for tables whose AGENT column shows it."""
    command = " ".join(str(item.get("command_text") or "").split())
    handle = f"@{item.get('agent_id')}"
    if command.lower().startswith(handle.lower() + " "):
        return command[len(handle) + 1 :]
    return command


def command_line(item: dict[str, Any], limit: int = 70) -> str:
    """`plain_command`, shortened and safe for Rich markup."""
    return out.clip(plain_command(item), limit)


def soonest_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Enabled schedules by their next run, then the rest as the server listed them."""
    ordered = sorted(
        (i for i in items if i.get("enabled") and i.get("next_run_at")),
        key=lambda i: out.instant(i["next_run_at"]) or out.now_utc(),
    )
    return ordered + [i for i in items if not (i.get("enabled") and i.get("next_run_at"))]


def print_schedule(item: dict[str, Any], now: datetime, viewer: str | None = None) -> None:
    """The full card of one schedule (`show`, and after add/edit); its next runs in its own
    zone, and in the `viewer`'s when that differs."""
    timing = schedule_words(item)
    rows: list[tuple[str, str]] = [
        ("id", out.text(item["id"])),
        ("command", command_line(item, 400)),
        ("when", out.text(timing)),
    ]
    if item.get("key"):
        rows.append(("key", out.text(item["key"])))
    if item.get("description"):
        rows.append(("description", out.clip(item["description"], 400)))
    if item.get("schedule_type") == "cron":
        rows.append(("cron", out.text(f"{item.get('cron_expression')}  ({item.get('timezone')})")))
    rows.append(("enabled", "yes" if item.get("enabled") else "[yellow]no[/]"))
    runs = item.get("next_runs") or ([item["next_run_at"]] if item.get("next_run_at") else [])
    zone = item.get("timezone")
    if runs:
        rows.append(("next runs", out.when(runs[0], now, zone, viewer)))
        rows += [("", out.when(run, now, zone, viewer)) for run in runs[1:]]
    else:
        rows.append(("next runs", "—"))
    if item.get("last_run_at"):
        rows.append(
            (
                "last run",
                f"{out.status(item.get('last_status'))} {out.relative(item['last_run_at'], now)}",
            )
        )
    policy = (
        f"overlap {item.get('overlap', '?')}, retries {item.get('max_retries', '?')}, "
        f"timeout {item.get('timeout_s', '?')} s, grace {item.get('misfire_grace_s', '?')} s"
    )
    rows.append(("policy", out.text(policy)))
    for line in out.field_lines(rows):
        console.print(line, highlight=False)


def print_preview(preview: dict[str, Any], now: datetime, fallback_command: str) -> None:
    """What `add` asks about: its next runs in the schedule's zone and the viewer's, how
    words were read, and, for a model's reading, whose it is and why the grammar refused."""
    agent = preview.get("agent_id") or preview.get("agent")
    command = preview.get("command_text") or preview.get("command") or fallback_command
    rows: list[tuple[str, str]] = []
    if preview.get("interpreted_by"):
        rows += [
            ("interpreted by", f"[yellow]{out.text(preview['interpreted_by'])}[/] (a model)"),
            ("grammar said", out.clip(preview.get("grammar_refusal"), 400)),
        ]
    rows += [
        ("command", command_line({"agent_id": agent, "command_text": command}, 400)),
        ("when", out.text(schedule_words(preview))),
    ]
    runs = preview.get("next_runs") or []
    zone, viewer = preview.get("timezone"), preview.get("viewer_timezone")
    rows.append(("next runs", out.when(runs[0], now, zone, viewer) if runs else "— (never)"))
    rows += [("", out.when(run, now, zone, viewer)) for run in runs[1:]]
    notes = [n for n in preview.get("notes") or [] if not preview.get("interpreted_by")]
    rows += [("notes" if k == 0 else "", out.text(note)) for k, note in enumerate(notes)]
    for line in out.field_lines(rows):
        console.print(line, highlight=False)


def schedules_table(items: list[dict[str, Any]], now: datetime) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("ID", no_wrap=True)
    table.add_column("AGENT", no_wrap=True)
    table.add_column("COMMAND", overflow="fold", ratio=3)
    table.add_column("WHEN", overflow="fold", ratio=2)
    table.add_column("NEXT RUN", no_wrap=True)
    table.add_column("LAST", no_wrap=True)
    table.add_column("ON", no_wrap=True)
    for item in items:
        table.add_row(
            out.short_id(item["id"]),
            out.text(f"@{item.get('agent_id')}"),
            out.clip(without_handle(item), 80),
            out.text(schedule_words(item)),
            out.relative(item.get("next_run_at"), now) if item.get("enabled") else "[dim]—[/]",
            out.status(item.get("last_status")),
            "yes" if item.get("enabled") else "[yellow]no[/]",
        )
    return table
