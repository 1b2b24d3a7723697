"""Per-agent limits at claim time: `max_concurrency` (runs in flight, all instances together),
`rate_per_minute` (starts in any 60 seconds) and pauses a backend asked for with a 429
`Retry-After`.

The decision is made in the claim transaction, under the agent's gate row
(`store.gates`), from what the database says: running executions of the agent, its starts
in the last minute, its pause. A run over the limit is not started late and not missed: its
slot is recorded at once as `pending` with `waiting_for = "agent_limit"`, and it starts as
soon as its agent has room: the engine whose run ended wakes, and its claim takes waiting
runs of any agent with room, whichever instance held them. `RECHECK` is only the safety net
(room freed by recovery of a dead instance's run): every held row looked at again costs an
update, and at 1 s a limited burst of 2,000 runs spent 16 s of engine CPU doing that.

With no agent limited and none paused, `Gates.turn` returns None and the claim path makes
no query of its own: a burst costs what it cost before.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from agentcron.agents.limits import AgentLimits
from agentcron.store import gates
from agentcron.store.database import Store
from agentcron.store.gates import AGENT_LIMIT
from agentcron.store.records import NewExecution, PendingExecution
from agentcron.store.tables import ExecutionStatus

RECHECK = timedelta(seconds=10)  # a held run is looked at again at least this often
# rate_per_minute counts the starts of the last minute plus RATE_MARGIN: a start is counted
# when it is claimed, and its request reaches the agent a little later (more on a busy
# machine), so without a margin a run admitted as the window's oldest start leaves it could
# reach the agent while, by the agent's watch, that start is still less than a minute old.
RATE_MARGIN = timedelta(seconds=2)
WINDOW = timedelta(seconds=60) + RATE_MARGIN
PAUSES_READ_EVERY = timedelta(seconds=1)  # how stale this instance's view of pauses may be
PAUSE_MIN_S = 1.0
PAUSE_MAX_S = 3600.0  # a Retry-After longer than an hour pauses the agent for an hour
_ROOMY = 1 << 30

Limits = Callable[[], Mapping[str, AgentLimits]]


def no_limits() -> Mapping[str, AgentLimits]:
    return {}


def limits_of(agents: object) -> Limits:
    """The limits source of an agent lookup: the registry's `limits()`, re-read at every
    claim so a reloaded agents file applies at once; none for a lookup without limits."""
    found = getattr(agents, "limits", None)
    return found if callable(found) else no_limits


class Gates:
    """One engine's view of the limits: the configured ones (from the registry) and the
    pauses recorded in the database (re-read at most every `PAUSES_READ_EVERY`)."""

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._ensured: set[str] = set()
        self._paused: dict[str, datetime] = {}
        self._paused_read_at: datetime | None = None

    def limited(self) -> Mapping[str, AgentLimits]:
        return self._limits()

    def prepare(self, store: Store, now: datetime) -> None:
        """Create missing gate rows of limited agents, in a transaction before the claim's."""
        missing = [a for a in self._limits() if a not in self._ensured]
        if missing:
            with store.write() as session:
                gates.ensure_gates(session, missing, now)
            self._ensured.update(missing)

    def turn(self, session: Session, now: datetime) -> GateTurn | None:
        """The gate keeper for one claim transaction, or None when nothing is gated."""
        read_at = self._paused_read_at
        if read_at is None or now - read_at >= PAUSES_READ_EVERY or now < read_at:
            self._paused = gates.paused_gates(session, now)
            self._paused_read_at = now
        limits = self._limits()
        paused = {a: u for a, u in self._paused.items() if u > now}
        if not limits and not paused:
            return None
        return GateTurn(limits, set(paused), now)

    def note_pause(self, agent_id: str, until: datetime) -> None:
        """A pause this instance just recorded: honoured at once, before the next read."""
        self._paused[agent_id] = max(until, self._paused.get(agent_id, until))

    def is_gated(self, agent_id: str) -> bool:
        return agent_id in self._limits() or agent_id in self._paused


@dataclass(slots=True)
class _Gate:
    """One agent's state within a claim transaction, read under its lock."""

    locked: bool
    paused_until: datetime | None = None
    slots: int = _ROOMY  # runs it may still add in flight (max_concurrency - running)
    rate: int | None = None
    starts: list[datetime] = field(default_factory=list)  # in the window, oldest first


class GateTurn:
    """Admits runs of gated agents within one claim transaction. Each agent's gate is locked
    and counted once per transaction; every admission then uses its room up."""

    def __init__(self, limits: Mapping[str, AgentLimits], paused: set[str], now: datetime):
        self.limits = limits
        self.paused = paused
        self.now = now
        self._gates: dict[str, _Gate] = {}

    def gated(self, agent_id: str) -> bool:
        return agent_id in self.limits or agent_id in self.paused

    def _open(self, session: Session, agent_ids: Collection[str]) -> None:
        """Lock and count the gates of these agents not yet opened in this transaction."""
        new = {a for a in agent_ids if a not in self._gates}
        if not new:
            return
        locked = gates.lock_gates(session, new)
        counted = [a for a in locked if (self.limits.get(a) or _NONE).max_concurrency]
        running = gates.running_counts(session, counted)
        rated = [a for a in locked if (self.limits.get(a) or _NONE).rate_per_minute]
        recent = gates.recent_starts(session, rated, self.now - WINDOW)
        for agent_id in new:
            if agent_id not in locked:  # another instance holds it right now: look again soon
                self._gates[agent_id] = _Gate(locked=False)
                continue
            limits = self.limits.get(agent_id) or _NONE
            slots = _ROOMY
            if limits.max_concurrency is not None:
                slots = limits.max_concurrency - running.get(agent_id, 0)
            self._gates[agent_id] = _Gate(
                True,
                locked[agent_id],
                slots,
                limits.rate_per_minute,
                recent.get(agent_id, []),
            )

    def _room(self, agent_id: str) -> int:
        gate = self._gates[agent_id]
        if not gate.locked or (gate.paused_until is not None and gate.paused_until > self.now):
            return 0
        room = gate.slots
        if gate.rate is not None:
            room = min(room, gate.rate - len(gate.starts))
        return max(0, room)

    def _recheck(self, agent_id: str) -> datetime:
        """When a run held now is looked at again: when the pause ends, when enough of the
        window's oldest starts leave it, and at least every `RECHECK` (room freed by a run
        ending on another instance)."""
        gate = self._gates[agent_id]
        at = self.now + RECHECK
        if gate.paused_until is not None and gate.paused_until > at:
            at = gate.paused_until
        if gate.rate is not None and len(gate.starts) >= gate.rate:
            at = max(at, gate.starts[-gate.rate] + WINDOW)
        return at

    def admit(
        self, session: Session, items: Sequence[tuple[str, uuid.UUID]]
    ) -> dict[uuid.UUID, datetime]:
        """Given runs about to start, in order, as (agent, execution id): those that must wait,
        with when to look at them again. The rest are admitted and, for rate-limited agents,
        counted as started now."""
        agents = {a for a, _ in items if self.gated(a)}
        if not agents:
            return {}
        self._open(session, agents)
        held: dict[uuid.UUID, datetime] = {}
        started: dict[str, int] = {}
        for agent_id, key in items:
            if agent_id not in agents:
                continue
            if self._room(agent_id) > 0:
                gate = self._gates[agent_id]
                gate.slots -= 1
                if gate.rate is not None:
                    gate.starts.append(self.now)
                    started[agent_id] = started.get(agent_id, 0) + 1
            else:
                held[key] = self._recheck(agent_id)
        gates.record_starts(session, started, self.now, self.now - WINDOW)
        return held

    def waiting(
        self, session: Session, limit: int, exclude: Collection[uuid.UUID]
    ) -> list[PendingExecution]:
        """Runs waiting for their agent's limit that may start now (their agent has room),
        up to `limit`, whatever their next check time: room freed by a run that just ended
        is used at once instead of at the next check."""
        if limit <= 0:
            return []
        agents = {a for a in gates.waiting_agents(session) if self.gated(a)}
        if not agents:
            return []
        self._open(session, agents)
        rooms: dict[str, int] = {}
        for agent_id in sorted(agents):
            take = min(self._room(agent_id), limit - sum(rooms.values()))
            if take > 0:
                rooms[agent_id] = take
        return gates.waiting_runs(session, rooms, exclude) if rooms else []


_NONE = AgentLimits()


def held_execution(execution: NewExecution, recheck: datetime) -> NewExecution:
    """A claimed slot that waits for its agent's limit instead of starting: recorded now (so
    the slot is neither late nor missed), started when the agent has room."""
    return dataclasses.replace(
        execution,
        status=ExecutionStatus.PENDING,
        attempt=0,
        started_at=None,
        lag_ms=None,
        worker_id=None,
        lease_expires_at=None,
        next_attempt_at=recheck,
        waiting_for=AGENT_LIMIT,
    )


def pause_until(
    retry_after_s: float | None, error_code: str | None, now: datetime
) -> datetime | None:
    """When an agent that answered 429 with `Retry-After` may start again: its attempt is
    then given back (not counted as a failure) and the agent paused, instead of retries
    burnt against a server that asked us to wait."""
    if retry_after_s is None or error_code != "rate_limited":
        return None
    return now + timedelta(seconds=min(PAUSE_MAX_S, max(PAUSE_MIN_S, retry_after_s)))


def record_pauses(
    session: Session, now: datetime, pauses: Sequence[tuple[str, uuid.UUID, datetime, str]]
) -> None:
    """Write the pauses (agent, execution, until, reason) in the outcome's transaction: the
    agent's gate for every instance, and the execution waiting for it."""
    longest: dict[str, tuple[datetime, str]] = {}
    for agent_id, _, until, reason in pauses:
        if agent_id not in longest or until > longest[agent_id][0]:
            longest[agent_id] = (until, reason)
    for agent_id, (until, reason) in sorted(longest.items()):
        gates.pause(session, agent_id, until, reason, now)
    gates.hold(session, [(execution_id, until) for _, execution_id, until, _ in pauses])
