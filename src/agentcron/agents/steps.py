"""Making steps safe to store and show: bounded details, masked secrets, bounded counts.

A step's detail is what a tool was called with and what it answered: other
people's data, possibly huge, possibly carrying a key. Each part is kept to
`DETAIL_LIMIT` bytes; values under names that say "secret" (`token`, `password`,
`api_key`, `authorization`…) are masked wherever they sit in the arguments, and
every secret agentcron itself knows (the agent's keys, its tool servers'
variables) is masked wherever it appears.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from agentcron.agents.base import Step
from agentcron.agents.results import bound_steps, bound_text, redact, shorten

DETAIL_LIMIT = 2048
"""Bytes (UTF-8) of each part of a step's detail: a tool's arguments, its result."""
MASK = "***"
_SENSITIVE = re.compile(
    r"(pass(word|wd)?|secret|token|api[-_]?key|auth(orization)?|credential|cookie|private[-_]?key)",
    re.IGNORECASE,
)


def masked(value: object) -> object:
    """`value` with whatever sits under a secret-sounding name replaced by `***`."""
    if isinstance(value, Mapping):
        return {
            key: MASK if isinstance(key, str) and _SENSITIVE.search(key) else masked(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [masked(item) for item in value]
    return value


def detail_text(value: object, secrets: Iterable[str] = ()) -> str:
    """One part of a step's detail as text: JSON unless it is text already, masked, bounded."""
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(masked(value), ensure_ascii=False, default=str)
    return bound_text(redact(text, secrets), DETAIL_LIMIT)


class _ReportedStep(BaseModel):
    """A step as a webhook or a Python callable reports it; any other field is ignored."""

    model_config = ConfigDict(extra="ignore")

    kind: Literal["llm", "tool"]
    name: str = Field(min_length=1)
    started_at: AwareDatetime | None = None
    duration_ms: int = Field(default=0, ge=0)
    input_tokens: int | None = Field(default=None, ge=0)
    output_tokens: int | None = Field(default=None, ge=0)
    error: str | None = None
    detail: dict[str, object] = Field(default_factory=dict)


ReportedSteps = list[_ReportedStep]


def steps_from_reports(
    reports: Sequence[_ReportedStep], *, now: datetime, secrets: Iterable[str] = ()
) -> tuple[Step, ...]:
    """Steps from a reply's `steps`; one without `started_at` is dated when the reply came."""
    secrets = tuple(secrets)
    return bound_steps(
        [
            Step(
                kind=report.kind,
                name=shorten(report.name, 200),
                started_at=(report.started_at or now).astimezone(UTC),
                duration_ms=report.duration_ms,
                input_tokens=report.input_tokens,
                output_tokens=report.output_tokens,
                error=shorten(redact(report.error, secrets), 2000) if report.error else None,
                detail={
                    shorten(str(key), 64): detail_text(value, secrets)
                    for key, value in list(report.detail.items())[:8]
                },
            )
            for report in reports
        ]
    )
