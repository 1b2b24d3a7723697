"""Notifications end to end on a real engine and database: a failing schedule notifies once,
recovers once and pauses itself; the outbox's deliveries are retried, rate-limited, and sent
once across senders. Receivers are real HTTP servers on 127.0.0.1 that check signatures."""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from agentcron.agents.signing import verify
from agentcron.engine.clock import ManualClock
from agentcron.engine.loop import Engine
from agentcron.service.channels import ChannelDraft, ChannelService
from agentcron.store.tables import Notice, Notification, NotificationChannel
from tests.agents.conftest import LoopbackServer, Received
from tests.support import agents
from tests.support.world import World

pytestmark = pytest.mark.anyio
EVERY_5_MIN = {"schedule_type": "interval", "interval_value": 5, "interval_unit": "minutes"}


class Receiver(LoopbackServer):
    """A webhook receiver that checks each call's signature against the channel's secret."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__()
        self._httpd.socket.listen(128)  # many senders at once: no refused connections
        self.clock = clock
        self.secret = ""
        self.bad_signatures = 0
        self.statuses: list[int] = []  # answered in turn; then 200
        self._lock = threading.Lock()
        self.answer = self._answer

    def _answer(self, request: Received) -> tuple[int, Any, dict[str, str]]:
        if not verify(self.secret, request.headers, request.body, now=self.clock.now()):
            self.bad_signatures += 1
        with self._lock:
            status = self.statuses.pop(0) if self.statuses else 200
        return status, {"ok": status < 300}, {}

    def events(self) -> list[str]:
        return [r.json()["event"] for r in self.received]

    def bodies(self) -> list[dict[str, Any]]:
        return [r.json() for r in self.received]


@pytest.fixture
async def world(database_url: str, clock: ManualClock, tmp_path: Path) -> AsyncIterator[World]:
    agents.reset()
    world = World.build(
        database_url, clock, tmp_path, notify_allow_private=True, notify_rate_per_minute=20
    )
    yield world
    await world.close()
    await world.engine.dispatcher.aclose()


@pytest.fixture
def receiver(clock: ManualClock) -> Iterator[Receiver]:
    server = Receiver(clock)
    server.start()
    yield server
    server.stop()


def channels(world: World) -> ChannelService:
    return ChannelService(world.services, world.engine.dispatcher)


def add_webhook(world: World, receiver: Receiver, on: list[str], name: str = "ops") -> uuid.UUID:
    view = channels(world).create(
        world.user, ChannelDraft(name=name, url=f"{receiver.url}/hook/t0ps3cr3tpath", on=on)
    )
    assert view.secret and view.row.kind == "webhook"
    receiver.secret = view.secret
    return view.row.id


def failing_schedule(world: World, **fields: Any) -> uuid.UUID:
    values = {"command_text": "@switch check the status page", "max_retries": 0, **EVERY_5_MIN}
    return world.create(**{**values, **fields}).id


async def run_slot(world: World) -> None:
    """Move to the schedule's next slot, fire it, record the outcome, and send."""
    world.clock.advance(minutes=5)
    await world.fire()
    await world.engine.sender.tick()


def deliveries(world: World) -> list[Notification]:
    with world.store.read() as session:
        return list(session.scalars(select(Notification).order_by(Notification.created_at)))


def channel_row(world: World, channel_id: uuid.UUID) -> NotificationChannel:
    with world.store.read() as session:
        row = session.get(NotificationChannel, channel_id)
        assert row is not None
        return row


async def test_failure_once_per_streak_then_one_recovery(
    world: World, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    add_webhook(world, receiver, ["failure", "recovery"])
    schedule_id = failing_schedule(world)
    agents.FAILING.set()
    await run_slot(world)
    assert receiver.events() == ["failure"]
    await run_slot(world)  # the streak goes on: nothing new
    assert receiver.events() == ["failure"]
    assert world.schedule(schedule_id).consecutive_failures == 2
    agents.FAILING.clear()
    await run_slot(world)
    await run_slot(world)  # a second success says nothing (no `success` in `on`)
    assert receiver.events() == ["failure", "recovery"]
    assert receiver.bad_signatures == 0
    assert world.schedule(schedule_id).consecutive_failures == 0

    failure, recovery = receiver.bodies()
    assert set(failure) >= {"id", "event", "schedule", "execution", "message"}
    assert failure["schedule"]["id"] == str(schedule_id)
    assert failure["execution"]["status"] == "failed"
    assert "status page says the API is down" in failure["message"]
    assert f"/executions/{failure['execution']['id']}" in failure["message"]
    assert "Ran: @switch check the status page" in failure["message"]
    assert recovery["execution"]["status"] == "success"
    assert "after 2 failure(s) in a row" in recovery["message"]
    assert [d.status for d in deliveries(world)] == ["sent", "sent"]
    # Neither the signing secret nor the URL's path token reached a log line of ours, or any
    # warning (the HTTP libraries' request lines are kept below WARNING by logs.QUIET).
    logged = "\n".join(
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("agentcron") or r.levelno >= logging.WARNING
    )
    assert receiver.secret not in logged and "t0ps3cr3tpath" not in logged


async def test_failure_counts_only_the_final_outcome_after_retries(
    world: World, receiver: Receiver
) -> None:
    add_webhook(world, receiver, ["failure"])
    schedule = world.create(command_text="@broken call upstream", max_retries=2, **EVERY_5_MIN)
    world.clock.advance(minutes=5)
    await world.fire()
    for _ in range(2):  # two retries, each after its backoff
        world.clock.advance(minutes=15)
        await world.fire()
        await world.engine.sender.tick()
        assert receiver.events() == [] or world.executions(schedule.id)[0].status == "failed"
    assert world.executions(schedule.id)[0].status == "failed"
    await world.engine.sender.tick()
    assert receiver.events() == ["failure"]
    assert world.schedule(schedule.id).consecutive_failures == 1


async def test_schedule_pauses_itself_after_n_failures(world: World, receiver: Receiver) -> None:
    add_webhook(world, receiver, ["failure", "auto_paused"])
    schedule_id = failing_schedule(world, auto_pause_after=3)
    agents.FAILING.set()
    for _ in range(3):
        await run_slot(world)
    row = world.schedule(schedule_id)
    assert not row.enabled and row.next_run_at is None
    assert row.paused_by == "auto"
    assert row.paused_reason == "paused automatically after 3 consecutive failures"
    assert row.paused_note == "the status page says the API is down"
    assert receiver.events() == ["failure", "auto_paused"]
    assert "paused this schedule after 3 consecutive failures" in receiver.bodies()[1]["message"]
    report = await world.fire(world.clock.now() + timedelta(minutes=10))
    assert report.started == 0  # paused: it fires no more

    view = world.schedules.set_enabled(world.user, schedule_id, True)
    assert view.row.consecutive_failures == 0 and view.row.paused_by is None
    await run_slot(world)  # a failure after enabling starts a new streak: one failure again
    assert receiver.events() == ["failure", "auto_paused", "failure"]


async def test_zero_never_pauses(world: World, receiver: Receiver) -> None:
    schedule_id = failing_schedule(world, auto_pause_after=0)
    agents.FAILING.set()
    for _ in range(6):
        await run_slot(world)
    row = world.schedule(schedule_id)
    assert row.enabled and row.consecutive_failures == 6


async def test_a_500_is_retried_and_then_sent(world: World, receiver: Receiver) -> None:
    channel_id = add_webhook(world, receiver, ["failure"])
    failing_schedule(world)
    receiver.statuses = [500]
    agents.FAILING.set()
    await run_slot(world)
    (row,) = deliveries(world)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.error and "HTTP 500" in row.error
    assert (await world.engine.sender.tick()).handled == 0  # its backoff has not passed
    world.clock.advance(minutes=2)
    await world.engine.sender.tick()
    (row,) = deliveries(world)
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(receiver.received) == 2
    assert channel_row(world, channel_id).enabled


async def test_three_failed_attempts_give_up_and_keep_the_channel(
    world: World, receiver: Receiver
) -> None:
    channel_id = add_webhook(world, receiver, ["failure"])
    failing_schedule(world)
    receiver.statuses = [503, 502, 500]
    agents.FAILING.set()
    await run_slot(world)
    for _ in range(2):
        world.clock.advance(minutes=10)
        await world.engine.sender.tick()
    (row,) = deliveries(world)
    assert (row.status, row.attempts) == ("failed", 3)
    channel = channel_row(world, channel_id)
    assert channel.enabled and channel.last_error and "HTTP 500" in channel.last_error


async def test_a_410_disables_the_channel_with_the_reason(world: World, receiver: Receiver) -> None:
    channel_id = add_webhook(world, receiver, ["failure", "recovery"])
    failing_schedule(world)
    receiver.statuses = [410]
    agents.FAILING.set()
    await run_slot(world)
    (row,) = deliveries(world)
    assert (row.status, row.attempts) == ("failed", 1)
    channel = channel_row(world, channel_id)
    assert not channel.enabled
    assert channel.disabled_reason and "HTTP 410" in channel.disabled_reason
    agents.FAILING.clear()
    await run_slot(world)  # a disabled channel is not chosen for new notices
    assert len(deliveries(world)) == 1 and len(receiver.received) == 1


async def test_over_the_rate_the_rest_are_suppressed_and_counted_in_the_next(
    world: World, receiver: Receiver
) -> None:
    world.settings.notify_rate_per_minute = 2
    add_webhook(world, receiver, ["failure"])
    for n in range(4):
        failing_schedule(world, key=f"check-{n}")
    agents.FAILING.set()
    await run_slot(world)
    statuses = sorted(d.status for d in deliveries(world))
    assert statuses == ["sent", "sent", "suppressed", "suppressed"]
    assert len(receiver.received) == 2
    world.clock.advance(minutes=1)
    failing_schedule(world, key="check-late", command_text="@switch look again")
    await run_slot(world)
    last = receiver.bodies()[-1]
    assert last["suppressed"] == 2
    assert "2 earlier notification(s) to this channel were held back" in last["message"]


async def test_an_agent_message_reaches_the_user(world: World, receiver: Receiver) -> None:
    add_webhook(world, receiver, ["agent"])
    world.create(command_text="@teller check the status page", **EVERY_5_MIN)
    await run_slot(world)
    (body,) = receiver.bodies()
    assert body["event"] == "agent"
    assert body["message"].startswith("Payments are down since 11:52")
    assert body["title"] == "@teller says: @teller check the status page"


async def test_a_schedule_can_silence_or_narrow_its_notifications(
    world: World, receiver: Receiver
) -> None:
    channel_id = add_webhook(world, receiver, ["failure"])
    failing_schedule(world, key="silent", notify={"channels": [], "on": []})
    failing_schedule(world, key="loud", notify={"channels": [str(channel_id)], "on": ["success"]})
    await run_slot(world)  # both succeed: only the one asking for successes tells
    assert receiver.events() == ["success"]
    agents.FAILING.set()
    await run_slot(world)  # both fail: neither asked for failures
    assert receiver.events() == ["success"]
    with world.store.read() as session:
        bell = list(session.scalars(select(Notice.event)))
    assert sorted(bell) == ["success"]  # the silent one shows nothing, even in the bell


async def test_a_missed_slot_notifies(world: World, receiver: Receiver) -> None:
    add_webhook(world, receiver, ["missed"])
    world.create(command_text="@alice nightly report", **EVERY_5_MIN)
    await world.fire(world.clock.now() + timedelta(hours=2))  # far beyond the grace
    await world.engine.sender.tick()
    assert receiver.events() == ["missed"]
    assert receiver.bodies()[0]["execution"]["status"] == "missed"


async def test_a_crashed_senders_rows_are_sent_after_its_lease(
    world: World, receiver: Receiver
) -> None:
    add_webhook(world, receiver, ["failure"])
    failing_schedule(world)
    agents.FAILING.set()
    world.clock.advance(minutes=5)
    await world.fire()
    claimed = await asyncio.to_thread(world.engine.sender._claim, world.clock.now())
    assert len(claimed.send) == 1  # ... and this sender dies before sending
    assert (await world.engine.sender.tick()).handled == 0  # leased: nobody else takes it
    other = Engine(
        world.store,
        world.registry,
        world.clock,
        world.settings,
        worker_id="w-other",
        rng=random.Random(3),
    )
    world.clock.advance(minutes=5)
    assert (await other.sender.tick()).sent == 1
    await other.dispatcher.aclose()
    assert receiver.events() == ["failure"]
    (row,) = deliveries(world)
    assert (row.status, row.attempts, row.worker_id) == ("sent", 2, "w-other")


@pytest.mark.postgres
async def test_two_engines_on_postgres_send_each_notification_once(
    postgres_url: str, clock: ManualClock, tmp_path: Path, receiver: Receiver
) -> None:
    agents.reset()
    world = World.build(postgres_url, clock, tmp_path, notify_allow_private=True)
    second = Engine(
        world.store,
        world.registry,
        clock,
        world.settings,
        worker_id="w-two",
        rng=random.Random(5),
    )
    try:
        add_webhook(world, receiver, ["failure"])
        for n in range(45):
            failing_schedule(world, key=f"s{n}")
        world.settings.notify_rate_per_minute = 1000
        agents.FAILING.set()
        clock.advance(minutes=5)
        await world.fire()
        assert len(deliveries(world)) == 45
        for _ in range(4):  # both senders at once, round after round
            await asyncio.gather(world.engine.sender.tick(), second.sender.tick())
        ids = [body["id"] for body in receiver.bodies()]
        assert len(ids) == 45 and len(set(ids)) == 45
        workers = {d.worker_id for d in deliveries(world)}
        assert {d.status for d in deliveries(world)} == {"sent"}
        assert workers <= {"w-test", "w-two"}
    finally:
        await second.dispatcher.aclose()
        await world.close()
        await world.engine.dispatcher.aclose()
