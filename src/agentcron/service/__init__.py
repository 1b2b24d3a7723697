"""The use cases every interface shares (ARCHITECTURE.md, invariant 5). The faces receive one
`UseCases`, built by `build_use_cases`."""

from agentcron.service.context import Services
from agentcron.service.schedules import Preview, ScheduleDraft, ScheduleService, ScheduleView
from agentcron.service.usecases import Runtime, UseCases, build_use_cases

__all__ = [
    "Preview",
    "Runtime",
    "ScheduleDraft",
    "ScheduleService",
    "ScheduleView",
    "Services",
    "UseCases",
    "build_use_cases",
]
