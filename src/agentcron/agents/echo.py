"""The built-in agent that answers with the command it was given.

For trying agentcron without an AI service, and for tests of everything above
the agents layer. `delay_s` makes it take a while, like real work would.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from agentcron.agents.base import AgentContext, AgentResult
from agentcron.agents.deps import AgentDeps
from agentcron.agents.results import bounded
from agentcron.agents.settings import EchoSettings


class EchoAgent:
    kind: ClassVar[str] = "echo"

    def __init__(self, handle: str, settings: EchoSettings, deps: AgentDeps) -> None:
        self.handle = handle
        self._settings = settings

    async def run(self, context: AgentContext) -> AgentResult:
        if self._settings.delay_s:
            await asyncio.sleep(self._settings.delay_s)
        context.report_output(context.instruction)
        return bounded(AgentResult(output=context.instruction))
