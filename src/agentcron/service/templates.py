"""Templates: built-in timing presets, and a user's own templates of a command with
{placeholders}, its timing and tags. Using a template fills the placeholders with the
values given, as plain text (never evaluated, never formatted again: a value that looks
like `{other}` or `{0.__class__}` stays those characters), and creates the schedule through
the one create use case, so every schedule rule applies to it."""

from __future__ import annotations

import builtins
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from agentcron.errors import Conflict, InvalidInput, NotFound, Problem
from agentcron.service.context import Services
from agentcron.service.drafts import TIMING_FIELDS, ScheduleDraft
from agentcron.service.handles import parse_id
from agentcron.service.schedules import ScheduleService, ScheduleView
from agentcron.service.tags import normal_tags
from agentcron.store import schedules as schedules_repo
from agentcron.store import templates as repo
from agentcron.store.tables import ScheduleTemplate, User

MAX_TEMPLATES = 100
NAME = re.compile(r"[\w .:-]{1,100}")
# `{name}` is a placeholder; `{{` and `}}` are literal braces; any other brace is text.
TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]{0,39})\}")
VALUE_MAX_LEN = 500


@dataclass(frozen=True, slots=True)
class Preset:
    """A built-in timing the editor and the CLI offer by name."""

    key: str
    label: str
    timing: dict[str, Any]


PRESETS: tuple[Preset, ...] = (
    Preset(
        "weekdays-9",
        "Every weekday at 9",
        {"schedule_type": "cron", "cron_expression": "0 9 * * 1-5"},
    ),
    Preset("daily-9", "Daily at 9", {"schedule_type": "cron", "cron_expression": "0 9 * * *"}),
    Preset(
        "weekly-monday-9",
        "Weekly on Monday at 9",
        {"schedule_type": "cron", "cron_expression": "0 9 * * 1"},
    ),
    Preset(
        "monthly-1st-9",
        "Monthly on the 1st at 9",
        {"schedule_type": "cron", "cron_expression": "0 9 1 * *"},
    ),
    Preset("hourly", "Hourly", {"schedule_type": "cron", "cron_expression": "0 * * * *"}),
    Preset(
        "every-15-minutes",
        "Every 15 minutes",
        {"schedule_type": "interval", "interval_value": 15, "interval_unit": "minutes"},
    ),
)


def placeholders(command: str) -> list[str]:
    """The placeholders of a command, each once, in order of appearance."""
    return list(dict.fromkeys(m.group(1) for m in TOKEN.finditer(command) if m.group(1)))


def fill(command: str, values: dict[str, str]) -> str:
    """The command with each placeholder replaced by its value, in one pass: a value is
    inserted as it is and never read for placeholders itself."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        return values[name] if name else match.group(0)[0]  # "{{" → "{", "}}" → "}"

    return TOKEN.sub(one, command)


@dataclass(frozen=True, slots=True)
class TemplateDraft:
    name: str | None = None
    command_text: str | None = None
    description: str | None = None
    timing: dict[str, Any] = field(default_factory=dict)
    tags: list[str] | None = None
    schedule_id: uuid.UUID | str | None = None  # "save as template": copy this schedule


class TemplateService:
    def __init__(self, services: Services, schedules: ScheduleService) -> None:
        self.s = services
        self.schedules = schedules

    def presets(self) -> builtins.list[Preset]:
        return list(PRESETS)

    def list(self, user: User) -> builtins.list[ScheduleTemplate]:
        with self.s.store.read() as session:
            return list(repo.list_for_user(session, user.id))

    def get(self, user: User, template_id: uuid.UUID | str) -> ScheduleTemplate:
        with self.s.store.read() as session:
            row = self._find(session, user, template_id)
            if row is None:
                raise NotFound("template", template_id)
            return row

    def create(self, user: User, draft: TemplateDraft) -> ScheduleTemplate:
        """Check and keep a template: its name, command, tags and timing (validated as a
        schedule's would be, so a template never yields a schedule refused for its timing)."""
        self.schedules._rate_limit(user)
        now = self.s.clock.now()
        if draft.schedule_id is not None:
            draft = self._from_schedule(user, draft)
        problems: builtins.list[Problem] = []
        name = (draft.name or "").strip()
        if not NAME.fullmatch(name):
            problems.append(
                Problem(
                    "name",
                    "must be 1-100 letters, digits, spaces or . _ : -",
                    'e.g. "health check"',
                )
            )
        command = (draft.command_text or "").strip()
        if not command:
            problems.append(
                Problem("command_text", "is required", 'e.g. "@alice check {service} health"')
            )
        elif len(command) > self.s.settings.command_max_len or "\x00" in command:
            problems.append(
                Problem("command_text", "is too long or has a NUL character", "shorten it")
            )
        description = (draft.description or "").strip()
        if len(description) > self.s.settings.description_max_len or "\x00" in description:
            problems.append(Problem("description", "is too long or has a NUL character"))
        tags = normal_tags(draft.tags, "tags", problems)
        timing = {k: v for k, v in draft.timing.items() if k in TIMING_FIELDS and v is not None}
        if isinstance(timing.get("run_at"), datetime):
            timing["run_at"] = timing["run_at"].astimezone(UTC).isoformat()
        self.schedules.rules.spec(user, _timing_draft(timing), now, problems, future_after=now)
        if problems:
            raise InvalidInput(problems)
        row = ScheduleTemplate(
            id=uuid.uuid4(),
            user_id=user.id,
            name=name,
            command_text=command,
            description=description,
            timing=timing,
            tags=tags,
            created_at=now,
        )
        try:
            with self.s.store.write() as session:
                schedules_repo.lock_owner(session, user.id)
                if len(repo.list_for_user(session, user.id)) >= MAX_TEMPLATES:
                    raise Conflict(f"you have {MAX_TEMPLATES} templates; delete one first")
                if repo.get_by_name(session, user.id, name) is not None:
                    raise Conflict(f"a template named {name!r} already exists")
                session.add(row)
        except IntegrityError:
            raise Conflict(f"a template named {name!r} already exists") from None
        return row

    def delete(self, user: User, template_id: uuid.UUID | str) -> None:
        self.schedules._rate_limit(user)
        with self.s.store.write() as session:
            row = self._find(session, user, template_id)
            if row is None:
                raise NotFound("template", template_id)
            session.delete(row)

    def use(
        self,
        user: User,
        template_id: uuid.UUID | str,
        values: dict[str, Any],
        *,
        tags: builtins.list[str] | None = None,
        key: str | None = None,
    ) -> ScheduleView:
        """A new schedule from the template, its placeholders filled with `values`. A missing
        value, or a value for no placeholder, is a 422 naming it (`values.<name>`)."""
        template = self.get(user, template_id)
        wanted = placeholders(template.command_text)
        problems: builtins.list[Problem] = []
        if not isinstance(values, dict):
            raise InvalidInput.one("values", "must be an object of placeholder values")
        for name in wanted:
            value = values.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                problems.append(
                    Problem(f"values.{name}", "is missing", f"give a value for {{{name}}}")
                )
            elif not isinstance(value, str):
                problems.append(Problem(f"values.{name}", "must be text"))
            elif len(value) > VALUE_MAX_LEN or "\x00" in value:
                problems.append(
                    Problem(
                        f"values.{name}",
                        "is too long or has a NUL character",
                        f"keep it under {VALUE_MAX_LEN + 1} characters",
                    )
                )
        for name in values:
            if name not in wanted:
                known = ", ".join(f"{{{w}}}" for w in wanted) or "none"
                problems.append(
                    Problem(
                        f"values.{str(name)[:40]}",
                        "is not a placeholder of this template",
                        f"its placeholders: {known}",
                    )
                )
        if problems:
            raise InvalidInput(problems)
        command = fill(template.command_text, {k: str(values[k]) for k in wanted})
        timing = dict(template.timing)
        if isinstance(timing.get("run_at"), str):
            timing["run_at"] = datetime.fromisoformat(timing["run_at"])
        draft = ScheduleDraft(
            command_text=command,
            description=template.description or None,
            tags=list(template.tags) if tags is None else tags,
            key=key,
            **timing,
        )
        return self.schedules.create(user, draft)

    def _find(self, session: Any, user: User, ident: uuid.UUID | str) -> ScheduleTemplate | None:
        """By id, or by its name (the CLI's way)."""
        try:
            return repo.get(session, user.id, parse_id(ident, "template"))
        except NotFound:
            return repo.get_by_name(session, user.id, str(ident))

    def _from_schedule(self, user: User, draft: TemplateDraft) -> TemplateDraft:
        assert draft.schedule_id is not None
        row = self.schedules.get(user, draft.schedule_id).row
        return TemplateDraft(
            name=draft.name,
            command_text=draft.command_text or row.command_text,
            description=draft.description if draft.description is not None else row.description,
            timing=draft.timing or {k: getattr(row, k) for k in TIMING_FIELDS},
            tags=draft.tags if draft.tags is not None else row.tags,
        )


def _timing_draft(timing: dict[str, Any]) -> ScheduleDraft:
    values = dict(timing)
    if isinstance(values.get("run_at"), str):
        values["run_at"] = datetime.fromisoformat(values["run_at"])
    return ScheduleDraft(**values)
