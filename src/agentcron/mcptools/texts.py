"""The short text beside each structured result: what a person (or a model that reads only
text) needs, with the full ids further calls take. Times are shown in the schedule's zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agentcron.mcptools.models import (
    AgentList,
    Deleted,
    Execution,
    ExecutionDetail,
    ExecutionList,
    Paused,
    Preview,
    Schedule,
    ScheduleList,
)

LIST_LINES = 20
CLIP = 160


def when(at: datetime | None, zone: str | None = None) -> str:
    if at is None:
        return "never"
    try:
        local = at.astimezone(ZoneInfo(zone)) if zone else at
    except (ZoneInfoNotFoundError, ValueError):
        local = at
    return local.isoformat(timespec="minutes")


def clip(text: str | None, limit: int = CLIP) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def agents(result: AgentList) -> str:
    if not result.agents:
        return "No agents are configured on this server (the operator defines them)."
    names = ", ".join(f"@{a.handle} ({a.name}, {a.backend})" for a in result.agents)
    return f"{len(result.agents)} agents: {names}. Start a command with @handle to address one."


def preview(result: Preview) -> str:
    runs = ", ".join(when(at, result.timezone) for at in result.next_runs[:3])
    what = f'"{clip(result.command_text)}" ' if result.command_text else ""
    who = f"for @{result.agent_id} " if result.agent_id else ""
    return f"{what}{who}fires {result.schedule_text}. Next runs: {runs or 'none'}. Nothing saved."


def schedule_line(item: Schedule) -> str:
    """`<id>: "<command>" for @agent, <timing>; next <time>` (the agent only when the
    command does not already start with it)."""
    state = f"next {when(item.next_runs[0], item.timezone)}" if item.next_runs else "paused"
    if item.enabled and not item.next_runs:
        state = (
            "runs when its upstream ends" if item.schedule_type == "after" else "no further runs"
        )
    last = f", last run {item.last_status}" if item.last_status else ""
    command = clip(item.command_text, 80)
    who = "" if command.lower().startswith(f"@{item.agent_id}") else f" for @{item.agent_id}"
    return f'{item.id}: "{command}"{who} — {item.schedule_text}; {state}{last}'


def schedule(verb: str, item: Schedule) -> str:
    """ "Created schedule <line>."; without a verb, "Schedule <line>."."""
    lead = f"{verb} schedule" if verb else "Schedule"
    return f"{lead} {schedule_line(item)}."


def paused(item: Paused, note: str | None, until: datetime | None) -> str:
    text = f"Paused schedule {schedule_line(item)}."
    if item.paused_until is not None:
        text += (
            f" It resumes by itself at {when(item.paused_until, item.timezone)}; the slots "
            "in between are recorded as skipped."
        )
    else:
        text += " It will not fire until resume_schedule."
    if item.paused_note:
        text += f' Note: "{clip(item.paused_note, 80)}".'
    return text


def schedules(result: ScheduleList) -> str:
    if not result.items:
        return "No schedules match." if result.total == 0 else "No schedules on this page."
    head = f"{len(result.items)} of {result.total} schedules:"
    return "\n".join([head, *(f"- {schedule_line(s)}" for s in result.items[:LIST_LINES])]) + _more(
        result.items
    )


def deleted(result: Deleted) -> str:
    return f'Deleted schedule {result.id} ("{clip(result.command_text, 80)}") and its history.'


def execution_line(item: Execution) -> str:
    took = f" in {item.duration_ms / 1000:.1f} s" if item.duration_ms is not None else ""
    said = clip(item.result_summary or item.error_message, 100)
    return (
        f"{item.id} {item.status}{took}, slot {when(item.scheduled_for)}"
        f" (schedule {item.schedule_id})" + (f": {said}" if said else "")
    )


def queued(item: Execution) -> str:
    return (
        f"Queued execution {item.id} of schedule {item.schedule_id} ({item.status}); "
        "read its outcome with get_execution."
    )


def executions(result: ExecutionList) -> str:
    if not result.items:
        return "No executions match."
    head = f"{len(result.items)} of {result.total} executions, newest first:"
    return "\n".join(
        [head, *(f"- {execution_line(e)}" for e in result.items[:LIST_LINES])]
    ) + _more(result.items)


def execution(item: ExecutionDetail) -> str:
    lines = [f"Execution {execution_line(item)}; attempts: {item.attempt}."]
    if item.error_message:
        lines.append(f"Error: {clip(item.error_message, 500)}")
    if item.output:
        cut = " (middle cut)" if item.output_truncated else ""
        lines.append(f"Output{cut}:\n{item.output}")
    return "\n".join(lines)


def refusal(detail: str, understood: dict[str, Any] | None) -> str:
    """The API's words, and for a refused sentence what was understood of it."""
    if not understood:
        return detail
    parts = []
    if understood.get("agent"):
        parts.append(f"agent @{understood['agent']}")
    if understood.get("command"):
        parts.append(f'command "{clip(str(understood["command"]), 120)}"')
    timing = understood.get("timing")
    if isinstance(timing, Sequence) and not isinstance(timing, str) and timing:
        parts.append("timing " + ", ".join(f'"{t}"' for t in timing))
    if understood.get("timezone"):
        parts.append(f"time zone {understood['timezone']}")
    return f"{detail}\nUnderstood so far: {'; '.join(parts) or 'nothing'}."


def _more(items: Sequence[object]) -> str:
    hidden = len(items) - LIST_LINES
    return f"\n… and {hidden} more in the structured result." if hidden > 0 else ""
