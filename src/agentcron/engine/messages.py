"""The words of a notice: a title, a plain-text message (what ran, when, the outcome, the
summary, a link to the execution page) and the payload our webhook sends.

Times are shown in the schedule's own zone, as its owner wrote it; the payload carries
instants in UTC (ISO 8601) for programs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agentcron.store.records import ExecutionFacts, NoticeSubject
from agentcron.store.tables import NoticeEvent

TITLE_MAX = 300
LABEL_MAX = 80
ERROR_SHOWN = 500

_OUTCOME = {
    "success": "succeeded",
    "failed": "failed",
    "timed_out": "timed out",
    "missed": "was missed",
    "skipped": "was skipped",
    "cancelled": "was cancelled",
}


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def label(subject: NoticeSubject) -> str:
    return _short(subject.key or subject.description or subject.command_text, LABEL_MAX)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _when(instant: datetime | None, zone: ZoneInfo) -> str:
    if instant is None:
        return "?"
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def title_of(
    event: NoticeEvent, subject: NoticeSubject, facts: ExecutionFacts | None, streak: int
) -> str:
    name = label(subject)
    status = facts.status if facts else ""
    if event is NoticeEvent.FAILURE:
        head = "Timed out" if status == "timed_out" else "Failed"
    elif event is NoticeEvent.AUTO_PAUSED:
        head = f"Paused after {streak} failures in a row"
    elif event is NoticeEvent.AGENT:
        head = f"@{subject.agent_id} says"
    else:
        head = {
            NoticeEvent.RECOVERY: "Recovered",
            NoticeEvent.SUCCESS: "Succeeded",
            NoticeEvent.MISSED: "Missed",
        }.get(event, event.value.capitalize())
    return _short(f"{head}: {name}", TITLE_MAX)


def compose(
    event: NoticeEvent,
    subject: NoticeSubject,
    facts: ExecutionFacts | None,
    *,
    base_url: str,
    streak: int,
    agent_message: str | None = None,
) -> tuple[str, str, dict[str, Any]]:
    """(title, message, payload) for one notice."""
    zone = _zone(subject.timezone)
    lines: list[str] = []
    if event is NoticeEvent.AGENT and agent_message:
        lines += [agent_message, ""]
    lines.append(f"Ran: {_short(subject.command_text, 300)}")
    execution_url = f"{base_url}/executions/{facts.id}" if facts else None
    if facts is not None:
        when = f"When: {_when(facts.scheduled_for, zone)}"
        if facts.finished_at is not None and event is not NoticeEvent.MISSED:
            when += f", finished {_when(facts.finished_at, zone)}"
        lines.append(when)
        outcome = _OUTCOME.get(facts.status, facts.status)
        if facts.duration_ms is not None and facts.status in ("success", "failed", "timed_out"):
            outcome += f" after {facts.duration_ms / 1000:.1f} s"
        if facts.attempt > 1:
            outcome += f" (attempt {facts.attempt})"
        lines.append(f"Outcome: {outcome}")
        if facts.summary and facts.status == "success":
            lines.append(f"Summary: {_short(facts.summary, 500)}")
        if facts.error and facts.status != "success":
            lines.append(f"Error: {_short(facts.error, ERROR_SHOWN)}")
    if event is NoticeEvent.FAILURE:
        lines.append(
            "It will not be repeated for the next failures; you will hear when it recovers."
        )
    elif event is NoticeEvent.RECOVERY:
        lines.append(f"Back to normal after {streak} failure(s) in a row.")
    elif event is NoticeEvent.AUTO_PAUSED:
        lines.append(
            f"agentcron paused this schedule after {streak} consecutive failures. "
            "Enable it again to resume; that resets the count."
        )
    if execution_url:
        lines.append(f"Execution: {execution_url}")
    payload: dict[str, Any] = {
        "schedule": {
            "id": str(subject.id),
            "key": subject.key,
            "agent_id": subject.agent_id,
            "command_text": subject.command_text,
            "description": subject.description,
            "timezone": subject.timezone,
            "consecutive_failures": streak if event is not NoticeEvent.RECOVERY else 0,
            "auto_pause_after": subject.auto_pause_after,
            "url": f"{base_url}/schedules/{subject.id}",
        },
        "execution": None
        if facts is None
        else {
            "id": str(facts.id),
            "status": facts.status,
            "trigger": facts.trigger,
            "scheduled_for": facts.scheduled_for.isoformat(),
            "started_at": facts.started_at.isoformat() if facts.started_at else None,
            "finished_at": facts.finished_at.isoformat() if facts.finished_at else None,
            "attempt": facts.attempt,
            "duration_ms": facts.duration_ms,
            "summary": facts.summary,
            "error": facts.error,
            "url": execution_url,
        },
    }
    if agent_message:
        payload["agent_message"] = agent_message
    return title_of(event, subject, facts, streak), "\n".join(lines), payload


def channel_test_message(channel_name: str, base_url: str) -> tuple[str, str, dict[str, Any]]:
    title = f"Test notification for {channel_name}"
    message = (
        f"This is a test from agentcron ({base_url}). If you can read it, the channel "
        f"“{channel_name}” works."
    )
    return title, message, {"schedule": None, "execution": None}
