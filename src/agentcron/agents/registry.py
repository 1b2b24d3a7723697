"""The map from `@handle` to a configured agent, read from the agents file.

The registry holds one immutable snapshot; `reload` builds a complete new one
and swaps it in with a single assignment, so the engine reading it from any
thread or task sees either the old agents or the new, never a mixture. A file
that fails to load leaves the last good snapshot in place.

Backends are imported only when an agent of their kind is configured, and shell
and Python agents exist only if the operator's file names them: nothing a user
sends can create or change an agent.
"""

from __future__ import annotations

import difflib
import importlib
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from agentcron.agents.base import Agent, AgentInfo
from agentcron.agents.config import AgentConfigError, AgentSpec, read_file
from agentcron.agents.deps import AgentDeps
from agentcron.agents.limits import AgentLimits
from agentcron.agents.redact import RedactedAgent
from agentcron.agents.settings import (
    BACKENDS,
    BackendSettings,
    LLMSettings,
    OpenAISettings,
    WebhookSettings,
)

log = logging.getLogger(__name__)


class UnknownAgent(LookupError):
    """No agent answers to this handle; `suggestion` is the closest one that does, if any."""

    def __init__(self, handle: str, suggestion: str | None, *, note: str = "") -> None:
        self.handle = handle
        self.suggestion = suggestion
        message = f"no agent @{handle}"
        if suggestion:
            message += f"; did you mean @{suggestion}?"
        elif note:
            message += f"; {note}"
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    ok: bool
    message: str
    handles: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    agents: Mapping[str, Agent]
    infos: tuple[AgentInfo, ...]
    note: str
    settings: Mapping[str, BackendSettings] = field(default_factory=lambda: MappingProxyType({}))
    limits: Mapping[str, AgentLimits] = field(default_factory=lambda: MappingProxyType({}))
    # Groups: category → its member handles, sorted (a category never shares a handle's name).
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))


_EMPTY = _Snapshot(MappingProxyType({}), (), "no agents are configured")


def _normal(handle: str) -> str:
    return handle.strip().removeprefix("@").lower()


class AgentRegistry:
    """`get("@Alice")` → the agent configured as `[agents.alice]`.

    Every backend is built as `Backend(handle, settings, deps)`; the registry owns `deps`
    (the shared HTTP client, the clock) and closes it in `aclose()`. With
    `allow_code_backends=False`, shell and Python agents in the file are refused.
    """

    def __init__(
        self,
        path: Path | None,
        *,
        deps: AgentDeps | None = None,
        allow_code_backends: bool = True,
    ) -> None:
        self.path = path
        self.deps = deps or AgentDeps()
        self._allow_code_backends = allow_code_backends
        self._snapshot = _EMPTY
        self._lock = threading.Lock()

    def load(self) -> ReloadOutcome:
        """Read the file at start. A missing file gives an empty registry; a broken one raises.

        Raises AgentConfigError listing every problem, so a bad file stops start-up loudly.
        """
        with self._lock:
            if self.path is None:
                self._snapshot = _EMPTY
                return ReloadOutcome(True, "no agents file configured; no agents are available")
            if not self.path.exists():
                note = f"{self.path} not found; no agents are configured"
                self._snapshot = _Snapshot(MappingProxyType({}), (), note)
                return ReloadOutcome(True, note)
            return self._swap(self._build(read_file(self.path)))

    def reload(self) -> ReloadOutcome:
        """Read the file again. On any problem keep serving the last good agents, and say why."""
        if self.path is None:
            return ReloadOutcome(False, "no agents file configured", self.handles())
        with self._lock:
            try:
                snapshot = self._build(read_file(self.path))
            except AgentConfigError as exc:
                log.warning("agents file not reloaded: %s", exc)
                return ReloadOutcome(False, f"{exc}\nkeeping the last good agents", self.handles())
            return self._swap(snapshot)

    def get(self, handle: str) -> Agent:
        """The agent for `handle` (with or without `@`, any case), or UnknownAgent."""
        snapshot = self._snapshot
        wanted = _normal(handle)
        agent = snapshot.agents.get(wanted)
        if agent is None:
            close = difflib.get_close_matches(wanted, list(snapshot.agents), n=1)
            note = "" if snapshot.agents else snapshot.note
            raise UnknownAgent(wanted, close[0] if close else None, note=note)
        return agent

    def handles(self) -> list[str]:
        return sorted(self._snapshot.agents)

    def categories(self) -> dict[str, list[str]]:
        """Each category (`@research`) and the handles of its members."""
        return {name: list(members) for name, members in sorted(self._snapshot.groups.items())}

    def members(self, name: str) -> tuple[str, ...]:
        """Who a command to `@name` runs on: the agent itself, or every member of the
        category (read from the current snapshot: a reload counts from the next slot)."""
        snapshot = self._snapshot
        wanted = _normal(name)
        if wanted in snapshot.agents:
            return (wanted,)
        return snapshot.groups.get(wanted, ())

    def settings_of(self, handle: str) -> BackendSettings | None:
        """An agent's validated settings, for code of this process that talks to the same
        backend in another way (the sentence parser's model fallback); never shown to users."""
        return self._snapshot.settings.get(_normal(handle))

    def limits(self) -> Mapping[str, AgentLimits]:
        """The agents that have limits (`max_concurrency`, `rate_per_minute`), by handle; the
        engine reads it on every claim, so it is one attribute read of the snapshot."""
        return self._snapshot.limits

    def warm(self) -> None:
        """Build the shared HTTP client now if an HTTP agent (webhook, openai, llm) is
        configured: a server calls this at start, so the first fire of the day does not pay
        for the client (its TLS context and transport, a few hundred ms) with every run of
        the rush waiting behind it."""
        http = (WebhookSettings, OpenAISettings, LLMSettings)
        if any(isinstance(s, http) for s in self._snapshot.settings.values()):
            _ = self.deps.http

    def infos(self) -> list[AgentInfo]:
        """What users may see: handle, name, description, backend kind. Never URLs or keys."""
        return list(self._snapshot.infos)

    async def aclose(self) -> None:
        await self.deps.aclose()

    def _swap(self, snapshot: _Snapshot) -> ReloadOutcome:
        self._snapshot = snapshot
        handles = sorted(snapshot.agents)
        listed = ", ".join(f"@{handle}" for handle in handles) or "none"
        message = f"{len(handles)} agent(s) loaded from {self.path}: {listed}"
        log.info("%s", message)
        return ReloadOutcome(True, message, handles)

    def _build(self, specs: list[AgentSpec]) -> _Snapshot:
        """Construct every agent. Construction opens no connection (HTTP clients connect on
        first request), so `agentcron agents check` builds exactly what a server would."""
        agents: dict[str, Agent] = {}
        problems: list[str] = []
        for spec in specs:
            try:
                agents[spec.handle] = self._construct(spec)
            except ValueError as exc:
                problems.append(f"{self.path}: [agents.{spec.handle}] {exc}")
        if problems:
            raise AgentConfigError(problems)
        infos = tuple(
            AgentInfo(spec.handle, spec.name, spec.description, spec.backend, spec.categories)
            for spec in sorted(specs, key=lambda spec: spec.handle)
        )
        note = f"no agents are configured in {self.path}"
        settings = MappingProxyType({spec.handle: spec.settings for spec in specs})
        limits = MappingProxyType({s.handle: s.limits for s in specs if s.limits.any})
        groups: dict[str, list[str]] = {}
        for spec in sorted(specs, key=lambda spec: spec.handle):
            for category in spec.categories:
                groups.setdefault(category, []).append(spec.handle)
        frozen = MappingProxyType({name: tuple(members) for name, members in groups.items()})
        return _Snapshot(MappingProxyType(agents), infos, note, settings, limits, frozen)

    def _construct(self, spec: AgentSpec) -> Agent:
        backend = BACKENDS[spec.backend]
        if backend.runs_local_code and not self._allow_code_backends:
            raise ValueError(f"the {spec.backend} backend is disabled on this server")
        agent: Agent = _import(backend.target)(spec.handle, spec.settings, self.deps)
        return RedactedAgent(agent, spec.settings)


def _import(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def check_file(path: Path, *, allow_code_backends: bool = True) -> list[str]:
    """Every problem in an agents file, one line each; empty when it would load.

    Builds each agent (a Python callable is imported) but opens no connection.
    """
    registry = AgentRegistry(path, allow_code_backends=allow_code_backends)
    try:
        registry._build(read_file(path))
    except AgentConfigError as exc:
        return exc.problems
    return []
