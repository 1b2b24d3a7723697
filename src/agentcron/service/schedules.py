"""The schedule use cases: read, create, update, enable, delete, run now, preview. Ownership,
caps and rate limits are checked here; the field rules are `drafts.DraftRules`. The API, the
web UI, the CLI and MCP all call these.

`ScheduleService` is the one object they are handed; its use cases live by what they do:
reading in `schedule_queries`, taking a draft (preview, create, update) in `schedule_edits`,
acting on a saved schedule (enable, disable, run now, delete) in `schedule_lifecycle`.
"""

from __future__ import annotations

from agentcron.service.drafts import ScheduleDraft
from agentcron.service.previews import Preview
from agentcron.service.readings import ModelReading
from agentcron.service.schedule_edits import ScheduleEdits
from agentcron.service.schedule_lifecycle import ScheduleLifecycle
from agentcron.service.schedule_queries import ScheduleView

__all__ = ["ModelReading", "Preview", "ScheduleDraft", "ScheduleService", "ScheduleView"]


class ScheduleService(ScheduleEdits, ScheduleLifecycle):
    """Every schedule use case. Pauses, bulk actions, backfills and templates are handed
    this too, for its views and its write rate."""
