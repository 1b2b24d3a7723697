"""The use cases every interface shares (ARCHITECTURE.md, invariant 5)."""

from agentcron.service.context import Services
from agentcron.service.schedules import Preview, ScheduleDraft, ScheduleService, ScheduleView

__all__ = ["Preview", "ScheduleDraft", "ScheduleService", "ScheduleView", "Services"]
