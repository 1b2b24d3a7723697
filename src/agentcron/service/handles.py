"""Which agent a command addresses: an explicit handle, else the `@handle` it starts with,
read the way people write it (`@Alice`, `alice`, older clients' `agent_alice`), with a
"did you mean" when it names nobody."""

from __future__ import annotations

import difflib
import re
import uuid

from agentcron.errors import NotFound, Problem
from agentcron.service.context import AgentDirectory

HANDLE_AT_START = re.compile(r"^\s*@([A-Za-z][A-Za-z0-9_-]{0,31})\b")


def addressed_agent(
    agents: AgentDirectory, command: str | None, explicit: str | None, problems: list[Problem]
) -> str | None:
    """The handle of the agent (or the category of agents) addressed, or None with the
    problem added."""
    handles = agents.handles() + list(agents.categories())
    wanted = explicit
    if wanted is None and command:
        match = HANDLE_AT_START.match(command)
        wanted = match.group(1) if match else None
    if not wanted:
        problems.append(
            Problem(
                "agent_id",
                "no agent given",
                "set agent_id, or start the command with @handle (e.g. @alice)",
            )
        )
        return None
    handle = normal_handle(wanted, handles)
    if handle in handles:
        return handle
    close = difflib.get_close_matches(handle, handles, n=1)
    if close:
        fix = f"did you mean @{close[0]}?"
    elif handles:
        fix = f"known agents: {', '.join('@' + h for h in sorted(handles))}"
    else:
        fix = "define agents in agents.toml"
    problems.append(Problem("agent_id", f"no agent @{handle}", fix))
    return None


def normal_handle(wanted: str, handles: list[str]) -> str:
    """`@Alice`, `alice` and the older clients' `agent_alice` all name the agent `alice`."""
    handle = wanted.strip().lstrip("@").lower()
    if handle not in handles and handle.startswith("agent_") and handle[6:] in handles:
        handle = handle[6:]
    return handle


def parse_id(value: uuid.UUID | str, kind: str) -> uuid.UUID:
    """An id from a caller; anything that is not one names nothing (404, like a missing one)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(kind, value) from None
