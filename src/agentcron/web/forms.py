"""The schedule form: its fields as the browser sends them, turned into a `ScheduleDraft`,
and the service's problems put back beside the fields a person can see.

The form has four modes. `sentence` sends one sentence ("@alice … every weekday at 9am");
`cron`, `interval` and `once` send the command and the timing fields. Only what the form
can check without the rules (is this a whole number? a date?) is checked here: every
rule is the service's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from agentcron.errors import Problem
from agentcron.service.drafts import ScheduleDraft
from agentcron.service.handles import HANDLE_AT_START
from agentcron.service.schedules import ScheduleView

MODES = ("sentence", "cron", "interval", "once")
TEXT_FIELDS = (
    "text",
    "command_text",
    "agent_id",
    "description",
    "cron_expression",
    "timezone",
    "interval_unit",
    "overlap",
    "notify_mode",
    "notify_channels",
    "notify_on",
    "tags",
)
NUMBER_FIELDS = (
    "interval_value",
    "misfire_grace_s",
    "max_retries",
    "timeout_s",
    "auto_pause_after",
)
NOTIFY_MODES = ("follow", "custom", "silence")
# Fields the sentence box stands in for: their problems are shown beside it in sentence mode.
SENTENCE_COVERS = frozenset(
    {
        "command_text",
        "agent_id",
        "schedule_type",
        "cron_expression",
        "interval_value",
        "interval_unit",
        "run_at",
    }
)
# Where the service's fields sit in the form, when the form calls them otherwise.
MODE_FIELD = {
    "schedule_type": "mode",
    "notify": "notify_mode",
    "notify.channels": "notify_channels",
    "notify.on": "notify_on",
}
# What the form calls each field, for the list of problems above it and the preview's.
LABELS = {
    "mode": "How to say when",
    "text": "Sentence",
    "command_text": "Command",
    "agent_id": "Agent",
    "cron_expression": "Cron expression",
    "interval_value": "Every",
    "interval_unit": "Every",
    "run_at": "Run once at",
    "timezone": "Time zone",
    "description": "Note",
    "enabled": "Enabled",
    "misfire_grace_s": "Misfire grace",
    "overlap": "If the previous run is still going",
    "max_retries": "Retries",
    "timeout_s": "Timeout",
    "auto_pause_after": "Pause after failures",
    "notify_mode": "Notifications",
    "notify_channels": "Notify these channels",
    "notify_on": "Notify on these events",
    "tags": "Tags",
}


@dataclass
class ScheduleForm:
    """What the form shows: the values (as typed) and the problems by form field."""

    mode: str = "sentence"
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[Problem]] = field(default_factory=dict)

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def add(self, problems: list[Problem]) -> None:
        for problem in problems:
            name = MODE_FIELD.get(problem.field, problem.field)
            if self.mode == "sentence" and problem.field in SENTENCE_COVERS:
                name = "text"
            known = name in self.values or name in ("text", "mode", "run_at", "enabled")
            self.errors.setdefault(name if known else "form", []).append(problem)

    @property
    def general(self) -> list[Problem]:
        return self.errors.get("form", [])


def blank_form(
    *, timezone: str, agent: str | None, defaults: Mapping[str, int | str]
) -> ScheduleForm:
    values = {name: "" for name in TEXT_FIELDS + NUMBER_FIELDS + ("run_at",)}
    values.update({k: str(v) for k, v in defaults.items()})
    values.update(
        timezone=timezone,
        enabled="on",
        interval_unit="minutes",
        overlap="skip",
        notify_mode="follow",
    )
    if agent:
        values["text"] = f"@{agent} "
        values["agent_id"] = agent
    return ScheduleForm("sentence", values)


def form_from_view(view: ScheduleView) -> ScheduleForm:
    row = view.row
    run_at = ""
    if row.run_at is not None:
        run_at = row.run_at.astimezone(ZoneInfo(row.timezone)).strftime("%Y-%m-%dT%H:%M")
    named = HANDLE_AT_START.match(row.command_text)
    values = {
        "text": "",
        "command_text": row.command_text,
        # Blank means "the command's @handle": then editing the handle moves the schedule.
        "agent_id": "" if named and named.group(1).lower() == row.agent_id else row.agent_id,
        "description": row.description or "",
        "cron_expression": row.cron_expression or "",
        "interval_value": str(row.interval_value or ""),
        "interval_unit": row.interval_unit or "minutes",
        "run_at": run_at,
        "timezone": row.timezone,
        "enabled": "on" if row.enabled else "",
        "misfire_grace_s": str(row.misfire_grace_s),
        "overlap": row.overlap,
        "max_retries": str(row.max_retries),
        "timeout_s": str(row.timeout_s),
        "auto_pause_after": str(row.auto_pause_after),
        "tags": ", ".join(row.tags),
        **notify_values(row.notify),
    }
    if row.schedule_type == "after":
        # A chain has no mode of its own in the form: it is edited as its sentence.
        verb = {"failure": "fails", "always": "finishes"}.get(row.after_on or "", "succeeds")
        upstream = str(row.after_schedule_id) if row.after_schedule_id else "(deleted)"
        values["text"] = f"{row.command_text} after {upstream} {verb}"
        return ScheduleForm("sentence", values)
    return ScheduleForm(row.schedule_type, values)


def notify_values(stored: Mapping[str, Any] | None) -> dict[str, str]:
    """A stored notification rule as the form's three fields (lists joined by commas)."""
    if stored is None:
        return {"notify_mode": "follow", "notify_channels": "", "notify_on": ""}
    channels, on = stored.get("channels"), stored.get("on")
    if channels == [] or on == []:
        return {"notify_mode": "silence", "notify_channels": "", "notify_on": ""}
    return {
        "notify_mode": "custom",
        "notify_channels": ",".join(channels or ()),
        "notify_on": ",".join(on or ()),
    }


def _notify(form: ScheduleForm) -> dict[str, Any] | None:
    """The draft's `notify`: {} follows the owner's channels, empty lists are silence, and
    "these channels and events" narrows by what is ticked (nothing ticked: not narrowed);
    None when the form did not say (the rule stays as it is)."""
    mode = form.value("notify_mode")
    if mode == "silence":
        return {"channels": [], "on": []}
    if mode == "follow":
        return {}
    if mode != "custom":
        return None
    channels = [c for c in form.value("notify_channels").split(",") if c]
    on = [e for e in form.value("notify_on").split(",") if e]
    return {"channels": channels or None, "on": on or None}


def read_form(fields: Mapping[str, str]) -> ScheduleForm:
    mode = fields.get("mode", "sentence")
    values = {name: fields.get(name, "").strip() for name in TEXT_FIELDS + NUMBER_FIELDS}
    values["text"] = fields.get("text", "").strip()
    values["command_text"] = fields.get("command_text", "").strip()
    values["run_at"] = fields.get("run_at", "").strip()
    values["enabled"] = "on" if fields.get("enabled") else ""
    values["notify_channels"] = fields.get("notify_channels[]", "").strip()
    values["notify_on"] = fields.get("notify_on[]", "").strip()
    if values["notify_mode"] not in NOTIFY_MODES:
        values["notify_mode"] = ""  # not sent (an older form): the rule stays as it is
    form = ScheduleForm(mode if mode in MODES else "sentence", values)
    if mode not in MODES:
        form.errors["mode"] = [Problem("schedule_type", f"{mode!r} is not a mode", "pick one")]
    return form


def _number(form: ScheduleForm, name: str, problems: list[Problem]) -> int | None:
    raw = form.value(name)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        problems.append(Problem(name, f"{raw!r} is not a whole number", "e.g. 30"))
        return None


def _instant(form: ScheduleForm, problems: list[Problem]) -> datetime | None:
    """`run_at` is typed as local time in the form's zone (a datetime-local input)."""
    raw = form.value("run_at")
    if not raw:
        return None
    try:
        naive = datetime.fromisoformat(raw)
    except ValueError:
        problems.append(
            Problem("run_at", f"{raw!r} is not a date and time", "e.g. 2026-12-24T09:00")
        )
        return None
    if naive.tzinfo is not None:
        return naive
    try:
        zone = ZoneInfo(form.value("timezone") or "UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")  # the service reports the zone itself
    return naive.replace(tzinfo=zone)


def draft_from(
    form: ScheduleForm, *, with_settings: bool = True
) -> tuple[ScheduleDraft, list[Problem]]:
    """The draft this form asks for, and what made no sense before any rule is applied."""
    problems: list[Problem] = []
    settings: dict[str, Any] = {}
    if with_settings:
        settings = {
            "description": form.value("description"),
            "enabled": form.value("enabled") == "on",
            "misfire_grace_s": _number(form, "misfire_grace_s", problems),
            "overlap": form.value("overlap") or None,
            "max_retries": _number(form, "max_retries", problems),
            "timeout_s": _number(form, "timeout_s", problems),
            "auto_pause_after": _number(form, "auto_pause_after", problems),
            "notify": _notify(form),
            # Tags typed as words separated by commas or spaces; the service checks each.
            "tags": form.value("tags").replace(",", " ").split(),
        }
    timezone = form.value("timezone") or None
    if form.mode == "sentence":
        return ScheduleDraft(text=form.value("text"), timezone=timezone, **settings), problems
    timing: dict[str, Any] = {"schedule_type": form.mode}
    if form.mode == "cron":
        timing["cron_expression"] = form.value("cron_expression")
    elif form.mode == "interval":
        timing["interval_value"] = _number(form, "interval_value", problems)
        timing["interval_unit"] = form.value("interval_unit") or None
    else:
        timing["run_at"] = _instant(form, problems)
    draft = ScheduleDraft(
        command_text=form.value("command_text"),
        agent_id=form.value("agent_id") or None,
        timezone=timezone,
        **timing,
        **settings,
    )
    return draft, problems
