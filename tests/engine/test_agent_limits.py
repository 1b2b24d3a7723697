"""Per-agent limits (max_concurrency, rate_per_minute) and 429 Retry-After pauses, decided in
the claim transaction: runs over the limit wait `pending` with `waiting_for = "agent_limit"`,
start when there is room, and are never missed."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from agentcron.engine.gates import RECHECK, WINDOW
from agentcron.engine.loop import Engine
from agentcron.store.tables import AgentGate, Execution
from tests.agents.conftest import LoopbackServer, Received, Reply
from tests.support import agents
from tests.support.agents import AGENTS_TOML
from tests.support.world import World

pytestmark = pytest.mark.anyio


def with_agents(world: World, extra: str) -> None:
    """Add agents to the world's agents file and load them, as an operator's reload does."""
    path = world.settings.agents_file
    assert path is not None
    Path(path).write_text(AGENTS_TOML + "\n" + extra)
    outcome = world.registry.reload()
    assert outcome.ok, outcome.message


def due_now(
    world: World, command: str, count: int, after: timedelta = timedelta(minutes=1), **fields: Any
) -> list[Any]:
    """`count` schedules whose first slot is the same instant, `after` from now."""
    at = world.clock.now() + after
    return [
        world.create(command_text=command, schedule_type="once", run_at=at, **fields).id
        for _ in range(count)
    ]


def by_status(world: World) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in world.executions():
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts


async def settle(world: World) -> None:
    """Wait for what is running to end and its outcomes to commit."""
    await world.engine.wait_idle()


async def test_max_concurrency_holds_the_rest_waiting_and_starts_them_as_room_frees(
    world: World,
) -> None:
    with_agents(
        world,
        '[agents.gated]\nbackend = "python"\ncallable = "tests.support.agents:blocker"\n'
        "max_concurrency = 2\n",
    )
    ids = due_now(world, "@gated hold on", 5)
    world.clock.advance(timedelta(minutes=1))
    report = await world.engine.tick()
    assert report.started == 2 and report.held == 3
    rows = world.executions()
    assert sorted(r.status for r in rows) == ["pending"] * 3 + ["running"] * 2
    waiting = [r for r in rows if r.status == "pending"]
    assert all(r.waiting_for == "agent_limit" and r.attempt == 0 for r in waiting)
    # Every slot is recorded at its time: none is late, none missed.
    assert {r.scheduled_for for r in rows} == {world.clock.now()}
    assert all(world.schedule(i).next_run_at is None for i in ids)

    # Another turn at the same instant starts nothing: the agent is still full.
    assert (await world.engine.tick()).started == 0

    agents.RELEASE.set()
    await settle(world)
    # The ended runs freed room: the waiting ones start without moving the clock.
    for _ in range(3):
        await world.engine.tick()
        await settle(world)
    assert by_status(world) == {"success": 5}
    assert all(r.waiting_for is None for r in world.executions())


async def test_a_held_run_is_not_looked_at_again_at_every_turn(world: World) -> None:
    """Room is used when a run ends (the ending wakes the engine), so a held row is not
    re-read and re-written each second: a limited burst of 2,000 once spent most of its
    engine CPU that way."""
    with_agents(
        world,
        '[agents.gated]\nbackend = "python"\ncallable = "tests.support.agents:blocker"\n'
        "max_concurrency = 1\n",
    )
    due_now(world, "@gated hold on", 3)
    world.clock.advance(timedelta(minutes=1))
    start = world.clock.now()
    assert (await world.engine.tick()).held == 2

    def held() -> dict[Any, Any]:
        return {r.id: r.next_attempt_at for r in world.executions() if r.status == "pending"}

    first = held()
    assert set(first.values()) == {start + RECHECK}
    for _ in range(5):
        world.clock.advance(timedelta(seconds=1))
        report = await world.engine.tick()
        assert (report.started, report.held) == (0, 0)
    assert held() == first

    agents.RELEASE.set()
    await settle(world)
    for _ in range(2):  # each ended run frees the room the next one takes
        await world.engine.tick()
        await settle(world)
    assert by_status(world) == {"success": 3}


async def test_a_slot_waiting_past_its_misfire_grace_still_runs(world: World) -> None:
    with_agents(
        world,
        '[agents.gated]\nbackend = "python"\ncallable = "tests.support.agents:blocker"\n'
        "max_concurrency = 1\n",
    )
    first, second = due_now(world, "@gated hold on", 2, misfire_grace_s=60)
    slot = world.clock.now() + timedelta(minutes=1)
    world.clock.set(slot)
    await world.engine.tick()
    assert by_status(world) == {"running": 1, "pending": 1}

    # Ten minutes on, far beyond the grace of 60 s, the first run ends; the second starts.
    world.clock.set(slot + timedelta(minutes=10))
    agents.RELEASE.set()
    await settle(world)
    await world.engine.tick()
    await settle(world)
    rows = world.executions()
    assert [r.status for r in rows] == ["success", "success"]
    assert all(r.missed_count == 0 and r.scheduled_for == slot for r in rows)
    late = max(rows, key=lambda r: r.lag_ms or 0)
    assert late.lag_ms == 10 * 60 * 1000  # its lag says how long it waited


async def test_rate_per_minute_counts_starts_over_the_last_minute(world: World) -> None:
    with_agents(
        world,
        '[agents.paced]\nbackend = "python"\ncallable = "tests.support.agents:switch"\n'
        "rate_per_minute = 3\n",
    )
    due_now(world, "@paced check", 5)
    start = world.clock.now() + timedelta(minutes=1)
    report = await world.fire(start)
    assert report.started == 3 and report.held == 2
    waiting = [r for r in world.executions() if r.status == "pending"]
    assert len(waiting) == 2
    # They are looked at again when the first starts leave the window: a minute, and a
    # margin for the time a request takes to reach the agent.
    minute = WINDOW
    assert timedelta(seconds=60) < minute <= timedelta(seconds=65)
    assert {r.next_attempt_at for r in waiting} == {start + minute}

    assert (await world.fire(start + timedelta(seconds=30))).started == 0
    assert (await world.fire(start + minute - timedelta(milliseconds=1))).started == 0
    report = await world.fire(start + minute)
    assert report.started == 2
    assert by_status(world) == {"success": 5}

    # Two more due 10 s later: the two starts of `start + minute` leave room for one.
    due_now(world, "@paced again", 2, after=timedelta(seconds=10))
    report = await world.fire(start + minute + timedelta(seconds=10))
    assert report.started == 1 and report.held == 1
    [held] = [r for r in world.executions() if r.status == "pending"]
    assert held.next_attempt_at == start + 2 * minute
    assert (await world.fire(start + 2 * minute - timedelta(seconds=1))).started == 0
    assert (await world.fire(start + 2 * minute)).started == 1
    assert by_status(world) == {"success": 7}


async def test_limits_apply_to_run_now_and_retries_too(world: World) -> None:
    with_agents(
        world,
        '[agents.gated]\nbackend = "python"\ncallable = "tests.support.agents:blocker"\n'
        "max_concurrency = 1\n",
    )
    [busy] = due_now(world, "@gated first", 1)
    world.clock.advance(timedelta(minutes=1))
    await world.engine.tick()
    other = world.create(
        command_text="@gated second",
        schedule_type="interval",
        interval_value=1,
        interval_unit="hours",
    )
    world.schedules.run_now(world.user, other.id)
    report = await world.engine.tick()
    assert report.started == 0 and report.held == 1
    [queued] = world.executions(other.id)
    assert queued.status == "pending" and queued.waiting_for == "agent_limit"
    agents.RELEASE.set()
    await settle(world)
    await world.engine.tick()
    await settle(world)
    assert world.executions(other.id)[0].status == "success"
    assert world.executions(busy)[0].status == "success"


class Receiver(LoopbackServer):
    """A loopback agent that counts requests in flight and answers after `delay_s`."""

    def __init__(self, delay_s: float) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.calls = 0
        self.delay_s = delay_s
        self.answer = self._answer

    def _answer(self, request: Received) -> Reply:
        with self.lock:
            self.in_flight += 1
            self.calls += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            time.sleep(self.delay_s)
        finally:
            with self.lock:
                self.in_flight -= 1
        return 200, {"summary": "done"}, {}


@pytest.mark.postgres
async def test_max_concurrency_holds_across_two_engines(
    postgres_url: str, clock: Any, tmp_path: Path
) -> None:
    receiver = Receiver(delay_s=0.15)
    receiver.start()
    world = World.build(postgres_url, clock, tmp_path, runner_concurrency=50)
    other = Engine(
        world.store,
        world.registry,
        clock,
        world.settings,
        worker_id="w-other",
        rng=random.Random(3),
    )
    try:
        with_agents(
            world,
            f'[agents.remote]\nbackend = "webhook"\nurl = "{receiver.url}/agent"\n'
            "max_concurrency = 3\n",
        )
        total = 24
        due_now(world, "@remote work", total)
        world.clock.advance(timedelta(minutes=1))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            # Both engines claim at once, each in its own thread and transaction.
            await asyncio.gather(world.engine.tick(), other.tick())
            finished = by_status(world).get("success", 0)
            if finished == total:
                break
            await asyncio.sleep(0.02)  # the receiver's answers come on real time
        await asyncio.gather(world.engine.wait_idle(), other.wait_idle())
        assert by_status(world) == {"success": total}
        assert receiver.calls == total
        assert receiver.peak <= 3
        assert receiver.peak == 3  # and the limit was used, not merely respected
        workers = {r.worker_id for r in world.executions()}
        assert workers == {"w-test", "w-other"}
    finally:
        await other.wait_idle()
        await other.recorder.stop()
        await world.close()
        receiver.stop()


async def test_a_429_with_retry_after_pauses_the_agent_without_spending_a_retry(
    world: World,
) -> None:
    receiver = LoopbackServer()
    receiver.start()
    calls: list[datetime] = []

    def answer(request: Received) -> Reply:
        calls.append(world.clock.now())
        if len(calls) == 1:
            return 429, "slow down", {"Retry-After": "30"}
        return 200, {"summary": "ok"}, {}

    receiver.answer = answer
    try:
        with_agents(world, f'[agents.remote]\nbackend = "webhook"\nurl = "{receiver.url}/agent"\n')
        [first] = due_now(world, "@remote work", 1, max_retries=0)
        slot = world.clock.now() + timedelta(minutes=1)
        await world.fire(slot)
        [row] = world.executions(first)
        # Not failed, though the schedule allows no retry: the attempt is given back.
        assert row.status == "pending" and row.waiting_for == "agent_limit"
        assert row.next_attempt_at == slot + timedelta(seconds=30)
        assert "Retry-After" in (row.error_message or "")
        [given_back] = world.attempts(row.id)[:1]
        assert given_back.status == "cancelled"
        with world.store.read() as session:
            gate = session.scalars(select(AgentGate)).one()
        assert gate.agent_id == "remote" and gate.paused_until == slot + timedelta(seconds=30)

        # Another run of the agent due during the pause waits for it, on any instance.
        [second] = due_now(world, "@remote more", 1)
        other = Engine(
            world.store, world.registry, world.clock, world.settings, worker_id="w-other"
        )
        report = await other.tick()
        assert report.started == 0
        world.clock.set(slot + timedelta(seconds=60) + timedelta(seconds=1))
        # (the pause has passed by now; the second slot came due at slot + 60 s)
        with world.store.read() as session:
            pending = session.scalars(select(Execution).where(Execution.status == "pending"))
            assert all(p.waiting_for == "agent_limit" for p in pending)
        await world.fire()
        assert [r.status for r in world.executions()] == ["success", "success"]
        assert len(calls) == 3
        await other.recorder.stop()
    finally:
        receiver.stop()


async def test_a_pause_holds_runs_that_come_due_during_it(world: World) -> None:
    receiver = LoopbackServer()
    receiver.start()
    answers = iter([(429, "slow down", {"Retry-After": "120"})])

    def answer(request: Received) -> Reply:
        return next(answers, (200, {"summary": "ok"}, {}))

    receiver.answer = answer
    try:
        with_agents(world, f'[agents.remote]\nbackend = "webhook"\nurl = "{receiver.url}/agent"\n')
        due_now(world, "@remote first", 1)
        slot = world.clock.now() + timedelta(minutes=1)
        await world.fire(slot)
        due_now(world, "@remote second", 1)  # due at slot + 60 s, inside the pause
        report = await world.fire(slot + timedelta(seconds=60))
        assert report.started == 0 and report.held == 1
        rows = world.executions()
        assert [r.status for r in rows] == ["pending", "pending"]
        assert {r.next_attempt_at for r in rows} == {slot + timedelta(seconds=120)}
        report = await world.fire(slot + timedelta(seconds=120))
        assert report.started == 2
        assert [r.status for r in world.executions()] == ["success", "success"]
    finally:
        receiver.stop()
