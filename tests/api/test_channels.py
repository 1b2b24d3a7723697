"""/api/channels and /api/notifications over HTTP: validation, ownership, a test send to a
real receiver, and no secret in any answer but the one that made it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from agentcron.agents.signing import verify
from agentcron.engine.clock import ManualClock
from tests.agents.conftest import LoopbackServer
from tests.api.conftest import MakeApp
from tests.api.helpers import CRON_BODY, new_caller

pytestmark = pytest.mark.anyio
C = "/api/channels"
S = "/api/scheduled-commands"
PATH_TOKEN = "Zq9xT0k3nPathSegment"


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    loopback = LoopbackServer()
    loopback.start()
    yield loopback
    loopback.stop()


@pytest.fixture
def app(make_app: MakeApp) -> FastAPI:
    return make_app(notify_allow_private=True)


async def test_a_webhooks_secret_is_shown_once_and_its_url_never(
    app: FastAPI, client: httpx.AsyncClient, server: LoopbackServer, clock: ManualClock
) -> None:
    owner = new_caller(app)
    url = f"{server.url}/hooks/{PATH_TOKEN}?key=abcdef123456"
    made = await client.post(
        C, json={"name": "ops", "url": url, "on": ["recovery", "failure"]}, headers=owner.headers
    )
    assert made.status_code == 201, made.text
    body = made.json()
    secret = body["secret"]
    assert secret.startswith("whsec_") and body["kind"] == "webhook"
    assert body["on"] == ["failure", "recovery"]  # in the canonical order
    assert body["url"] == f"{server.url}/***?***"
    assert made.headers["location"] == f"{C}/{body['id']}"

    answers = [
        await client.get(C, headers=owner.headers),
        await client.get(f"{C}/{body['id']}", headers=owner.headers),
        await client.patch(f"{C}/{body['id']}", json={"name": "ops-2"}, headers=owner.headers),
        await client.post(f"{C}/{body['id']}/test", headers=owner.headers),
        await client.get("/api/notifications", headers=owner.headers),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert secret not in answer.text and PATH_TOKEN not in answer.text
        assert "abcdef123456" not in answer.text
    tested = answers[3].json()
    assert tested["ok"] is True and tested["error"] is None
    (request,) = server.received
    assert request.path == f"/hooks/{PATH_TOKEN}?key=abcdef123456"
    assert verify(secret, request.headers, request.body, now=clock.now())
    assert request.json()["event"] == "test"
    log = answers[4].json()
    assert [(i["event"], i["status"], i["channel_name"]) for i in log["items"]] == [
        ("test", "sent", "ops-2")
    ]


async def test_a_refused_test_is_reported_and_kept_as_the_last_error(
    app: FastAPI, client: httpx.AsyncClient, server: LoopbackServer
) -> None:
    owner = new_caller(app)
    server.respond(404, "no such hook")
    made = (
        await client.post(C, json={"name": "gone", "url": f"{server.url}/x"}, headers=owner.headers)
    ).json()
    tested = (await client.post(f"{C}/{made['id']}/test", headers=owner.headers)).json()
    assert tested["ok"] is False and tested["error"] == "answered HTTP 404: no such hook"
    channel = (await client.get(f"{C}/{made['id']}", headers=owner.headers)).json()
    assert channel["last_error"] == "answered HTTP 404: no such hook"
    assert channel["enabled"] is True  # a test reports; it does not disable


async def test_bad_channels_are_refused_naming_the_field(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    owner = new_caller(app)
    cases = [
        ({"name": "x", "url": "notaservice://x"}, "url"),
        ({"name": "x", "url": "json://127.0.0.1/x", "on": ["failure", "sometimes"]}, "on"),
        ({"url": "json://127.0.0.1/x"}, "name"),
        ({"name": "x"}, "url"),
    ]
    for body, field in cases:
        answer = await client.post(C, json=body, headers=owner.headers)
        assert answer.status_code == 422, body
        assert answer.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in answer.json()["errors"]] == [field]
    await client.post(C, json={"name": "x", "url": "json://127.0.0.1/x"}, headers=owner.headers)
    again = await client.post(C, json={"name": "x", "url": "json://h/x"}, headers=owner.headers)
    assert again.status_code == 409


async def test_private_webhooks_are_refused_by_default(
    make_app: MakeApp, server: LoopbackServer
) -> None:
    app = make_app()
    owner = new_caller(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        answer = await client.post(
            C, json={"name": "inside", "url": f"{server.url}/x"}, headers=owner.headers
        )
    assert answer.status_code == 422
    (error,) = answer.json()["errors"]
    assert error["field"] == "url" and "private or loopback" in error["message"]


async def test_re_enabling_clears_the_reason(app: FastAPI, client: httpx.AsyncClient) -> None:
    owner = new_caller(app)
    made = (
        await client.post(C, json={"name": "x", "url": "json://h/x"}, headers=owner.headers)
    ).json()
    off = (
        await client.patch(f"{C}/{made['id']}", json={"enabled": False}, headers=owner.headers)
    ).json()
    assert off["enabled"] is False and off["disabled_reason"] == "disabled by you"
    on = (
        await client.patch(f"{C}/{made['id']}", json={"enabled": True}, headers=owner.headers)
    ).json()
    assert on["enabled"] is True and on["disabled_reason"] is None
    assert (await client.delete(f"{C}/{made['id']}", headers=owner.headers)).status_code == 204
    assert (await client.get(f"{C}/{made['id']}", headers=owner.headers)).status_code == 404


async def test_a_schedules_notify_rule_round_trips(app: FastAPI, client: httpx.AsyncClient) -> None:
    owner, other = new_caller(app), new_caller(app)
    mine = (
        await client.post(C, json={"name": "x", "url": "json://h/x"}, headers=owner.headers)
    ).json()
    theirs = (
        await client.post(C, json={"name": "y", "url": "json://h/y"}, headers=other.headers)
    ).json()
    schedule = (await client.post(S, json=CRON_BODY, headers=owner.headers)).json()
    assert schedule["notify"] == {"channels": None, "on": None}  # follow the channels
    assert schedule["auto_pause_after"] == 5 and schedule["consecutive_failures"] == 0
    sid = schedule["id"]

    silent = await client.patch(f"{S}/{sid}", json={"notify": None}, headers=owner.headers)
    assert silent.json()["notify"] is None
    kept = await client.patch(f"{S}/{sid}", json={"description": "x"}, headers=owner.headers)
    assert kept.json()["notify"] is None  # not sent: unchanged
    narrowed = await client.patch(
        f"{S}/{sid}",
        json={"notify": {"channels": [mine["id"]], "on": ["failure"]}, "auto_pause_after": 0},
        headers=owner.headers,
    )
    assert narrowed.json()["notify"] == {"channels": [mine["id"]], "on": ["failure"]}
    assert narrowed.json()["auto_pause_after"] == 0
    # PUT takes what GET gave, read-only fields and all.
    whole = (await client.get(f"{S}/{sid}", headers=owner.headers)).json()
    put = await client.put(f"{S}/{sid}", json=whole, headers=owner.headers)
    assert put.status_code == 200 and put.json()["notify"] == whole["notify"]

    foreign = await client.patch(
        f"{S}/{sid}", json={"notify": {"channels": [theirs["id"]]}}, headers=owner.headers
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "notify.channels"
    bad_event = await client.patch(
        f"{S}/{sid}", json={"notify": {"on": ["sometimes"]}}, headers=owner.headers
    )
    assert bad_event.json()["errors"][0]["field"] == "notify.on"
    back = await client.patch(f"{S}/{sid}", json={"notify": {}}, headers=owner.headers)
    assert back.json()["notify"] == {"channels": None, "on": None}


async def test_the_log_of_a_foreign_schedule_or_channel_is_not_found(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    owner = new_caller(app)
    for query in (f"schedule_id={uuid.uuid4()}", f"channel_id={uuid.uuid4()}"):
        answer = await client.get(f"/api/notifications?{query}", headers=owner.headers)
        assert answer.status_code == 404
