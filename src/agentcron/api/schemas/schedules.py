"""Schedules in and out, and the preview of one."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi.openapi.models import Example
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from agentcron.api.schemas.page import Page
from agentcron.service.draft_policies import SILENT
from agentcron.service.models import ExecutionStatus, IntervalUnit, Overlap, ScheduleType
from agentcron.service.schedules import Preview, ScheduleDraft, ScheduleView


def _valid_unicode(value: str) -> str:
    """JSON may escape half a surrogate pair (`"\\ud800"`); that is no text at all, and no
    database or response could carry it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError(
            "invalid_unicode", "contains an unpaired surrogate, which is not valid Unicode"
        ) from None
    return value


Text = Annotated[str, AfterValidator(_valid_unicode)]


def _choices(*values: str) -> dict[str, Any]:
    return {"enum": [*values, None]}


class NotifyRule(BaseModel):
    """A schedule's own notification rule (see `notify`)."""

    model_config = ConfigDict(extra="forbid")

    channels: list[uuid.UUID] | None = Field(
        None, description="Only these channels of yours (null: all of them)."
    )
    on: list[str] | None = Field(
        None,
        description="Only these events, instead of each channel's `on` list (null: theirs): "
        "failure, recovery, success, agent, auto_paused, missed.",
    )


class ScheduleIn(BaseModel):
    """A schedule as sent on create (POST), replace (PUT), partial update (PATCH) and
    preview. Give the timing either as fields (`schedule_type` and its fields) or as one
    sentence in `text`. Without `agent_id`, the `@handle` starting `command_text` picks the
    agent."""

    model_config = ConfigDict(extra="forbid")

    command_text: Text | None = Field(
        None,
        description="What the agent should do; may start with its @handle.",
        examples=["@alice check deprecated models"],
    )
    agent_id: Text | None = Field(
        None,
        description="The agent's handle (`alice`, `@alice` and `agent_alice` are the same).",
        examples=["alice"],
    )
    description: Text | None = Field(None, description="Your own note about this schedule.")
    schedule_type: Annotated[
        Text | None, Field(json_schema_extra=_choices("cron", "interval", "once", "after"))
    ] = None
    cron_expression: Text | None = Field(
        None, description="Five fields or @daily etc., in `timezone`.", examples=["0 9 * * 1-5"]
    )
    interval_value: int | None = Field(None, description="Every N `interval_unit`s.", examples=[30])
    interval_unit: Annotated[
        Text | None, Field(json_schema_extra=_choices("minutes", "hours", "days"))
    ] = None
    run_at: datetime | None = Field(
        None,
        description="For `once`: an instant with its offset.",
        examples=["2026-12-24T09:00:00+01:00"],
    )
    timezone: Text | None = Field(
        None, description="IANA zone; defaults to yours.", examples=["America/New_York"]
    )
    enabled: bool | None = None
    misfire_grace_s: int | None = Field(
        None, description="How late a slot may still run (0 to 604800 s)."
    )
    overlap: Annotated[Text | None, Field(json_schema_extra=_choices("skip", "allow"))] = None
    max_retries: int | None = Field(None, description="Retries after a failed run (0 to 3).")
    timeout_s: int | None = Field(None, description="How long one attempt may take.")
    key: Text | None = Field(
        None, description="Your own unique name for this schedule.", examples=["daily-report"]
    )
    auto_pause_after: int | None = Field(
        None,
        description="Consecutive final failures after which the schedule disables itself "
        "(0: never; 0 to 1000; default from the server's settings, 5).",
    )
    notify: NotifyRule | None = Field(
        None,
        description="Who hears about this schedule. Leave it out (or send `{}`) to use "
        "your channels and each channel's `on` list; `channels` narrows to some channels, "
        "`on` replaces their event lists; `null` is silence (no channels, no bell).",
    )
    after_schedule_id: Text | None = Field(
        None,
        description="For `after` (implied when given): the id or key of the schedule this "
        "one runs after, for the same slot, when that one's execution ends as `after_on` says.",
        examples=["daily-check"],
    )
    after_on: Annotated[
        Text | None, Field(json_schema_extra=_choices("success", "failure", "always"))
    ] = None
    tags: list[Text] | None = Field(
        None,
        description="Lower-case words (at most 10) to find and act on schedules together; "
        "given, they replace the schedule's tags.",
        examples=[["ops", "weekly"]],
    )
    text: Text | None = Field(
        None,
        description="A whole sentence instead of the timing fields and `command_text`.",
        examples=["@alice check deprecated models every weekday at 9am"],
    )
    user_id: uuid.UUID | None = Field(
        None,
        description="Accepted for older clients: must be your own id, and changes nothing. "
        "Another user's id answers 404, as a user that does not exist.",
    )
    accept_model_reading: bool = Field(
        False,
        description="Create (or update) from a model's reading of `text`, which the grammar "
        "refused (see the preview's `interpreted_by`). Without it such a sentence is refused "
        "with 422, showing the reading. Only with `AGENTCRON_PARSER_AGENT` set.",
    )
    model_reading: Text | None = Field(
        None,
        description="The preview's `model_reading`: saves the reading only if the model "
        "still reads the sentence the same way.",
    )

    def draft(self) -> ScheduleDraft:
        """null and absent mean the same: not given (PATCH keeps it, PUT uses the default),
        except for `notify`, where null is silence."""
        values = self.model_dump(exclude={"user_id", *NOT_DRAFT})
        return _draft(values, self.model_fields_set)

    def acceptance(self) -> dict[str, Any]:
        return {
            "accept_model_reading": self.accept_model_reading,
            "model_reading": self.model_reading,
        }


NOT_DRAFT = frozenset({"accept_model_reading", "model_reading"})


CREATE_EXAMPLES: dict[str, Example] = {
    "cron": {
        "summary": "Weekdays at 9:00 in New York",
        "value": {
            "command_text": "@alice check deprecated models",
            "agent_id": "alice",
            "schedule_type": "cron",
            "cron_expression": "0 9 * * 1-5",
            "timezone": "America/New_York",
            "description": "Weekday morning checks",
        },
    },
    "interval": {
        "summary": "Every 30 minutes",
        "value": {
            "command_text": "@bob summarise new incidents",
            "schedule_type": "interval",
            "interval_value": 30,
            "interval_unit": "minutes",
        },
    },
    "once": {
        "summary": "Once, at an instant",
        "value": {
            "command_text": "@maya review the release branch",
            "schedule_type": "once",
            "run_at": "2026-12-24T09:00:00+01:00",
        },
    },
    "sentence": {
        "summary": "One sentence",
        "value": {"text": "@alice check deprecated models every weekday at 9am"},
    },
}


class ScheduleReplace(ScheduleIn):
    """A schedule as PUT takes it: any subset of the writable fields, or the whole schedule
    as GET returned it, its read-only fields (`id`, `next_runs`, `schedule_text` …) accepted
    and ignored. Fields not sent keep their stored values: a PUT never silently resets."""

    id: uuid.UUID | None = Field(None, description="Read-only: ignored.")
    next_run_at: datetime | None = Field(None, description="Read-only: ignored.")
    last_run_at: datetime | None = Field(None, description="Read-only: ignored.")
    last_status: str | None = Field(None, description="Read-only: ignored.")
    created_at: datetime | None = Field(None, description="Read-only: ignored.")
    updated_at: datetime | None = Field(None, description="Read-only: ignored.")
    schedule_text: str | None = Field(None, description="Read-only: ignored.")
    next_runs: list[datetime] | None = Field(None, description="Read-only: ignored.")

    consecutive_failures: int | None = Field(None, description="Read-only: ignored.")
    paused_at: datetime | None = Field(None, description="Read-only: ignored.")
    paused_by: str | None = Field(None, description="Read-only: ignored.")
    paused_reason: str | None = Field(None, description="Read-only: ignored.")
    paused_note: str | None = Field(None, description="Read-only: ignored.")
    paused_until: datetime | None = Field(None, description="Read-only: ignored.")

    def draft(self) -> ScheduleDraft:
        values = self.model_dump(include=set(ScheduleIn.model_fields) - {"user_id", *NOT_DRAFT})
        return _draft(values, self.model_fields_set)


def _draft(values: dict[str, Any], given: set[str]) -> ScheduleDraft:
    fields = {k: v for k, v in values.items() if v is not None}
    if "notify" in given:
        fields["notify"] = dict(SILENT) if values.get("notify") is None else values["notify"]
    return ScheduleDraft(**fields)


READ_ONLY_FIELDS = frozenset(ScheduleReplace.model_fields) - frozenset(ScheduleIn.model_fields)


class ScheduleOut(BaseModel):
    id: uuid.UUID
    user_id: uuid.UUID
    key: str | None
    command_text: str
    agent_id: str
    description: str
    schedule_type: ScheduleType
    cron_expression: str | None
    interval_value: int | None
    interval_unit: IntervalUnit | None
    run_at: datetime | None
    timezone: str
    enabled: bool
    misfire_grace_s: int
    overlap: Overlap
    max_retries: int
    timeout_s: int
    auto_pause_after: int
    notify: NotifyRule | None = Field(
        description="null: silence; otherwise the channels and events (null in either: "
        "all your channels, each channel's own events)."
    )
    consecutive_failures: int = Field(description="Final failures in a row, now.")
    paused_at: datetime | None
    paused_by: str | None = Field(description="`auto` (after failures) or `user` (by hand).")
    paused_reason: str | None
    paused_note: str | None = Field(
        description="A pause by hand: its note; an automatic pause: the last error."
    )
    paused_until: datetime | None = Field(
        description="When a pause by hand ends by itself (null: until enabled)."
    )
    tags: list[str] = Field(description="Its tags, by name.")
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_status: ExecutionStatus | None
    created_at: datetime
    updated_at: datetime
    schedule_text: str = Field(description="When it fires, in words, with its zone.")
    next_runs: list[datetime] = Field(
        description="The next fire times (five for one schedule, the next one in a list)."
    )
    after_schedule_id: uuid.UUID | None = Field(
        None, description="For `after`: the schedule this one runs after (null: detached)."
    )
    after_on: str | None = Field(
        None, description="For `after`: success, failure (failed or timed out) or always."
    )

    @classmethod
    def of(cls, view: ScheduleView) -> ScheduleOut:
        row = view.row
        return cls(
            id=row.id,
            user_id=row.user_id,
            key=row.key,
            command_text=row.command_text,
            agent_id=row.agent_id,
            description=row.description,
            schedule_type=ScheduleType(row.schedule_type),
            cron_expression=row.cron_expression,
            interval_value=row.interval_value,
            interval_unit=IntervalUnit(row.interval_unit) if row.interval_unit else None,
            run_at=row.run_at,
            timezone=row.timezone,
            enabled=row.enabled,
            misfire_grace_s=row.misfire_grace_s,
            overlap=Overlap(row.overlap),
            max_retries=row.max_retries,
            timeout_s=row.timeout_s,
            auto_pause_after=row.auto_pause_after,
            notify=_notify_out(row.notify),
            consecutive_failures=row.consecutive_failures,
            paused_at=row.paused_at,
            paused_by=row.paused_by,
            paused_reason=row.paused_reason,
            paused_note=row.paused_note,
            paused_until=row.paused_until,
            tags=row.tags,
            next_run_at=row.next_run_at,
            last_run_at=row.last_run_at,
            last_status=ExecutionStatus(row.last_status) if row.last_status else None,
            created_at=row.created_at,
            updated_at=row.updated_at,
            schedule_text=view.description_text,
            next_runs=view.next_runs,
            after_schedule_id=row.after_schedule_id,
            after_on=row.after_on,
        )


def _notify_out(stored: dict[str, Any] | None) -> NotifyRule | None:
    if stored is None:
        return NotifyRule()
    if stored.get("channels") == [] or stored.get("on") == []:
        return None
    return NotifyRule.model_validate(stored)


class SchedulePage(Page):
    items: list[ScheduleOut]


class PreviewOut(BaseModel):
    schedule_type: ScheduleType
    cron_expression: str | None
    interval_value: int | None
    interval_unit: IntervalUnit | None
    run_at: datetime | None
    timezone: str
    schedule_text: str = Field(description="When it would fire, in words.")
    next_runs: list[datetime] = Field(description="The next five fire times from now.")
    agent_id: str | None = Field(description="The agent, when one was named.")
    command_text: str | None
    notes: list[str] = Field(
        description="How words were read that you may have meant otherwise (a zone "
        "abbreviation, a model's reading)."
    )
    next_runs_local: list[datetime] = Field(
        description="`next_runs` in the schedule's `timezone` (with its offset)."
    )
    viewer_timezone: str = Field(description="Your zone (`/api/me`).")
    next_runs_viewer: list[datetime] | None = Field(
        description="`next_runs` in your zone, when it differs from the schedule's; else null."
    )
    interpreted_by: str | None = Field(
        description="The model that read `text` after the grammar refused it; null when the "
        "grammar understood it. Such a reading is saved only with `accept_model_reading`."
    )
    grammar_refusal: str | None = Field(
        description="Why the grammar refused `text`, when a model read it instead."
    )
    needs_confirmation: bool = Field(
        description="True for a model's reading: create it with `accept_model_reading: true` "
        "and `model_reading`."
    )
    model_reading: str | None = Field(
        description="Identifies this model reading; send it back with the create call."
    )

    @classmethod
    def of(cls, preview: Preview) -> PreviewOut:
        spec = preview.spec
        model = preview.model
        return cls(
            schedule_type=spec.schedule_type,
            cron_expression=spec.cron_expression,
            interval_value=spec.interval_value,
            interval_unit=spec.interval_unit,
            run_at=spec.run_at,
            timezone=spec.timezone,
            schedule_text=preview.description,
            next_runs=preview.next_runs,
            agent_id=preview.agent_id,
            command_text=preview.command_text,
            notes=preview.notes,
            next_runs_local=preview.next_runs_local,
            viewer_timezone=preview.viewer_timezone,
            next_runs_viewer=preview.next_runs_viewer,
            interpreted_by=model.interpreted_by if model else None,
            grammar_refusal=model.refusal if model else None,
            needs_confirmation=model is not None,
            model_reading=model.fingerprint if model else None,
        )
