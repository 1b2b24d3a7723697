"""What a draft would schedule, before it is saved: the editor's live preview, `agentcron
parse`, the MCP tool and POST /api/schedules/preview share it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from agentcron.errors import InvalidInput, Problem
from agentcron.service.context import Services
from agentcron.service.drafts import DraftRules, ScheduleDraft
from agentcron.service.handles import HANDLE_AT_START, addressed_agent
from agentcron.service.readings import ModelReading
from agentcron.store.tables import User
from agentcron.timing import ScheduleSpec, describe, preview

PREVIEW_COUNT = 5


@dataclass(frozen=True, slots=True)
class Preview:
    """What a draft would schedule. `next_runs` are instants; `next_runs_local` the same in
    the schedule's zone, and `next_runs_viewer` in the viewer's zone when it differs (else
    None). `notes` say how words were read (a zone abbreviation, a model's reading);
    `model` is set when a model read a sentence the grammar refused: creating it then
    needs `accept_model_reading`."""

    spec: ScheduleSpec
    description: str
    next_runs: list[datetime]
    agent_id: str | None = None
    command_text: str | None = None
    notes: list[str] = field(default_factory=list)
    viewer_timezone: str = "UTC"
    next_runs_local: list[datetime] = field(default_factory=list)
    next_runs_viewer: list[datetime] | None = None
    model: ModelReading | None = None


def preview_draft(
    rules: DraftRules, services: Services, user: User, draft: ScheduleDraft
) -> Preview:
    now = services.clock.now()
    understood = rules.understand(user, draft, now)
    draft, parsed = understood.draft, understood.parsed
    problems: list[Problem] = []
    spec = (
        parsed.spec
        if parsed is not None
        else rules.spec(user, draft, now, problems, future_after=now)
    )
    agent = None
    # The agent is checked only when the caller named one: a preview of timing alone
    # (no agent, a command without @handle) is not an error.
    if draft.agent_id or HANDLE_AT_START.match(draft.command_text or ""):
        agent = addressed_agent(services.agents, draft.command_text, draft.agent_id, problems)
    if problems:
        raise InvalidInput(problems)
    assert spec is not None
    if parsed is not None:  # described and previewed by the parser already
        description, runs, notes = parsed.description, parsed.next_runs, parsed.notes
    else:
        description, runs, notes = describe(spec), preview(spec, now, PREVIEW_COUNT), []
    here, viewer = ZoneInfo(spec.timezone), user.timezone
    return Preview(
        spec,
        description,
        runs,
        agent,
        draft.command_text,
        notes=list(notes),
        viewer_timezone=viewer,
        next_runs_local=[run.astimezone(here) for run in runs],
        next_runs_viewer=(
            None if viewer == spec.timezone else [run.astimezone(ZoneInfo(viewer)) for run in runs]
        ),
        model=understood.model,
    )
