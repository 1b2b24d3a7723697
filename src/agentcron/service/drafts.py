"""The field rulebook of a schedule: what a caller may send (`ScheduleDraft`), and turning a
draft (fields, or one sentence in `text`) into checked column values, every problem listed
at once. The use cases in `schedules` call it; nothing here touches the database.

`DraftRules` reads the sentence and merges the draft over the stored schedule (or the
defaults); each group of fields has its rules in its own module: the command, description
and agent in `draft_command`, the run policies, notifications and key in `draft_policies`,
the chain fields in `chains`, the timing in `draft_timing`.

A sentence is parsed once: its spec (validated by the parser with the same minimum gap) goes
on with the draft, so it is neither rebuilt from strings nor validated, described and
previewed a second time, and what the parser decided (an interval's anchor, for "every
other friday at 5pm") survives into the stored schedule.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any

from agentcron.config import Settings
from agentcron.errors import InvalidInput, Problem
from agentcron.service.chains import check_after_fields
from agentcron.service.context import AgentDirectory
from agentcron.service.draft_command import check_command_fields
from agentcron.service.draft_policies import check_policies
from agentcron.service.draft_timing import interval_anchor, timing_spec
from agentcron.service.readings import ModelFallback, ModelReading
from agentcron.store.tables import Overlap, ScheduledCommand, User
from agentcron.timing import (
    InvalidSchedule,
    ScheduleSpec,
    ScheduleType,
    build_trigger,
    check_timezone,
)
from agentcron.timing.language import ParsedSentence

TIMING_FIELDS = (
    "schedule_type",
    "cron_expression",
    "interval_value",
    "interval_unit",
    "run_at",
    "timezone",
)
EDITABLE = (
    "command_text",
    "agent_id",
    "description",
    "timezone",
    "enabled",
    "misfire_grace_s",
    "overlap",
    "max_retries",
    "timeout_s",
    "key",
    "auto_pause_after",
    "notify",
)
CHAIN_FIELDS = ("after_schedule_id", "after_on")


@dataclass(frozen=True, slots=True)
class ScheduleDraft:
    """Fields a caller may set; None means "not given". `text` is a whole sentence
    ("@alice check models every weekday at 9am") that stands in for the timing fields and
    the command."""

    command_text: str | None = None
    agent_id: str | None = None
    description: str | None = None
    schedule_type: str | None = None
    cron_expression: str | None = None
    interval_value: int | None = None
    interval_unit: str | None = None
    run_at: datetime | None = None
    timezone: str | None = None
    enabled: bool | None = None
    misfire_grace_s: int | None = None
    overlap: str | None = None
    max_retries: int | None = None
    timeout_s: int | None = None
    key: str | None = None
    auto_pause_after: int | None = None
    # {"channels": [ids] | None, "on": [events] | None}; {} follows the owner's channels and
    # draft_policies.SILENT is silence (the API's `notify: null`).
    notify: dict[str, Any] | None = None
    text: str | None = None
    # Chains: the schedule this one runs after (its id or key; schedule_type "after", which
    # giving it implies) and on which of its outcomes ("success", "failure", "always").
    after_schedule_id: str | None = None
    after_on: str | None = None
    tags: list[str] | None = None  # replaces the schedule's tags when given (service/tags.py)

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


@dataclass(frozen=True, slots=True)
class Understood:
    """A draft with its sentence (if any) read: the fields it stands for, and the parse."""

    draft: ScheduleDraft
    parsed: ParsedSentence | None = None
    model: ModelReading | None = None
    """Set when a model read the sentence the grammar refused: saving needs acceptance."""


@dataclass(frozen=True, slots=True)
class Checked:
    """Column values ready to store, and the spec they describe (anchored)."""

    values: dict[str, Any]
    spec: ScheduleSpec


class DraftRules:
    """Every field rule, once: lengths, agents, ranges, keys, timing (each group's rules in
    its own module, named above; this class reads sentences and merges whole drafts)."""

    def __init__(self, settings: Settings, agents: AgentDirectory) -> None:
        self.settings = settings
        self.agents = agents
        self.fallback = ModelFallback(settings, agents)

    # -- sentences ----------------------------------------------------------------------------

    def understand(self, user: User, draft: ScheduleDraft, now: datetime) -> Understood:
        """Read `text`, if given, into the fields it stands for: by the grammar, else (when
        configured) by a model, whose reading is marked as such (`Understood.model`)."""
        if draft.text is None:
            return Understood(draft)
        from agentcron.timing.language import SentenceNotUnderstood, parse_sentence

        clashing = [
            k for k in (*TIMING_FIELDS[:-1], "command_text") if getattr(draft, k) is not None
        ]
        if clashing:
            raise InvalidInput.one(
                "text",
                f"give either a sentence or the fields {', '.join(clashing)}, not both",
                "drop `text`, or drop the structured fields",
            )
        if draft.timezone:  # a bad zone is the zone's problem, not the sentence's
            try:
                check_timezone(draft.timezone)
            except InvalidSchedule as exc:
                raise InvalidInput.from_schedule(exc) from exc
        zone = draft.timezone or user.timezone
        model: ModelReading | None = None
        try:
            parsed = parse_sentence(
                draft.text, timezone=zone, now=now, min_gap=self.settings.min_gap
            )
        except SentenceNotUnderstood as refusal:
            parsed, model = self.fallback.read(
                draft.text,
                timezone=zone,
                now=now,
                refusal=refusal,
                spec_of=lambda timing, problems: self.spec(
                    user, ScheduleDraft(**asdict(timing)), now, problems, future_after=now
                ),
            )
        spec = parsed.spec
        return Understood(
            replace(
                draft,
                text=None,
                command_text=parsed.command,
                agent_id=draft.agent_id or parsed.agent,
                schedule_type=spec.schedule_type.value,
                cron_expression=spec.cron_expression,
                interval_value=spec.interval_value,
                interval_unit=spec.interval_unit.value if spec.interval_unit else None,
                run_at=spec.run_at,
                timezone=spec.timezone,
                after_schedule_id=parsed.after or draft.after_schedule_id,
                after_on=parsed.after_on or draft.after_on,
            ),
            parsed,
            model,
        )

    # -- whole drafts -------------------------------------------------------------------------

    def checked(
        self,
        user: User,
        understood: Understood,
        now: datetime,
        existing: ScheduledCommand | None,
    ) -> Checked:
        """Merge the draft over `existing` (or defaults), check every field, and return the
        column values, next_run_at included. Raises InvalidInput listing every problem."""
        draft = understood.draft
        settings = self.settings
        base: dict[str, Any] = (
            # A partial update keeps the stored timing unless the draft changes it.
            {k: getattr(existing, k) for k in (*EDITABLE, *TIMING_FIELDS, *CHAIN_FIELDS)}
            if existing is not None
            else {
                "description": "",
                "timezone": user.timezone,
                "enabled": True,
                "misfire_grace_s": settings.misfire_grace_s,
                "overlap": Overlap.SKIP.value,
                "max_retries": settings.max_retries,
                "timeout_s": settings.default_timeout_s,
                "key": None,
                "auto_pause_after": settings.auto_pause_after,
                "notify": None,
            }
        )
        given = draft.given()
        given.pop("text", None)
        if "after_schedule_id" in given and "schedule_type" not in given:
            given["schedule_type"] = ScheduleType.AFTER.value  # naming an upstream says it
        if existing is not None and "schedule_type" in given:
            # A new type drops the old type's fields unless they are given again.
            for name in ("cron_expression", "interval_value", "interval_unit", "run_at"):
                base[name] = None
        merged = {**base, **given}
        problems: list[Problem] = []
        check_command_fields(settings, self.agents, merged, given, existing, problems)
        check_policies(merged, settings.max_timeout_s, problems)
        check_after_fields(merged, given, problems)

        # A once schedule that has fired keeps a past run_at: editing only its text is fine.
        retimed = existing is None or any(k in given for k in TIMING_FIELDS)
        parsed = understood.parsed
        if parsed is not None and merged["timezone"] == parsed.spec.timezone:
            spec: ScheduleSpec | None = parsed.spec  # validated by the parser already
        else:
            spec = self.spec(
                user,
                ScheduleDraft(**{k: merged.get(k) for k in TIMING_FIELDS}),
                now,
                problems,
                future_after=now if retimed else None,
            )
        if problems:
            raise InvalidInput(problems)
        assert spec is not None
        spec = spec.with_anchor(interval_anchor(spec, existing, now, parsed))
        next_run_at = build_trigger(spec).next_after(now) if merged["enabled"] else None
        values = {
            **{k: merged.get(k) for k in EDITABLE},
            "schedule_type": spec.schedule_type.value,
            "cron_expression": spec.cron_expression,
            "interval_value": spec.interval_value,
            "interval_unit": spec.interval_unit.value if spec.interval_unit else None,
            "run_at": spec.run_at.astimezone(UTC) if spec.run_at else None,
            "timezone": spec.timezone,
            "anchor_at": spec.anchor,
            "next_run_at": next_run_at,
            # A str is an id or key the use case resolves (and checks for loops) in its
            # transaction; a UUID is the stored upstream, kept.
            "after_schedule_id": merged.get("after_schedule_id"),
            "after_on": merged.get("after_on"),
        }
        return Checked(values, spec)

    def spec(
        self,
        user: User,
        draft: ScheduleDraft,
        now: datetime,
        problems: list[Problem],
        *,
        future_after: datetime | None = None,
    ) -> ScheduleSpec | None:
        """The timing fields as a validated spec, or None with the problems added
        (`draft_timing.timing_spec`, with this deployment's minimum gap)."""
        return timing_spec(
            self.settings.min_gap, user, draft, now, problems, future_after=future_after
        )
