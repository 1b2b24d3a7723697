"""The rules of dependency chains, once for every face: naming an upstream (by id or key),
refusing loops and chains deeper than five (the graph is a user's own schedules, a few
dozen at most, checked with the standard library's `graphlib`), listing a schedule's
dependents, and the graph the schedule page draws.

The engine fires chains (`engine.chains`); this module only decides what may be saved.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import Any

from sqlalchemy.orm import Session

from agentcron.errors import Conflict, InvalidInput, NotFound, Problem
from agentcron.service.context import Services
from agentcron.service.handles import parse_id
from agentcron.store import chains as repo
from agentcron.store import schedules as schedules_repo
from agentcron.store.tables import ChainOn, ScheduledCommand, User
from agentcron.timing import ScheduleType

MAX_DEPTH = 5
CHAIN_ON = tuple(c.value for c in ChainOn)


class HasDependents(Conflict):
    """Deleting a schedule others run after: 409, naming them (`?detach=true` disables them)."""

    def __init__(self, label: str, dependents: list[repo.Edge]) -> None:
        self.dependents = dependents
        names = ", ".join(label_of(e) for e in dependents)
        super().__init__(
            f"{len(dependents)} schedule(s) run after {label}: {names}; delete or re-chain "
            "them first, or delete with detach=true to disable them"
        )


def label_of(edge: repo.Edge) -> str:
    """How a schedule is named in messages: its key, else its short id."""
    return edge.key or str(edge.id)[:8]


@dataclass(frozen=True, slots=True)
class Dependent:
    """A schedule downstream of another: `depth` 1 runs right after it."""

    id: uuid.UUID
    key: str | None
    agent_id: str
    command_text: str
    enabled: bool
    after_schedule_id: uuid.UUID
    after_on: str
    depth: int


@dataclass(frozen=True, slots=True)
class ChainGraph:
    """What the schedule page draws: the upstream path (root first, ending at the schedule
    itself) and every schedule downstream of it."""

    path: list[repo.Edge]
    downstream: list[Dependent] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return len(self.path) <= 1 and not self.downstream


def check_after_fields(
    merged: dict[str, Any], given: dict[str, Any], problems: list[Problem]
) -> None:
    """A draft's chain fields: an `after` schedule needs an upstream and an outcome; no other
    kind has either. Called by `DraftRules.checked` (drafts.py); the upstream it names is
    resolved and checked for loops by `stored_upstream`, in the use case's transaction."""
    if merged.get("schedule_type") != ScheduleType.AFTER.value:
        for name in ("after_schedule_id", "after_on"):
            if name in given:
                problems.append(
                    Problem(name, "applies only to schedule_type 'after'", "leave it out")
                )
        merged["after_schedule_id"] = merged["after_on"] = None
        return
    on = merged.get("after_on") or "success"
    if on not in ("success", "failure", "always"):
        problems.append(
            Problem("after_on", f"{on!r} is not an outcome", "use success, failure or always")
        )
    merged["after_on"] = on
    upstream = merged.get("after_schedule_id")
    if upstream is None or (isinstance(upstream, str) and not upstream.strip()):
        problems.append(
            Problem(
                "after_schedule_id",
                "is required for an after schedule",
                "give the id or key of the schedule this one runs after",
            )
        )


def resolve_upstream(session: Session, user: User, ref: str) -> uuid.UUID:
    """An upstream named by id or by key, among the user's own schedules only."""
    text = ref.strip()
    try:
        ident = uuid.UUID(text)
    except ValueError:
        row = schedules_repo.get_by_key(session, user.id, text)
    else:
        # An id, or a key that is one (import names upstreams created from a file so).
        row = schedules_repo.get(session, user.id, ident) or schedules_repo.get_by_key(
            session, user.id, text
        )
    if row is None:
        raise InvalidInput.one(
            "after_schedule_id",
            f"no schedule of yours has the id or key {text!r}",
            "give the id or key of one of your schedules (GET /api/scheduled-commands)",
        )
    return row.id


def check_graph(
    session: Session, user: User, schedule_id: uuid.UUID, upstream_id: uuid.UUID | None
) -> None:
    """Refuse an upstream that would close a loop or make a chain deeper than MAX_DEPTH."""
    edges = {e.id: e for e in repo.edges(session, user.id)}
    upstream_of = {i: e.after_schedule_id for i, e in edges.items()}
    upstream_of[schedule_id] = upstream_id
    graph = {node: ({up} if up is not None else set()) for node, up in upstream_of.items()}

    def name(node: uuid.UUID) -> str:
        edge = edges.get(node)
        return label_of(edge) if edge else ("this schedule" if node == schedule_id else "?")

    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        # graphlib lists the loop upstream first: each runs after the one before it.
        # Shown from the schedule being saved, which the new link put in the loop.
        loop = [n for n in exc.args[1] if isinstance(n, uuid.UUID)][:-1]
        if schedule_id in loop:
            start = loop.index(schedule_id)
            loop = loop[start:] + loop[:start]
        shown = " → ".join(name(n) for n in [*loop, loop[0]])
        raise InvalidInput.one(
            "after_schedule_id",
            f"would make a loop: {shown} (each runs after the one before it)",
            "choose a schedule that does not already run after this one",
        ) from None
    worst: list[uuid.UUID] = []
    for node in upstream_of:
        path = [node]
        while (up := upstream_of.get(path[-1])) is not None and up in upstream_of:
            path.append(up)
        if len(path) - 1 > len(worst) - 1:
            worst = path
    if len(worst) - 1 > MAX_DEPTH:
        shown = " → ".join(name(n) for n in reversed(worst))
        raise InvalidInput.one(
            "after_schedule_id",
            f"would make a chain {len(worst) - 1} links deep ({shown}); at most {MAX_DEPTH}",
            "run this after a schedule nearer the start of the chain",
        )


def downstream(session: Session, user: User, schedule_id: uuid.UUID) -> list[Dependent]:
    """Every schedule that runs after this one, directly or through others, nearest first."""
    children: dict[uuid.UUID, list[repo.Edge]] = defaultdict(list)
    for edge in repo.edges(session, user.id):
        if edge.after_schedule_id is not None:
            children[edge.after_schedule_id].append(edge)
    found: list[Dependent] = []
    seen = {schedule_id}
    level = [schedule_id]
    depth = 0
    while level and depth < MAX_DEPTH + 1:
        depth += 1
        following: list[uuid.UUID] = []
        for parent in level:
            for edge in sorted(children.get(parent, ()), key=lambda e: (e.key or "", str(e.id))):
                if edge.id in seen:
                    continue
                seen.add(edge.id)
                following.append(edge.id)
                assert edge.after_schedule_id is not None
                found.append(
                    Dependent(
                        edge.id,
                        edge.key,
                        edge.agent_id,
                        edge.command_text,
                        edge.enabled,
                        edge.after_schedule_id,
                        edge.after_on or ChainOn.SUCCESS.value,
                        depth,
                    )
                )
        level = following
    return found


class ChainService:
    """Reading chains for the faces: dependents and the graph of one schedule."""

    def __init__(self, services: Services) -> None:
        self.s = services

    def dependents(self, user: User, schedule_id: uuid.UUID | str) -> list[Dependent]:
        ident = parse_id(schedule_id, "schedule")
        with self.s.store.read() as session:
            if schedules_repo.get(session, user.id, ident) is None:
                raise NotFound("schedule", schedule_id)
            return downstream(session, user, ident)

    def graph(self, user: User, schedule_id: uuid.UUID | str) -> ChainGraph:
        ident = parse_id(schedule_id, "schedule")
        with self.s.store.read() as session:
            edges = {e.id: e for e in repo.edges(session, user.id)}
            if ident not in edges:
                raise NotFound("schedule", schedule_id)
            path = [edges[ident]]
            while (up := path[-1].after_schedule_id) is not None and up in edges:
                if any(e.id == up for e in path) or len(path) > MAX_DEPTH + 1:
                    break  # defensive: the rules keep loops out
                path.append(edges[up])
            return ChainGraph(list(reversed(path)), downstream(session, user, ident))

    def upstream_labels(self, user: User) -> dict[uuid.UUID, str]:
        """Each schedule's label by id, to show "after <key>" in lists."""
        with self.s.store.read() as session:
            return {e.id: label_of(e) for e in repo.edges(session, user.id)}


_ON_WORDS = {"success": "succeeds", "failure": "fails", "always": "finishes"}


def after_text(
    upstream: uuid.UUID | None, after_on: str | None, labels: dict[uuid.UUID, str]
) -> str:
    """An `after` schedule's timing in words: "After daily-check succeeds"."""
    if upstream is None:
        return "After a schedule that was deleted (detached: re-chain it to run again)"
    name = labels.get(upstream) or str(upstream)[:8]
    return f"After {name} {_ON_WORDS.get(after_on or 'success', 'finishes')}"


def upstream_labels(
    session: Session, user: User, rows: Sequence[ScheduledCommand]
) -> dict[uuid.UUID, str]:
    """Labels of the upstreams of the `after` schedules among these (one read, if any)."""
    if not any(r.schedule_type == ScheduleType.AFTER.value for r in rows):
        return {}
    return {
        e.id: e.key or (e.command_text if len(e.command_text) <= 40 else e.command_text[:39] + "…")
        for e in repo.edges(session, user.id)
    }


def stored_upstream(
    session: Session, user: User, schedule_id: uuid.UUID, ref: uuid.UUID | str | None
) -> uuid.UUID | None:
    """The upstream to store: an id or key resolved among the user's schedules, checked for
    loops and depth (also for a kept upstream: a chain may have grown beneath it)."""
    if ref is None:
        return None
    upstream = resolve_upstream(session, user, ref) if isinstance(ref, str) else ref
    check_graph(session, user, schedule_id, upstream)
    return upstream
