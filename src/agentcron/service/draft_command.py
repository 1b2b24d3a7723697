"""The words of a draft: its command, its description and the agent the command addresses.
`DraftRules.checked` (drafts.py) checks them first, before the run policies, the chain and
the timing."""

from __future__ import annotations

from typing import Any

from agentcron.config import Settings
from agentcron.errors import Problem
from agentcron.service.context import AgentDirectory
from agentcron.service.handles import HANDLE_AT_START, addressed_agent
from agentcron.store.tables import ScheduledCommand


def check_command_fields(
    settings: Settings,
    agents: AgentDirectory,
    merged: dict[str, Any],
    given: dict[str, Any],
    existing: ScheduledCommand | None,
    problems: list[Problem],
) -> None:
    """Trim the command and check it and the description; on a new schedule, or when the
    agent or the command is given, set the agent the command addresses. Problems are added,
    the checked values written into `merged`."""
    merged["command_text"] = check_command(
        merged.get("command_text"), settings.command_max_len, problems
    )
    check_description(merged.get("description") or "", settings.description_max_len, problems)
    if existing is None or "agent_id" in given or "command_text" in given:
        explicit = given.get("agent_id")
        command = merged["command_text"]
        if explicit is None and existing is not None and not HANDLE_AT_START.match(command or ""):
            # A new command without @handle keeps the agent the schedule already had.
            explicit = existing.agent_id
        merged["agent_id"] = addressed_agent(agents, command, explicit, problems)


def check_command(command: object, max_len: int, problems: list[Problem]) -> str | None:
    """The command as stored (trimmed), or None with the problem added when it is blank."""
    if not command or not str(command).strip():
        problems.append(
            Problem("command_text", "is required", 'e.g. "@alice check deprecated models"')
        )
        return None
    text = str(command).strip()
    if len(text) > max_len:
        problems.append(
            Problem(
                "command_text",
                f"is {len(text)} characters long",
                f"keep it under {max_len}",
            )
        )
    if "\x00" in text:
        problems.append(Problem("command_text", "contains a NUL character", "remove it"))
    return text


def check_description(description: str, max_len: int, problems: list[Problem]) -> None:
    if len(description) > max_len:
        problems.append(
            Problem(
                "description",
                f"is {len(description)} characters long",
                f"keep it under {max_len}",
            )
        )
    if "\x00" in description:
        problems.append(Problem("description", "contains a NUL character", "remove it"))
