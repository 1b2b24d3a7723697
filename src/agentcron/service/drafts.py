"""The field rulebook of a schedule: what a caller may send (`ScheduleDraft`), and turning a
draft (fields, or one sentence in `text`) into checked column values, every problem listed
at once. The use cases in `schedules` call it; nothing here touches the database.

A sentence is parsed once: its spec (validated by the parser with the same minimum gap) goes
on with the draft, so it is neither rebuilt from strings nor validated, described and
previewed a second time, and what the parser decided (an interval's anchor, for "every
other friday at 5pm") survives into the stored schedule.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any

from agentcron.config import Settings
from agentcron.errors import InvalidInput, Problem
from agentcron.service.channels import check_events
from agentcron.service.context import AgentDirectory
from agentcron.service.handles import HANDLE_AT_START, addressed_agent
from agentcron.service.readings import ModelFallback, ModelReading
from agentcron.store.tables import Overlap, ScheduledCommand, User
from agentcron.timing import (
    IntervalUnit,
    InvalidSchedule,
    ScheduleSpec,
    ScheduleType,
    build_trigger,
    check_timezone,
    validate,
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
FILTER_MAX_LEN = 200
AUTO_PAUSE_MAX = 1000
SILENT: dict[str, Any] = {"channels": [], "on": []}


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
    # SILENT is silence (the API's `notify: null`).
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
    """Every field rule, once: lengths, agents, ranges, keys, timing."""

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
        merged["command_text"] = self._command(merged.get("command_text"), problems)
        self._description(merged.get("description") or "", problems)
        if existing is None or "agent_id" in given or "command_text" in given:
            explicit = given.get("agent_id")
            command = merged["command_text"]
            if (
                explicit is None
                and existing is not None
                and not HANDLE_AT_START.match(command or "")
            ):
                explicit = existing.agent_id
            merged["agent_id"] = addressed_agent(self.agents, command, explicit, problems)
        self._policies(merged, problems)
        self._chain(merged, given, problems)

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
        spec = spec.with_anchor(self._anchor(spec, existing, now, parsed))
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

    @staticmethod
    def _chain(merged: dict[str, Any], given: dict[str, Any], problems: list[Problem]) -> None:
        """An `after` schedule needs an upstream and an outcome; no other kind has either."""
        if merged.get("schedule_type") != ScheduleType.AFTER.value:
            for name in ("after_schedule_id", "after_on"):
                if name in given:
                    problems.append(
                        Problem(name, "applies only to schedule_type 'after'", "leave it out")
                    )
            merged["after_schedule_id"] = merged["after_on"] = None
            return
        on = merged.get("after_on") or "success"
        if on not in ("success", "failure", "always"):
            problems.append(
                Problem("after_on", f"{on!r} is not an outcome", "use success, failure or always")
            )
        merged["after_on"] = on
        upstream = merged.get("after_schedule_id")
        if upstream is None or (isinstance(upstream, str) and not upstream.strip()):
            problems.append(
                Problem(
                    "after_schedule_id",
                    "is required for an after schedule",
                    "give the id or key of the schedule this one runs after",
                )
            )

    @staticmethod
    def _anchor(
        spec: ScheduleSpec,
        existing: ScheduledCommand | None,
        now: datetime,
        parsed: ParsedSentence | None,
    ) -> datetime:
        """Where an interval counts from: what the sentence said ("every other friday at
        5pm" counts from the next Friday), else the stored anchor while the interval is
        unchanged (runs never drift through an edit), else now."""
        if parsed is not None and parsed.spec.anchor not in (None, now):
            assert parsed.spec.anchor is not None
            return parsed.spec.anchor
        if existing is None:
            return now
        if spec.schedule_type is not ScheduleType.INTERVAL:
            return existing.anchor_at
        same = (
            existing.schedule_type == spec.schedule_type.value
            and existing.interval_value == spec.interval_value
            and existing.interval_unit == (spec.interval_unit.value if spec.interval_unit else None)
        )
        return existing.anchor_at if same else now

    # -- single rules -------------------------------------------------------------------------

    def _command(self, command: object, problems: list[Problem]) -> str | None:
        if not command or not str(command).strip():
            problems.append(
                Problem("command_text", "is required", 'e.g. "@alice check deprecated models"')
            )
            return None
        text = str(command).strip()
        if len(text) > self.settings.command_max_len:
            problems.append(
                Problem(
                    "command_text",
                    f"is {len(text)} characters long",
                    f"keep it under {self.settings.command_max_len}",
                )
            )
        if "\x00" in text:
            problems.append(Problem("command_text", "contains a NUL character", "remove it"))
        return text

    def _description(self, description: str, problems: list[Problem]) -> None:
        limit = self.settings.description_max_len
        if len(description) > limit:
            problems.append(
                Problem(
                    "description",
                    f"is {len(description)} characters long",
                    f"keep it under {limit}",
                )
            )
        if "\x00" in description:
            problems.append(Problem("description", "contains a NUL character", "remove it"))

    def _policies(self, merged: dict[str, Any], problems: list[Problem]) -> None:
        overlap = merged.get("overlap")
        if overlap not in {o.value for o in Overlap}:
            problems.append(
                Problem("overlap", f"{overlap!r} is not a policy", "use 'skip' or 'allow'")
            )
        check_range(problems, merged, "misfire_grace_s", 0, 86_400 * 7)
        check_range(problems, merged, "max_retries", 0, 3)
        check_range(problems, merged, "timeout_s", 1, self.settings.max_timeout_s)
        check_range(problems, merged, "auto_pause_after", 0, AUTO_PAUSE_MAX)
        merged["notify"] = normal_notify(merged.get("notify"), problems)
        key = merged.get("key")
        if key is not None and (
            not isinstance(key, str) or not re.fullmatch(r"[\w.:-]{1,100}", key)
        ):
            problems.append(
                Problem("key", "must be 1-100 letters, digits or . _ : -", 'e.g. "daily-report"')
            )
        if not isinstance(merged.get("enabled"), bool):
            problems.append(Problem("enabled", "must be true or false"))

    def spec(
        self,
        user: User,
        draft: ScheduleDraft,
        now: datetime,
        problems: list[Problem],
        *,
        future_after: datetime | None = None,
    ) -> ScheduleSpec | None:
        """The timing fields as a validated spec, or None with the problems added."""
        kind = draft.schedule_type
        if kind is None:
            problems.append(
                Problem(
                    "schedule_type",
                    "is required",
                    "use 'cron', 'interval', 'once' or 'after', or send `text`",
                )
            )
            return None
        try:
            schedule_type = ScheduleType(kind)
        except ValueError:
            problems.append(
                Problem(
                    "schedule_type",
                    f"{kind!r} is not a schedule type",
                    "use 'cron', 'interval', 'once' or 'after'",
                )
            )
            return None
        unit: IntervalUnit | None = None
        if draft.interval_unit is not None:
            try:
                unit = IntervalUnit(draft.interval_unit)
            except ValueError:
                problems.append(
                    Problem(
                        "interval_unit",
                        f"{draft.interval_unit!r} is not a unit",
                        "use 'minutes', 'hours' or 'days'",
                    )
                )
        spec = ScheduleSpec(
            schedule_type=schedule_type,
            timezone=draft.timezone or user.timezone,
            cron_expression=draft.cron_expression if schedule_type is ScheduleType.CRON else None,
            interval_value=draft.interval_value if schedule_type is ScheduleType.INTERVAL else None,
            interval_unit=unit if schedule_type is ScheduleType.INTERVAL else None,
            run_at=draft.run_at if schedule_type is ScheduleType.ONCE else None,
            anchor=now,
        )
        try:
            validate(spec, min_gap=self.settings.min_gap, now=future_after)
        except InvalidSchedule as exc:
            reported = {p.field for p in problems}
            problems.extend(p for p in exc.problems if p.field not in reported)
            return None
        return spec


def normal_notify(value: object, problems: list[Problem]) -> dict[str, Any] | None:
    """A schedule's notification override as stored: None follows the owner's channels,
    {"channels": [], "on": []} is silence, anything else narrows (see engine/notices.py).
    Channel ids are checked for ownership by the use case, in its transaction."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"channels", "on"}:
        problems.append(
            Problem(
                "notify",
                'must be null or {"channels": [ids], "on": [events]}',
                "either key may be left out; null is silence",
            )
        )
        return None
    channels = value.get("channels")
    on = value.get("on")
    if channels is not None:
        if not isinstance(channels, list | tuple):
            problems.append(Problem("notify.channels", "must be a list of channel ids"))
            return None
        try:
            channels = sorted({str(uuid.UUID(str(c))) for c in channels})
        except ValueError:
            problems.append(
                Problem(
                    "notify.channels",
                    "has something that is not a channel id",
                    "see GET /api/channels",
                )
            )
            return None
    if on is not None:
        on = check_events(on, "notify.on", problems)
        if on is None:
            return None
    if channels == [] or on == []:
        return dict(SILENT)
    if channels is None and on is None:
        return None
    return {"channels": channels, "on": on}


def check_range(
    problems: list[Problem], merged: dict[str, Any], name: str, low: int, high: int
) -> None:
    value = merged.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(
            Problem(name, f"{value!r} is out of range", f"use a whole number from {low} to {high}")
        )
