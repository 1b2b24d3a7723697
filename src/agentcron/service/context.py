"""What every use case needs, built once by the composition root (app.py, the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from agentcron.agents.base import AgentInfo
from agentcron.agents.settings import BackendSettings
from agentcron.config import Settings
from agentcron.engine.clock import Clock
from agentcron.engine.events import EventBus
from agentcron.service.limits import RateLimiter
from agentcron.store.database import Store


class AgentDirectory(Protocol):
    """The part of the agent registry the rules need: who exists, a helpful refusal, and the
    settings of the agent the sentence parser may fall back on."""

    def infos(self) -> list[AgentInfo]: ...

    def handles(self) -> list[str]: ...

    def categories(self) -> dict[str, list[str]]: ...

    def settings_of(self, handle: str) -> BackendSettings | None: ...


@dataclass
class Services:
    settings: Settings
    store: Store
    clock: Clock
    agents: AgentDirectory
    bus: EventBus
    write_limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.write_limiter = RateLimiter(self.settings.write_rate_per_minute)
