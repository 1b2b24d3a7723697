"""Who commands can be addressed to, and re-reading the operator's agents file."""

from __future__ import annotations

import logging

from agentcron.agents import AgentInfo, AgentRegistry, ReloadOutcome

log = logging.getLogger(__name__)


class AgentsService:
    """The agents as users may see them (never URLs or keys), and reloads."""

    def __init__(self, registry: AgentRegistry) -> None:
        self._registry = registry

    def infos(self) -> list[AgentInfo]:
        return self._registry.infos()

    def handles(self) -> list[str]:
        return self._registry.handles()

    def reload(self) -> ReloadOutcome:
        """Read the agents file again; a broken file keeps the last good agents and says why."""
        outcome = self._registry.reload()
        log.info("agents reload: %s", outcome.message.splitlines()[0] if outcome.ok else "failed")
        return outcome
