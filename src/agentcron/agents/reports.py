"""Reading what an agent reported in a reply: a webhook's JSON, a Python callable's dict.

    {"status": "success", "summary": "3 models deprecated", "output": "…",
     "input_tokens": 1200, "output_tokens": 80, "llm_calls": 3, "cost_usd": 0.004,
     "model": "gpt-4o", "task_id": "t-9", "notify": "gpt-x retires next week",
     "steps": [{"kind": "tool", "name": "search", "started_at": "…", "duration_ms": 12}]}

Any subset will do. `tokens_used` defaults to input + output; `cost` is read as
`cost_usd` (its old name). `notify` is a message for the user: a string, or
`true` with the message in `message` (else the summary).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from agentcron.agents.base import AgentResult
from agentcron.agents.results import bounded, first_line, shorten
from agentcron.agents.steps import ReportedSteps, steps_from_reports


class _Reported(BaseModel):
    """The fields an agent may report; anything else in its reply is ignored."""

    model_config = ConfigDict(extra="ignore")

    status: Literal["success", "failed"] = "success"
    summary: str | None = None
    output: str | None = None
    tokens_used: int | None = Field(default=None, ge=0)
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    llm_calls: int = Field(default=0, ge=0)
    cost_usd: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, validation_alias=AliasChoices("cost_usd", "cost")
    )
    model: str | None = None
    task_id: str | None = None
    notify: bool | str | None = None
    message: str | None = None
    steps: ReportedSteps = Field(default_factory=list)


def result_from_mapping(
    data: Mapping[str, object], *, now: datetime, secrets: Iterable[str] = ()
) -> AgentResult:
    """Build a result from a reply such as `{"summary": …, "tokens_used": 12}`.

    `now` dates reported steps that carry no `started_at`; `secrets` are masked in their
    details. Raises ValueError naming the bad fields, so the caller can say which agent sent them.
    """
    try:
        reported = _Reported.model_validate(dict(data))
    except ValidationError as exc:
        fields = ", ".join(
            f"{'.'.join(str(part) for part in error['loc'])} ({error['msg']})"
            for error in exc.errors()
        )
        raise ValueError(f"invalid fields in the agent's reply: {fields}") from None
    tokens = reported.tokens_used
    if tokens is None:
        tokens = reported.input_tokens + reported.output_tokens
    return bounded(
        AgentResult(
            status=reported.status,
            summary=reported.summary or "",
            output=reported.output or "",
            tokens_used=tokens,
            input_tokens=reported.input_tokens,
            output_tokens=reported.output_tokens,
            llm_calls=reported.llm_calls,
            cost_usd=reported.cost_usd,
            model=shorten(reported.model, 200) if reported.model else None,
            task_id=reported.task_id,
            notify=_notify(reported),
            steps=steps_from_reports(reported.steps, now=now, secrets=secrets),
        )
    )


def _notify(reported: _Reported) -> str | None:
    if isinstance(reported.notify, str):
        return reported.notify.strip() or None
    if not reported.notify:
        return None
    message = (reported.message or "").strip() or (reported.summary or "").strip()
    message = message or first_line(reported.output or "")
    if not message:
        raise ValueError(
            "invalid fields in the agent's reply: notify (true, but there is no message, "
            "summary or output to send)"
        )
    return message


def result_from_text(text: str) -> AgentResult:
    """A plain-text answer: the whole text is the output, its first line the summary."""
    return bounded(AgentResult(output=text))
