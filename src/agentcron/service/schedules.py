"""Every rule about schedules, once: ownership, caps, lengths, agent handles, timing
validation, next-run computation, run-now. The API, the web UI and the CLI all call these.
"""

from __future__ import annotations

import builtins
import difflib
import re
import uuid
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from agentcron.errors import Conflict, InvalidInput, NotFound, Problem, RateLimited
from agentcron.service.context import Services
from agentcron.store import claims
from agentcron.store import executions as executions_repo
from agentcron.store import schedules as repo
from agentcron.store.records import NewExecution
from agentcron.store.tables import (
    Execution,
    ExecutionStatus,
    ExecutionTrigger,
    Overlap,
    ScheduledCommand,
    User,
)
from agentcron.timing import (
    IntervalUnit,
    InvalidSchedule,
    ScheduleSpec,
    ScheduleType,
    build_trigger,
    describe,
    preview,
    validate,
)

HANDLE_AT_START = re.compile(r"^\s*@([A-Za-z][A-Za-z0-9_-]{0,31})\b")
TIMING_FIELDS = (
    "schedule_type",
    "cron_expression",
    "interval_value",
    "interval_unit",
    "run_at",
    "timezone",
)
PREVIEW_COUNT = 5
FILTER_MAX_LEN = 200
Problems = list[Problem]  # an alias: inside the service class, `list` is a method


@dataclass(frozen=True, slots=True)
class ScheduleDraft:
    """Fields a caller may set; None means "not given". `text` is a whole sentence
    ("@alice check models every weekday at 9am") that stands in for the timing fields."""

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
    text: str | None = None

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


@dataclass(frozen=True, slots=True)
class ScheduleView:
    """A schedule as people see it: the row plus its description and next fire times."""

    row: ScheduledCommand
    description_text: str
    next_runs: list[datetime]


@dataclass(frozen=True, slots=True)
class Preview:
    spec: ScheduleSpec
    description: str
    next_runs: list[datetime]
    agent_id: str | None = None
    command_text: str | None = None


class ScheduleService:
    def __init__(self, services: Services) -> None:
        self.s = services

    # -- reading ------------------------------------------------------------------------------

    def get(self, user: User, schedule_id: uuid.UUID | str) -> ScheduleView:
        with self.s.store.read() as session:
            row = repo.get(session, user.id, _uuid(schedule_id, "schedule"))
            if row is None:
                raise NotFound("schedule", schedule_id)
            return self.view(row)

    def resolve(self, user: User, ident: str) -> ScheduleView:
        """A full id or a unique prefix of one (the CLI's short ids)."""
        try:
            return self.get(user, uuid.UUID(ident))
        except ValueError:
            pass
        if not re.fullmatch(r"[0-9a-fA-F-]{1,36}", ident or ""):
            raise NotFound("schedule", ident)
        with self.s.store.read() as session:
            matches = repo.find_by_prefix(session, user.id, ident)
        if not matches:
            raise NotFound("schedule", ident)
        if len(matches) > 1:
            raise Conflict(
                f"id prefix {ident!r} matches {len(matches)} schedules; give more digits"
            )
        return self.view(matches[0])

    def list(
        self,
        user: User,
        where: repo.ScheduleFilter | None = None,
        *,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[builtins.list[ScheduleView], int]:
        where = self._checked_filter(where or repo.ScheduleFilter())
        with self.s.store.read() as session:
            rows, total = repo.list_for_user(session, user.id, where, offset=offset, limit=limit)
        return [self.view(row, runs=1) for row in rows], total

    def _checked_filter(self, where: repo.ScheduleFilter) -> repo.ScheduleFilter:
        """Refuse filters no schedule can match for a reason worth telling (an unknown type,
        a NUL byte PostgreSQL would choke on), and read `agent_id` as create does."""
        problems: Problems = []
        for name, value in (
            ("agent_id", where.agent_id),
            ("schedule_type", where.schedule_type),
            ("q", where.search),
        ):
            if value is None:
                continue
            if "\x00" in value:
                problems.append(Problem(name, "contains a NUL character", "remove it"))
            elif len(value) > FILTER_MAX_LEN:
                problems.append(
                    Problem(
                        name, f"is {len(value)} characters long", f"keep it under {FILTER_MAX_LEN}"
                    )
                )
        kind = where.schedule_type
        if kind is not None and not problems and kind not in {t.value for t in ScheduleType}:
            problems.append(
                Problem(
                    "schedule_type",
                    f"{kind!r} is not a schedule type",
                    "use 'cron', 'interval' or 'once'",
                )
            )
        if problems:
            raise InvalidInput(problems)
        if where.agent_id is not None:
            where = replace(where, agent_id=_normal_handle(where.agent_id, self.s.agents.handles()))
        return where

    def view(self, row: ScheduledCommand, runs: int = PREVIEW_COUNT) -> ScheduleView:
        spec = repo.spec_of(row)
        try:
            text = describe(spec)
        except InvalidSchedule:
            text = "(this schedule's timing is no longer valid; edit it)"
        upcoming: builtins.list[datetime] = []
        if row.enabled and row.next_run_at is not None:
            upcoming = [row.next_run_at]
            if runs > 1:
                upcoming += preview(spec, row.next_run_at, runs - 1)
        return ScheduleView(row, text, upcoming)

    # -- writing ------------------------------------------------------------------------------

    def create(self, user: User, draft: ScheduleDraft) -> ScheduleView:
        self._rate_limit(user)
        now = self.s.clock.now()
        draft = self._expand_text(user, draft, now)
        values = self._checked(user, draft, now, existing=None)
        row = ScheduledCommand(
            id=uuid.uuid4(), user_id=user.id, created_at=now, updated_at=now, **values
        )
        with self.s.store.write() as session:
            if repo.count_for_user(session, user.id) >= self.s.settings.max_schedules_per_user:
                raise Conflict(
                    f"you have reached the limit of {self.s.settings.max_schedules_per_user} "
                    "schedules; delete or reuse one first"
                )
            if row.key and repo.get_by_key(session, user.id, row.key):
                raise Conflict(f"a schedule with key {row.key!r} already exists")
            session.add(row)
        self.s.bus.publish("schedule.created", str(user.id), schedule_id=str(row.id))
        return self.view(row)

    def update(
        self, user: User, schedule_id: uuid.UUID | str, draft: ScheduleDraft, *, partial: bool
    ) -> ScheduleView:
        """PATCH (`partial`) merges the given fields into the schedule; PUT replaces it, so
        fields not given fall back to their defaults, as on create."""
        self._rate_limit(user)
        now = self.s.clock.now()
        ident = _uuid(schedule_id, "schedule")
        draft = self._expand_text(user, draft, now)
        with self.s.store.write() as session:
            row = repo.get(session, user.id, ident)
            if row is None:
                raise NotFound("schedule", schedule_id)
            values = self._checked(user, draft, now, existing=row if partial else None)
            timing_changed = any(getattr(row, k) != values[k] for k in TIMING_FIELDS)
            if values.get("key") and values["key"] != row.key:
                other = repo.get_by_key(session, user.id, values["key"])
                if other is not None and other.id != row.id:
                    raise Conflict(f"a schedule with key {values['key']!r} already exists")
            keep_next = (
                not timing_changed
                and row.enabled
                and values["enabled"]
                and row.next_run_at is not None
            )
            if keep_next:
                values["next_run_at"] = row.next_run_at
                values["anchor_at"] = row.anchor_at
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
        self.s.bus.publish("schedule.updated", str(user.id), schedule_id=str(row.id))
        return self.view(row)

    def set_enabled(self, user: User, schedule_id: uuid.UUID | str, enabled: bool) -> ScheduleView:
        self._rate_limit(user)
        now = self.s.clock.now()
        with self.s.store.write() as session:
            row = repo.get(session, user.id, _uuid(schedule_id, "schedule"))
            if row is None:
                raise NotFound("schedule", schedule_id)
            if enabled and not row.enabled:
                following = build_trigger(repo.spec_of(row)).next_after(now)
                if following is None:
                    raise Conflict(
                        "this one-time schedule's run_at has passed; set a new run_at to enable it"
                    )
                row.next_run_at = following
            elif not enabled:
                row.next_run_at = None
            row.enabled = enabled
            row.updated_at = now
        kind = "schedule.enabled" if enabled else "schedule.disabled"
        self.s.bus.publish(kind, str(user.id), schedule_id=str(row.id))
        return self.view(row)

    def delete(self, user: User, schedule_id: uuid.UUID | str) -> None:
        """Deletes the schedule and its whole execution history: the user asked for it gone."""
        self._rate_limit(user)
        with self.s.store.write() as session:
            row = repo.get(session, user.id, _uuid(schedule_id, "schedule"))
            if row is None:
                raise NotFound("schedule", schedule_id)
            repo.delete_with_history(session, row)
        self.s.bus.publish("schedule.deleted", str(user.id), schedule_id=str(schedule_id))

    def run_now(self, user: User, schedule_id: uuid.UUID | str) -> Execution:
        """Queue a manual execution; the engine runs it through the same runner and policies."""
        self._rate_limit(user)
        now = self.s.clock.now()
        ident = _uuid(schedule_id, "schedule")
        for nudge in range(5):
            # The slot is the moment asked; two runs asked in the same microsecond would
            # share it, and the slot key forbids that, so the second moves by a microsecond.
            with self.s.store.write() as session:
                row = repo.get(session, user.id, ident)
                if row is None:
                    raise NotFound("schedule", schedule_id)
                execution = NewExecution(
                    id=uuid.uuid4(),
                    schedule_id=row.id,
                    user_id=user.id,
                    agent_id=row.agent_id,
                    scheduled_for=now + timedelta(microseconds=nudge),
                    created_at=now,
                    status=ExecutionStatus.PENDING,
                    trigger=ExecutionTrigger.MANUAL,
                    next_attempt_at=now,
                )
                if claims.insert_executions(session, [execution]):
                    row.last_run_at = now
                    break
        else:  # pragma: no cover - five manual runs in the same microsecond
            raise Conflict("too many manual runs at once; try again")
        self.s.bus.publish(
            "execution.queued",
            str(user.id),
            execution_id=str(execution.id),
            schedule_id=str(execution.schedule_id),
            status=execution.status.value,
        )
        with self.s.store.read() as session:
            stored = executions_repo.get(session, user.id, execution.id)
        assert stored is not None
        return stored

    def preview(self, user: User, draft: ScheduleDraft) -> Preview:
        now = self.s.clock.now()
        draft = self._expand_text(user, draft, now)
        problems: Problems = []
        spec = self._spec(user, draft, now, None, problems, future_after=now)
        agent = None
        # The agent is checked only when the caller named one: a preview of timing alone
        # (no agent, a command without @handle) is not an error.
        if draft.agent_id or HANDLE_AT_START.match(draft.command_text or ""):
            agent = self._agent_from(draft, problems)
        if problems:
            raise InvalidInput(problems)
        assert spec is not None
        return Preview(
            spec, describe(spec), preview(spec, now, PREVIEW_COUNT), agent, draft.command_text
        )

    # -- rules --------------------------------------------------------------------------------

    def _rate_limit(self, user: User) -> None:
        wait = self.s.write_limiter.take(str(user.id))
        if wait:
            raise RateLimited(
                f"too many changes: at most {self.s.settings.write_rate_per_minute} per minute",
                wait,
            )

    def _expand_text(self, user: User, draft: ScheduleDraft, now: datetime) -> ScheduleDraft:
        if draft.text is None:
            return draft
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
        try:
            parsed = parse_sentence(
                draft.text,
                timezone=draft.timezone or user.timezone,
                now=now,
                min_gap=self.s.settings.min_gap,
            )
        except SentenceNotUnderstood as exc:
            raise InvalidInput.one("text", exc.message, "see the examples in the README") from exc
        spec = parsed.spec
        return replace(
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
        )

    def _checked(
        self, user: User, draft: ScheduleDraft, now: datetime, existing: ScheduledCommand | None
    ) -> dict[str, Any]:
        """Merge `draft` over `existing` (or defaults), check every field, and return the
        column values, next_run_at included. Raises InvalidInput listing every problem."""
        settings = self.s.settings
        base: dict[str, Any] = (
            # A partial update keeps the stored timing unless the draft changes it.
            {k: getattr(existing, k) for k in (*_EDITABLE, *TIMING_FIELDS)}
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
            }
        )
        given = draft.given()
        given.pop("text", None)
        if existing is not None and "schedule_type" in given:
            # A new type drops the old type's fields unless they are given again.
            for name in ("cron_expression", "interval_value", "interval_unit", "run_at"):
                base[name] = None
        merged = {**base, **given}
        problems: Problems = []

        command = merged.get("command_text")
        if not command or not str(command).strip():
            problems.append(
                Problem("command_text", "is required", 'e.g. "@alice check deprecated models"')
            )
        else:
            command = str(command).strip()
            if len(command) > settings.command_max_len:
                problems.append(
                    Problem(
                        "command_text",
                        f"is {len(command)} characters long",
                        f"keep it under {settings.command_max_len}",
                    )
                )
            if "\x00" in command:
                problems.append(Problem("command_text", "contains a NUL character", "remove it"))
        merged["command_text"] = command
        description = merged.get("description") or ""
        if len(description) > settings.description_max_len:
            problems.append(
                Problem(
                    "description",
                    f"is {len(description)} characters long",
                    f"keep it under {settings.description_max_len}",
                )
            )
        if "\x00" in description:
            problems.append(Problem("description", "contains a NUL character", "remove it"))

        if existing is None or "agent_id" in given or "command_text" in given:
            explicit = given.get("agent_id")
            if (
                explicit is None
                and existing is not None
                and not HANDLE_AT_START.match(command or "")
            ):
                explicit = existing.agent_id
            merged["agent_id"] = self._agent_from(
                ScheduleDraft(command_text=command, agent_id=explicit), problems
            )

        overlap = merged.get("overlap")
        if overlap not in {o.value for o in Overlap}:
            problems.append(
                Problem("overlap", f"{overlap!r} is not a policy", "use 'skip' or 'allow'")
            )
        _check_range(problems, merged, "misfire_grace_s", 0, 86_400 * 7)
        _check_range(problems, merged, "max_retries", 0, 3)
        _check_range(problems, merged, "timeout_s", 1, settings.max_timeout_s)
        key = merged.get("key")
        if key is not None and (
            not isinstance(key, str) or not re.fullmatch(r"[\w.:-]{1,100}", key)
        ):
            problems.append(
                Problem("key", "must be 1-100 letters, digits or . _ : -", 'e.g. "daily-report"')
            )
        if not isinstance(merged.get("enabled"), bool):
            problems.append(Problem("enabled", "must be true or false"))

        # A once schedule that has fired keeps a past run_at: editing only its text is fine.
        retimed = existing is None or any(k in given for k in TIMING_FIELDS)
        spec = self._spec(
            user,
            ScheduleDraft(**{k: merged.get(k) for k in TIMING_FIELDS}),
            now,
            existing,
            problems,
            future_after=now if retimed else None,
        )
        if problems:
            raise InvalidInput(problems)
        assert spec is not None
        anchor = existing.anchor_at if existing is not None and spec.anchor else now
        if spec.schedule_type is ScheduleType.INTERVAL and existing is not None:
            same = (
                existing.schedule_type == spec.schedule_type.value
                and existing.interval_value == spec.interval_value
                and existing.interval_unit
                == (spec.interval_unit.value if spec.interval_unit else None)
            )
            anchor = existing.anchor_at if same else now
        spec = spec.with_anchor(anchor)
        next_run_at = build_trigger(spec).next_after(now) if merged["enabled"] else None
        return {
            **{k: merged.get(k) for k in _EDITABLE},
            "schedule_type": spec.schedule_type.value,
            "cron_expression": spec.cron_expression,
            "interval_value": spec.interval_value,
            "interval_unit": spec.interval_unit.value if spec.interval_unit else None,
            "run_at": spec.run_at.astimezone(UTC) if spec.run_at else None,
            "timezone": spec.timezone,
            "anchor_at": anchor,
            "next_run_at": next_run_at,
        }

    def _spec(
        self,
        user: User,
        draft: ScheduleDraft,
        now: datetime,
        existing: ScheduledCommand | None,
        problems: Problems,
        *,
        future_after: datetime | None = None,
    ) -> ScheduleSpec | None:
        kind = draft.schedule_type
        if kind is None:
            problems.append(
                Problem(
                    "schedule_type",
                    "is required",
                    "use 'cron', 'interval' or 'once', or send `text`",
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
                    "use 'cron', 'interval' or 'once'",
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
            validate(spec, min_gap=self.s.settings.min_gap, now=future_after)
        except InvalidSchedule as exc:
            reported = {p.field for p in problems}
            problems.extend(p for p in exc.problems if p.field not in reported)
            return None
        return spec

    def _agent_from(self, draft: ScheduleDraft, problems: Problems) -> str | None:
        handles = self.s.agents.handles()
        wanted = draft.agent_id
        if wanted is None and draft.command_text:
            match = HANDLE_AT_START.match(draft.command_text)
            wanted = match.group(1) if match else None
        if not wanted:
            problems.append(
                Problem(
                    "agent_id",
                    "no agent given",
                    "set agent_id, or start the command with @handle (e.g. @alice)",
                )
            )
            return None
        handle = _normal_handle(wanted, handles)
        if handle in handles:
            return handle
        close = difflib.get_close_matches(handle, handles, n=1)
        fix = (
            f"did you mean @{close[0]}?"
            if close
            else (
                f"known agents: {', '.join('@' + h for h in sorted(handles))}"
                if handles
                else "define agents in agents.toml"
            )
        )
        problems.append(Problem("agent_id", f"no agent @{handle}", fix))
        return None


_EDITABLE = (
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
)


def _normal_handle(wanted: str, handles: list[str]) -> str:
    """`@Alice`, `alice` and the older clients' `agent_alice` all name the agent `alice`."""
    handle = wanted.strip().lstrip("@").lower()
    if handle not in handles and handle.startswith("agent_") and handle[6:] in handles:
        handle = handle[6:]
    return handle


def _check_range(
    problems: Problems, merged: dict[str, Any], name: str, low: int, high: int
) -> None:
    value = merged.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(
            Problem(name, f"{value!r} is out of range", f"use a whole number from {low} to {high}")
        )


def _uuid(value: uuid.UUID | str, kind: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(kind, value) from None
