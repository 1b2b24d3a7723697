"""What the tools hand an assistant as structured content, and what they take as a draft.

The field names are the REST API's (`command_text`, `agent_id`, `schedule_text` …), so an
assistant that learnt one face reads the other, and the adapter over the API can take its
JSON as it comes (`model_validate`, unknown fields ignored). Every model is a JSON object:
structured content must be one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

OUTPUT_MAX_BYTES = 8 * 1024


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Agent(Model):
    handle: str = Field(description="Address commands to it as @handle.")
    name: str
    description: str
    backend: str = Field(description="How it runs: llm, webhook, shell, python or echo.")


class AgentList(Model):
    agents: list[Agent]


class Timing(Model):
    schedule_type: str = Field(description="cron, interval, once or after (a chain).")
    cron_expression: str | None = None
    interval_value: int | None = None
    interval_unit: str | None = None
    run_at: datetime | None = None
    timezone: str


class Preview(Timing):
    schedule_text: str = Field(description="When it would fire, in words.")
    next_runs: list[datetime] = Field(description="The next fire times from now.")
    agent_id: str | None = Field(None, description="The agent, when one was named.")
    command_text: str | None = None


class Schedule(Timing):
    id: str
    key: str | None = None
    agent_id: str
    command_text: str
    description: str
    schedule_text: str = Field(description="When it fires, in words, with its zone.")
    enabled: bool
    next_runs: list[datetime] = Field(description="The next fire times (none when paused).")
    last_run_at: datetime | None = None
    last_status: str | None = None
    created_at: datetime
    updated_at: datetime


class ScheduleList(Model):
    items: list[Schedule]
    total: int = Field(description="How many match, beyond this page too.")


class Paused(Schedule):
    paused_note: str | None = Field(None, description="Why it is paused, as kept.")
    paused_until: datetime | None = Field(
        None, description="When it resumes by itself (null: until resume_schedule)."
    )


class Deleted(Model):
    id: str
    command_text: str
    deleted: bool = True


class Execution(Model):
    id: str
    schedule_id: str
    agent_id: str
    trigger: str = Field(description="schedule, manual, retry …: what started it.")
    scheduled_for: datetime = Field(description="The slot this execution fills.")
    status: str = Field(
        description="pending, running, success, failed, timed_out, missed, skipped or cancelled."
    )
    attempt: int
    missed_count: int = 0
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    next_attempt_at: datetime | None = Field(None, description="When a pending retry is due.")
    duration_ms: int | None = None
    tokens_used: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    llm_calls: int = 0
    cost_usd: float | None = Field(None, description="In USD; null when unknown.")
    model: str | None = None
    result_summary: str | None = None
    error_message: str | None = None
    error_code: str | None = None


class ExecutionList(Model):
    items: list[Execution]
    total: int = Field(description="How many match, beyond this page too.")


class Attempt(Model):
    number: int
    status: str
    started_at: datetime
    finished_at: datetime | None = None
    duration_ms: int | None = None
    error_message: str | None = None


class ExecutionDetail(Execution):
    output: str | None = Field(
        None, description=f"What the agent answered, at most {OUTPUT_MAX_BYTES} bytes."
    )
    output_truncated: bool = Field(False, description="True when the middle was cut out.")
    steps: list[dict[str, Any]] = Field(
        default_factory=list,
        description="What the agent did, in order: model requests (`llm`) and tool calls.",
    )
    attempts: list[Attempt] = Field(default_factory=list)

    def bounded(self) -> ExecutionDetail:
        """The same execution with its output cut to OUTPUT_MAX_BYTES (head and tail kept),
        so one long answer cannot flood an assistant's context."""
        if self.output is None:
            return self
        text, cut = bound_text(self.output, OUTPUT_MAX_BYTES)
        return self.model_copy(update={"output": text, "output_truncated": cut})


def bound_text(text: str, limit: int) -> tuple[str, bool]:
    """`text` within `limit` UTF-8 bytes: the head and the tail around a marker naming what
    was cut (an agent's verdict is often at its end), never splitting a character."""
    data = text.encode()
    if len(data) <= limit:
        return text, False
    marker = f"\n… [{len(data) - limit} bytes cut] …\n"
    room = limit - len(marker.encode()) - 16  # the count in the marker may grow a digit
    head = data[: room * 3 // 4].decode(errors="ignore")
    tail = data[len(data) - room // 4 :].decode(errors="ignore")
    cut = len(data) - len(head.encode()) - len(tail.encode())
    return f"{head}\n… [{cut} bytes cut] …\n{tail}", True


@dataclass(frozen=True, slots=True)
class Draft:
    """A schedule as the tools were given it, in the REST API's field names; None means
    "not given". `text` is one sentence standing for the timing and the command."""

    text: str | None = None
    command_text: str | None = None
    agent_id: str | None = None
    description: str | None = None
    schedule_type: str | None = None
    cron_expression: str | None = None
    interval_value: int | None = None
    interval_unit: str | None = None
    run_at: datetime | None = None
    timezone: str | None = None
    key: str | None = None

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }
