"""How events travel between instances: packed many to a NOTIFY payload, under PostgreSQL's
size limit, and read back exactly (the relay itself is tested against a real server in
test_pgnotify.py)."""

from __future__ import annotations

import json

from agentcron.engine.events import Event
from agentcron.engine.pgnotify import PAYLOAD_MAX, pack, unpack


def _events(count: int, origin: str = "worker-1") -> list[Event]:
    return [
        Event(
            "execution.finished",
            f"user-{i % 7}",
            {"execution_id": f"e-{i}", "status": "success", "attempt": i},
            origin,
        )
        for i in range(count)
    ]


def test_a_burst_of_events_travels_in_a_few_payloads_each_under_the_limit() -> None:
    events = _events(1000)
    payloads = pack("worker-1", events)
    assert 1 < len(payloads) < 60, "about 100 events fit one payload"
    assert all(len(p.encode()) <= PAYLOAD_MAX for p in payloads)
    back = [event for payload in payloads for event in unpack(payload)]
    assert back == events


def test_an_event_too_large_for_a_payload_goes_without_its_data() -> None:
    huge = Event("schedule.updated", "user-1", {"command": "é" * 5000}, "w")
    small = _events(3, origin="w")
    back = [
        event for payload in pack("w", [small[0], huge, *small[1:]]) for event in unpack(payload)
    ]
    assert back == [small[0], Event("schedule.updated", "user-1", {}, "w"), *small[1:]]


def test_every_payload_starts_with_its_origin_so_a_listener_can_skip_its_own() -> None:
    payloads = pack('host "a"-1', _events(300, origin='host "a"-1'))
    head = '{"origin": ' + json.dumps('host "a"-1') + ', "events": ['
    assert all(p.startswith(head) for p in payloads)


def test_a_single_event_object_is_accepted_as_a_script_would_send_it() -> None:
    payload = json.dumps({"kind": "schedule.updated", "user_id": "", "origin": "bench"})
    assert unpack(payload) == [Event("schedule.updated", "", {}, "bench")]


def test_values_json_cannot_carry_arrive_as_text() -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    (event,) = unpack(pack("w", [Event("execution.started", "u", {"at": at}, "w")])[0])
    assert event.data == {"at": str(at)}
