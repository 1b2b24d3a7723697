"""An execution's transcript as the execution page draws it: each attempt with its steps
(model requests and tool calls) placed on the attempt's own time line, what each cost,
and why a run ended, in words.

Steps arrive as the stored JSON (`service.history.transcript`); anything unreadable in
one is shown as missing, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agentcron.service.history import ERROR_CODES, AttemptView, ExecutionDetail

KIND_WORDS = {"llm": "model", "tool": "tool"}


@dataclass(frozen=True, slots=True)
class StepRow:
    kind: str
    name: str
    started_at: datetime | None
    offset_ms: int | None  # from the attempt's start
    duration_ms: int
    input_tokens: int | None
    output_tokens: int | None
    error: str | None
    detail: list[tuple[str, str]]
    bar_x: float  # where the step sits on the attempt's line, in percent
    bar_width: float
    key: str  # kind|name|started_at as stored: the page's script shows no step twice

    @property
    def kind_word(self) -> str:
        return KIND_WORDS.get(self.kind, self.kind)


@dataclass(frozen=True, slots=True)
class AttemptRow:
    attempt: AttemptView
    steps: list[StepRow]
    span_ms: int

    @property
    def model_calls(self) -> int:
        return sum(1 for s in self.steps if s.kind == "llm")

    @property
    def tool_calls(self) -> int:
        return sum(1 for s in self.steps if s.kind == "tool")


def explain(code: str | None) -> str:
    return ERROR_CODES.get(code or "", "")


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def step_rows(
    steps: Sequence[Mapping[str, Any]], started_at: datetime, span_ms: int
) -> list[StepRow]:
    rows = []
    span = max(1, span_ms)
    for step in steps:
        at = _instant(step.get("started_at"))
        offset = None if at is None else max(0, int((at - started_at).total_seconds() * 1000))
        duration = _count(step.get("duration_ms")) or 0
        detail = step.get("detail")
        parts = (
            [(str(k), str(v)) for k, v in detail.items() if v not in (None, "")]
            if isinstance(detail, Mapping)
            else []
        )
        x = min(100.0, 100.0 * (offset or 0) / span)
        width = max(0.6, min(100.0 - x, 100.0 * duration / span))
        rows.append(
            StepRow(
                kind=str(step.get("kind") or "?"),
                name=str(step.get("name") or "?"),
                started_at=at,
                offset_ms=offset,
                duration_ms=duration,
                input_tokens=_count(step.get("input_tokens")),
                output_tokens=_count(step.get("output_tokens")),
                error=str(step["error"]) if step.get("error") else None,
                detail=parts,
                bar_x=round(x, 2),
                bar_width=round(width, 2),
                key=f"{step.get('kind')}|{step.get('name')}|{step.get('started_at')}",
            )
        )
    return rows


def _span_ms(attempt: AttemptView, now: datetime) -> int:
    """The attempt's length, or how long it has run so far; never shorter than its steps."""
    if attempt.duration_ms is not None:
        span = attempt.duration_ms
    else:
        end = attempt.finished_at or now
        span = int((end - attempt.started_at).total_seconds() * 1000)
    for step in attempt.steps:
        at = _instant(step.get("started_at"))
        if at is not None:
            end_ms = (at - attempt.started_at).total_seconds() * 1000
            span = max(span, int(end_ms) + (_count(step.get("duration_ms")) or 0))
    return max(span, 1)


def attempt_rows(detail: ExecutionDetail, now: datetime) -> list[AttemptRow]:
    """Every attempt, oldest first, each with its own transcript on its own line."""
    rows = []
    for attempt in detail.attempts:
        span = _span_ms(attempt, now)
        rows.append(AttemptRow(attempt, step_rows(attempt.steps, attempt.started_at, span), span))
    return rows
