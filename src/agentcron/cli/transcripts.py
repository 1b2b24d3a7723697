"""An execution in a terminal: its outcome, usage and cost, a pending retry or a wait for its
agent's limit, and each attempt's steps as a table (`show-run`, `history --steps`), plus the one line `run --wait`
prints as each attempt ends. Pure functions over the API's JSON; times carry their zone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.table import Table

from agentcron.cli import output as out
from agentcron.service.history import ERROR_CODES

KIND_WORDS = {"llm": "model", "tool": "tool"}


def cost(value: Any) -> str:
    return "unknown" if value is None else f"${float(value):.4f}"


def waiting_words(item: dict[str, Any]) -> str:
    """ "queued for @alice's limit" for a pending run that waits for room under its agent's
    limits (as the web UI says it), or "". Plain text, inert."""
    reason = item.get("waiting_for")
    if item.get("status") != "pending" or not reason:
        return ""
    if reason == "agent_limit":
        return out.inert(f"queued for @{item.get('agent_id')}'s limit")
    return out.inert(f"waiting for {reason}")


def waiting_rows(item: dict[str, Any]) -> list[tuple[str, str]]:
    """What a run waiting for its agent's limit waits for, and when it starts."""
    if not waiting_words(item):
        return []
    agent = out.text(f"@{item.get('agent_id')}")
    if item.get("waiting_for") != "agent_limit":
        return [("waiting", f"for {out.text(item.get('waiting_for'))}")]
    return [
        (
            "waiting",
            f"for room under {agent}'s limits (max_concurrency, rate_per_minute or a pause "
            f"its backend asked for): it starts when {agent} has room, and is never missed "
            "for waiting",
        )
    ]


def status_cell(item: dict[str, Any]) -> str:
    """The status in its colour, with what a pending run waits for: "pending (queued for
    @alice's limit)". Rich markup."""
    shown = out.status(item.get("status"))
    waiting = waiting_words(item)
    return f"{shown} [cyan]({out.text(waiting)})[/]" if waiting else shown


def retry_words(item: dict[str, Any], now: datetime, zone: str | None) -> str:
    """ "retrying at 09:30 CET (attempt 3 of 4)", or "" when the run waits for no retry (or
    for its agent's limit: then its next time is only when it is looked at again)."""
    at = out.instant(item.get("next_attempt_at"))
    attempt = int(item.get("attempt") or 0)
    if item.get("status") != "pending" or at is None or attempt < 1 or waiting_words(item):
        return ""
    local = out.zoned(at, zone)
    shown = (
        f"{local:%H:%M %Z}"
        if local.date() == out.zoned(now, zone).date()
        else f"{local:%a %d %b %H:%M %Z}"
    )
    total = item.get("max_attempts") or attempt + 1
    return f"retrying at {shown} (attempt {attempt + 1} of {max(int(total), attempt + 1)})"


def retried_words(later: dict[str, Any] | None, total: Any, zone: str | None) -> str:
    """ "retried at 09:30 CET (attempt 3 of 4)" for a retry that already started, or ""."""
    at = out.instant((later or {}).get("started_at"))
    if later is None or at is None:
        return ""
    number = int(later["number"])
    return f"retried at {out.zoned(at, zone):%H:%M %Z} (attempt {number} of {max(int(total or 0), number)})"


def status_words(item: dict[str, Any], now: datetime, zone: str | None) -> str:
    """The status in its colour, with the agent's limit or the retry it waits for, or the
    attempt it reached."""
    if waiting_words(item):
        return status_cell(item)
    shown = out.status(item.get("status"))
    retry = retry_words(item, now, zone)
    if retry:
        return f"{shown} [cyan]{retry}[/]"
    attempt, total = item.get("attempt"), item.get("max_attempts")
    if attempt and total:
        return f"{shown} (attempt {attempt} of {total})"
    return shown


def usage_rows(item: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("model", out.text(item.get("model")) if item.get("model") else "—"),
        (
            "tokens",
            f"{out.number(item.get('tokens_used'))} "
            f"(in {out.number(item.get('input_tokens'))}, out {out.number(item.get('output_tokens'))})",
        ),
        ("LLM calls", out.number(item.get("llm_calls"))),
        ("cost", cost(item.get("cost_usd"))),
    ]


def error_rows(item: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    code = item.get("error_code")
    if code:
        rows.append(
            ("why", f"[red]{out.text(code)}[/]: {out.text(ERROR_CODES.get(code, ''))}".rstrip(": "))
        )
    if item.get("error_message"):
        rows.append(("error", f"[red]{out.clip(item['error_message'], 500)}[/]"))
    return rows


def _offset(step: dict[str, Any], started: datetime | None) -> str:
    at = out.instant(step.get("started_at"))
    if at is None or started is None:
        return "?"
    return "+" + out.duration_ms(max(0, int((at - started).total_seconds() * 1000)))


def steps_table(steps: list[dict[str, Any]], started_at: Any) -> Table:
    """One row a step: kind, name, start offset from the attempt's start, duration, tokens,
    error."""
    started = out.instant(started_at)
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("#", "KIND", "NAME", "AT", "DURATION", "IN", "OUT"):
        table.add_column(
            name, no_wrap=True, justify="right" if name in ("#", "IN", "OUT") else "left"
        )
    table.add_column("ERROR", overflow="fold")
    for number, step in enumerate(steps, 1):
        kind = str(step.get("kind") or "?")
        table.add_row(
            str(number),
            KIND_WORDS.get(kind, out.text(kind)),
            out.clip(step.get("name"), 48),
            _offset(step, started),
            out.duration_ms(step.get("duration_ms")),
            out.number(step.get("input_tokens")),
            out.number(step.get("output_tokens")),
            f"[red]{out.clip(step['error'], 160)}[/]" if step.get("error") else "",
        )
    return table


def attempt_heading(attempt: dict[str, Any], total: Any, now: datetime, zone: str | None) -> str:
    number = attempt.get("number")
    parts = [
        f"[bold]attempt {number} of {max(int(total or 0), int(number or 0))}[/]",
        out.status(attempt.get("status")),
        out.when(attempt.get("started_at"), now, zone),
        out.duration_ms(attempt.get("duration_ms")),
        f"{out.number(attempt.get('tokens_used'))} tokens",
        cost(attempt.get("cost_usd")),
    ]
    heading = " · ".join(parts)
    if attempt.get("error_message"):
        code = f"{attempt['error_code']}: " if attempt.get("error_code") else ""
        heading += f"\n  [red]{out.text(code)}{out.clip(attempt['error_message'], 300)}[/]"
    return heading


def attempt_line(attempt: dict[str, Any], total: Any, retry: str = "") -> str:
    """What `run --wait` prints as an attempt ends (plain text, inert)."""
    number = attempt.get("number")
    status = str(attempt.get("status") or "?").replace("_", " ")
    line = f"attempt {number} of {max(int(total or 0), int(number or 0))}: {status}"
    line += f" in {out.duration_ms(attempt.get('duration_ms'))}"
    if attempt.get("tokens_used"):
        line += f", {out.number(attempt.get('tokens_used'))} tokens"
    if attempt.get("cost_usd") is not None:
        line += f", {cost(attempt.get('cost_usd'))}"
    if attempt.get("error_message"):
        code = f"{attempt['error_code']}: " if attempt.get("error_code") else ""
        line += f" — {code}{' '.join(str(attempt['error_message']).split())[:200]}"
    if retry:
        line += f"; {retry}"
    return out.inert(line)
