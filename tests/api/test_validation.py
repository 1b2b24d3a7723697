"""Bad input through HTTP: each case names the field that is wrong and how to fix it, as
application/problem+json; nothing a client sends produces a 500."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from agentcron.engine.clock import ManualClock
from tests.api.conftest import MakeApp
from tests.api.helpers import CRON_BODY, INTERVAL_BODY, new_caller

pytestmark = pytest.mark.anyio
S = "/api/scheduled-commands"


@dataclass(frozen=True)
class Case:
    name: str
    body: dict[str, Any]
    fields: tuple[str, ...]  # every field the answer must name
    fix: str = ""  # a piece of the first named field's fix
    message: str = ""  # a piece of its message


def cron(expression: str) -> dict[str, Any]:
    return {**CRON_BODY, "cron_expression": expression}


CASES = [
    Case("bad cron", cron("61 9 * * *"), ("cron_expression",)),
    Case("cron that never fires", cron("0 9 30 2 *"), ("cron_expression",), message="never fires"),
    Case(
        "cron more often than the gap",
        cron("*/2 * * * *"),
        ("cron_expression",),
        message="apart",
        fix="*/5 * * * *",
    ),
    Case("two minutes apart by its times", cron("0,1 9 * * *"), ("cron_expression",)),
    Case(
        "unknown zone",
        {**CRON_BODY, "timezone": "America/New_Yrok"},
        ("timezone",),
        fix="America/New_York",
    ),
    Case(
        "interval unit",
        {**INTERVAL_BODY, "interval_unit": "weeks"},
        ("interval_unit",),
        fix="minutes",
    ),
    Case("interval below the gap", {**INTERVAL_BODY, "interval_value": 2}, ("interval_value",)),
    Case(
        "interval not a number",
        {**INTERVAL_BODY, "interval_value": "thirty"},
        ("interval_value",),
        fix="whole number",
    ),
    Case("interval with a fraction", {**INTERVAL_BODY, "interval_value": 1.5}, ("interval_value",)),
    Case(
        "once in the past",
        {"command_text": "@maya look", "schedule_type": "once", "run_at": "2020-01-01T09:00:00Z"},
        ("run_at",),
        message="future",
    ),
    Case(
        "once without an offset",
        {"command_text": "@maya look", "schedule_type": "once", "run_at": "2027-01-01T09:00:00"},
        ("run_at",),
    ),
    Case(
        "once at the end of time",
        {
            "command_text": "@maya look",
            "schedule_type": "once",
            "run_at": "9999-12-31T23:59:59-14:00",
        },
        ("run_at",),
        message="out of range",
    ),
    Case(
        "once in two centuries",
        {"command_text": "@maya look", "schedule_type": "once", "run_at": "2230-01-01T00:00:00Z"},
        ("run_at",),
    ),
    Case("missing everything", {}, ("command_text", "agent_id", "schedule_type")),
    Case(
        "cron without its expression",
        {"command_text": "@alice x", "schedule_type": "cron"},
        ("cron_expression",),
    ),
    Case("unknown agent", {**CRON_BODY, "agent_id": "alicee"}, ("agent_id",), fix="@alice"),
    Case(
        "unknown handle in the command",
        {**INTERVAL_BODY, "command_text": "@mya review"},
        ("agent_id",),
        fix="@maya",
    ),
    Case(
        "command too long",
        {**INTERVAL_BODY, "command_text": "@bob " + "x" * 2000},
        ("command_text",),
        fix="2000",
    ),
    Case("unknown field", {**CRON_BODY, "colour": "blue"}, ("colour",), fix="remove it"),
    Case("unknown type", {**CRON_BODY, "schedule_type": "weekly"}, ("schedule_type",)),
    Case("retries out of range", {**CRON_BODY, "max_retries": 7}, ("max_retries",)),
    Case("overlap policy", {**CRON_BODY, "overlap": "queue"}, ("overlap",)),
    Case("bad key", {**CRON_BODY, "key": "has spaces"}, ("key",)),
    Case(
        "wrong JSON types everywhere",
        {**CRON_BODY, "enabled": "maybe", "timeout_s": [1]},
        ("enabled", "timeout_s"),
    ),
]


async def test_every_bad_input_names_its_field_with_a_fix(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    caller = new_caller(app)
    wrong: list[str] = []
    for case in CASES:
        response = await client.post(S, json=case.body, headers=caller.headers)
        body = response.json()
        named = [e["field"] for e in body.get("errors", [])]
        first = next((e for e in body.get("errors", []) if e["field"] == case.fields[0]), None)
        if response.status_code != 422:
            wrong.append(f"{case.name}: {response.status_code} {body}")
        elif response.headers["content-type"] != "application/problem+json":
            wrong.append(f"{case.name}: content-type {response.headers['content-type']}")
        elif set(case.fields) - set(named):
            wrong.append(f"{case.name}: named {named}, wanted {case.fields}")
        elif first is None or not first["fix"] or case.fix not in first["fix"]:
            wrong.append(f"{case.name}: fix {first} lacks {case.fix!r}")
        elif case.message not in first["message"]:
            wrong.append(f"{case.name}: message {first['message']!r} lacks {case.message!r}")
        elif body["type"] != "urn:agentcron:problem:invalid-input" or not body["detail"]:
            wrong.append(f"{case.name}: {body}")
    assert not wrong, "\n".join(wrong)
    listed = (await client.get(S, headers=caller.headers)).json()
    assert listed["total"] == 0  # nothing half-saved


async def test_the_documented_bodies_work_as_is(
    app: FastAPI, client: httpx.AsyncClient, clock: ManualClock
) -> None:
    caller = new_caller(app)
    run_at = (clock.now() + timedelta(days=2)).isoformat()
    for body in (
        CRON_BODY,
        {**CRON_BODY, "agent_id": "alice"},
        {k: v for k, v in CRON_BODY.items() if k != "agent_id"},  # the @handle decides
        INTERVAL_BODY,
        {"command_text": "@maya review", "schedule_type": "once", "run_at": run_at},
        {**INTERVAL_BODY, "user_id": str(caller.user.id)},  # one's own id: accepted
    ):
        response = await client.post(S, json=body, headers=caller.headers)
        assert response.status_code == 201, (body, response.text)
        assert response.json()["agent_id"] in {"alice", "bob", "maya"}


async def test_a_foreign_user_id_answers_as_a_missing_user(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # A client written against the seed sends user_id: its own is accepted, another user's
    # reads exactly like one that does not exist (404), never as invalid input.
    caller, other = new_caller(app), new_caller(app)

    async def asking_for(user_id: str) -> list[httpx.Response]:
        return [
            await client.post(S, json={**CRON_BODY, "user_id": user_id}, headers=caller.headers),
            await client.get(S, params={"user_id": user_id}, headers=caller.headers),
            await client.post(
                "/api/schedules/preview",
                json={**CRON_BODY, "user_id": user_id},
                headers=caller.headers,
            ),
        ]

    foreign = await asking_for(str(other.user.id))
    missing = await asking_for(str(uuid.uuid4()))
    for refused, absent in zip(foreign, missing, strict=True):
        assert refused.status_code == absent.status_code == 404, refused.text
        assert refused.json()["title"] == absent.json()["title"] == "Not found"
        assert str(other.user.id) not in absent.text
    mine = await client.get(S, params={"user_id": str(caller.user.id)}, headers=caller.headers)
    assert mine.status_code == 200


async def test_query_and_json_errors_are_problems_too(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    caller = new_caller(app)
    headers = caller.headers
    cases = [
        (await client.get(S, params={"limit": 500}, headers=headers), "limit", "200"),
        (await client.get(S, params={"offset": -1}, headers=headers), "offset", "0"),
        (await client.get(S, params={"enabled": "perhaps"}, headers=headers), "enabled", "true"),
        (
            await client.get(S, params={"schedule_type": "weekly"}, headers=headers),
            "schedule_type",
            "cron",
        ),
        (await client.get(S, params={"q": "a\x00b"}, headers=headers), "q", "remove"),
        (
            await client.post(
                S, content=b"{not json", headers={**headers, "content-type": "application/json"}
            ),
            "body",
            "JSON",
        ),
        (await client.post(S, json=[1, 2], headers=headers), "body", "JSON object"),
    ]
    for response, field, fix in cases:
        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert errors[0]["field"] == field and fix in errors[0]["fix"], errors


async def test_malformed_ids_answer_404_like_missing_ones(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    caller = new_caller(app)
    for path in (f"{S}/not-a-uuid", f"{S}/12345/executions", "/api/executions/%00"):
        response = await client.get(path, headers=caller.headers)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["type"] == "urn:agentcron:problem:not-found"


async def test_the_51st_schedule_is_refused_with_409(make_app: MakeApp) -> None:
    app = make_app()
    caller = new_caller(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        for n in range(50):
            body = {**INTERVAL_BODY, "key": f"s{n}"}
            assert (await client.post(S, json=body, headers=caller.headers)).status_code == 201
        response = await client.post(S, json=INTERVAL_BODY, headers=caller.headers)
        assert response.status_code == 409
        assert response.json()["type"] == "urn:agentcron:problem:conflict"
        assert "50" in response.json()["detail"]
        other = new_caller(app)  # the cap is per user
        assert (await client.post(S, json=INTERVAL_BODY, headers=other.headers)).status_code == 201


async def test_writes_beyond_the_rate_answer_429_with_retry_after(make_app: MakeApp) -> None:
    app = make_app(write_rate_per_minute=3)
    caller = new_caller(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        for _ in range(3):
            assert (
                await client.post(S, json=INTERVAL_BODY, headers=caller.headers)
            ).status_code == 201
        response = await client.post(S, json=INTERVAL_BODY, headers=caller.headers)
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) >= 1
        assert response.json()["retry_after_s"] == int(response.headers["retry-after"])
        # Reads are not writes, and another user has their own allowance.
        assert (await client.get(S, headers=caller.headers)).status_code == 200
        other = new_caller(app)
        assert (await client.post(S, json=INTERVAL_BODY, headers=other.headers)).status_code == 201


async def test_bodies_over_the_limit_answer_413(make_app: MakeApp) -> None:
    app = make_app(max_body_bytes=2048)
    caller = new_caller(app)
    big = {**INTERVAL_BODY, "description": "x" * 4000}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        declared = await client.post(S, json=big, headers=caller.headers)

        async def chunks():  # no Content-Length: only counting the stream catches it
            for _ in range(10):
                yield b" " * 500

        streamed = await client.post(
            S, content=chunks(), headers={**caller.headers, "content-type": "application/json"}
        )
        for response in (declared, streamed):
            assert response.status_code == 413, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"] == "urn:agentcron:problem:body-too-large"
        assert (await client.get(S, headers=caller.headers)).json()["total"] == 0


async def test_half_a_surrogate_pair_is_refused_not_stored(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Valid JSON, invalid Unicode: no database or response could carry it."""
    caller = new_caller(app)
    raw = (
        b'{"command_text": "@bob a\\ud800b", "description": "\\udfff", '
        b'"schedule_type": "interval", "interval_value": 30, "interval_unit": "minutes"}'
    )
    headers = {**caller.headers, "content-type": "application/json"}
    for path in (S, "/api/schedules/preview"):
        response = await client.post(path, content=raw, headers=headers)
        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert {e["field"] for e in errors} == {"command_text", "description"}
        assert errors[0]["fix"] == "send valid UTF-8 text"


@pytest.mark.parametrize("name", ["offset", "limit"])
async def test_a_huge_offset_or_limit_answers_422_on_every_list(
    app: FastAPI, client: httpx.AsyncClient, name: str
) -> None:
    caller = new_caller(app)
    created = await client.post(S, json=CRON_BODY, headers=caller.headers)
    lists = (S, f"{S}/{created.json()['id']}/executions")

    for path in lists:
        for value in ("9" * 30, "9" * 5000, "1e400", "1000001", "²"):
            response = await client.get(path, params={name: value}, headers=caller.headers)
            assert response.status_code == 422, (path, value, response.text[:200])
            assert response.json()["errors"][0]["field"] == name
