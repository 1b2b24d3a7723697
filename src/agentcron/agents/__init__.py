"""Agents: the `@handle`s agentcron hands commands to, and the registry that finds them.

Errors a caller meets here:

    AgentError        a call produced no result; `.retryable` says whether to try again
    UnknownAgent      (LookupError) no agent has this handle; `.suggestion` names a close one
    AgentConfigError  (ValueError) the agents file cannot be used; `.problems` lists why

Backends (echo, webhook, llm, openai, shell, python) live in their own modules and are
imported only when the agents file configures one.
"""

from agentcron.agents.base import Agent, AgentContext, AgentError, AgentInfo, AgentResult
from agentcron.agents.config import AgentConfigError
from agentcron.agents.deps import AgentDeps
from agentcron.agents.registry import AgentRegistry, ReloadOutcome, UnknownAgent, check_file

__all__ = [
    "Agent",
    "AgentConfigError",
    "AgentContext",
    "AgentDeps",
    "AgentError",
    "AgentInfo",
    "AgentRegistry",
    "AgentResult",
    "ReloadOutcome",
    "Step",
    "UnknownAgent",
    "Usage",
    "check_file",
]
