"""Who commands can be addressed to, and re-reading the operator's agents file."""

from __future__ import annotations

import logging

from agentcron.agents import AgentInfo, AgentRegistry, ReloadOutcome
from agentcron.errors import Forbidden, RateLimited
from agentcron.service.limits import RateLimiter
from agentcron.store.tables import User

log = logging.getLogger(__name__)
RELOADS_PER_MINUTE = 6  # a reload rebuilds every agent, for everyone


class AgentsService:
    """The agents as users may see them (never URLs or keys), and reloads."""

    def __init__(self, registry: AgentRegistry) -> None:
        self._registry = registry
        self._reloads = RateLimiter(RELOADS_PER_MINUTE)

    def infos(self) -> list[AgentInfo]:
        return self._registry.infos()

    def handles(self) -> list[str]:
        return self._registry.handles()

    def categories(self) -> dict[str, list[str]]:
        """Each category of agents (`@research`) and its members' handles."""
        return self._registry.categories()

    def reload(self, user: User | None = None) -> ReloadOutcome:
        """Read the agents file again; a broken file keeps the last good agents and says why.

        An operator action: over the API only administrators may ask, a few times a minute
        (`user` None is the operator's own signal, SIGHUP)."""
        if user is not None:
            if not user.is_admin:
                raise Forbidden("reloading the agents file is for administrators")
            wait = self._reloads.take("reload")
            if wait:
                raise RateLimited(
                    f"the agents file may be reloaded {RELOADS_PER_MINUTE} times a minute", wait
                )
        outcome = self._registry.reload()
        log.info("agents reload: %s", outcome.message.splitlines()[0] if outcome.ok else "failed")
        return outcome
