"""Organising many schedules over HTTP: tags in and out, tag filters combined with the
others, /api/tags, sorting, and pausing with a note or until a time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from agentcron.engine.clock import ManualClock
from tests.api.helpers import INTERVAL_BODY, new_caller

pytestmark = pytest.mark.anyio
S = "/api/scheduled-commands"


async def _make(client: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> str:
    created = await client.post(S, json={**INTERVAL_BODY, **fields}, headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_tags_filter_with_and_alongside_agent_state_and_search(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    caller, other = new_caller(app), new_caller(app)
    h = caller.headers
    a = await _make(client, h, command_text="@alice check billing", tags=["ops", "Weekly"])
    b = await _make(client, h, command_text="@bob check billing", tags=["ops"])
    c = await _make(client, h, command_text="@alice check search", tags=["ops"], enabled=False)
    await _make(client, other.headers, command_text="@alice check billing", tags=["ops"])

    async def ids(query: str) -> set[str]:
        page = await client.get(f"{S}?{query}", headers=h)
        assert page.status_code == 200, page.text
        return {item["id"] for item in page.json()["items"]}

    assert await ids("tag=ops") == {a, b, c}
    assert await ids("tag=ops&tag=weekly") == {a}
    assert await ids("tag=ops&agent_id=alice") == {a, c}
    assert await ids("tag=ops&enabled=false") == {c}
    assert await ids("tag=ops&q=billing") == {a, b}
    assert await ids("tag=ops&q=billing&agent_id=bob&enabled=true") == {b}
    one = (await client.get(f"{S}/{a}", headers=h)).json()
    assert one["tags"] == ["ops", "weekly"]
    tags = (await client.get("/api/tags", headers=h)).json()
    assert tags == {"items": [{"tag": "ops", "count": 3}, {"tag": "weekly", "count": 1}]}


async def test_bad_tags_and_sorts_are_422_naming_the_field(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    h = new_caller(app).headers
    refused = await client.post(S, json={**INTERVAL_BODY, "tags": ["no spaces"]}, headers=h)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "tags"
    listed = await client.get(f"{S}?tag=a%20b&sort=colour", headers=h)
    assert listed.status_code == 422
    assert [e["field"] for e in listed.json()["errors"]] == ["tag", "sort"]


async def test_sort_by_agent(app: FastAPI, client: httpx.AsyncClient) -> None:
    h = new_caller(app).headers
    for handle in ("maya", "alice", "bob"):
        await _make(client, h, command_text=f"@{handle} go")
    page = (await client.get(f"{S}?sort=-agent", headers=h)).json()
    assert [item["agent_id"] for item in page["items"]] == ["maya", "bob", "alice"]


async def test_pause_with_a_note_until_a_time(app: FastAPI, client: httpx.AsyncClient) -> None:
    caller, other = new_caller(app), new_caller(app)
    h = caller.headers
    sid = await _make(client, h)
    body = {"note": "waiting for the vendor", "until": "2026-12-24T10:00:00+01:00"}
    paused = await client.post(f"{S}/{sid}/disable", json=body, headers=h)
    assert paused.status_code == 200, paused.text
    shown = paused.json()
    assert (shown["enabled"], shown["paused_by"], shown["paused_note"]) == (
        False,
        "user",
        "waiting for the vendor",
    )
    assert shown["paused_until"] == "2026-12-24T09:00:00Z" and shown["paused_at"]
    plain = await client.post(f"{S}/{sid}/disable", headers=h)  # no body: as before
    assert plain.status_code == 200
    foreign = await client.post(f"{S}/{sid}/disable", json=body, headers=other.headers)
    assert foreign.status_code == 404
    past = await client.post(
        f"{S}/{sid}/disable", json={"until": "2020-01-01T00:00:00Z"}, headers=h
    )
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "until"
    typo = await client.post(f"{S}/{sid}/disable", json={"notes": "x"}, headers=h)
    assert typo.status_code == 422


async def test_bulk_with_a_foreign_id_applies_the_others(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    caller, other = new_caller(app), new_caller(app)
    h = caller.headers
    mine = await _make(client, h, tags=["ops"])
    theirs = await _make(client, other.headers, tags=["ops"])
    answer = await client.post(
        f"{S}/bulk", json={"action": "disable", "ids": [mine, theirs]}, headers=h
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["total"], body["applied"], body["failed"]) == (2, 1, 1)
    assert [(r["id"], r["ok"], r["status"]) for r in body["results"]] == [
        (mine, True, 200),
        (theirs, False, 404),
    ]
    assert body["results"][1]["problem_type"] == "not-found"
    assert (await client.get(f"{S}/{theirs}", headers=other.headers)).json()["enabled"]
    by_filter = await client.post(
        f"{S}/bulk", json={"action": "tag", "filter": {"tag": ["ops"]}, "tags": ["x"]}, headers=h
    )
    assert [r["id"] for r in by_filter.json()["results"]] == [mine]
    refused = await client.post(f"{S}/bulk", json={"action": "tag", "ids": [mine]}, headers=h)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "tags"


async def test_backfill_over_http(
    app: FastAPI, client: httpx.AsyncClient, clock: ManualClock
) -> None:
    caller, other = new_caller(app), new_caller(app)
    h = caller.headers
    sid = await _make(client, h, schedule_type="cron", cron_expression="0 * * * *")
    start = clock.now()
    clock.advance(hours=5)
    window = {"from": start.isoformat(), "to": (start + timedelta(hours=3)).isoformat()}
    preview = await client.post(f"{S}/{sid}/backfill", json={**window, "dry_run": True}, headers=h)
    assert preview.status_code == 202, preview.text
    assert len(preview.json()["slots"]) == 4 and preview.json()["created"] == 0
    done = (await client.post(f"{S}/{sid}/backfill", json=window, headers=h)).json()
    assert (done["created"], done["existing"]) == (4, 0)
    again = (await client.post(f"{S}/{sid}/backfill", json=window, headers=h)).json()
    assert (again["created"], again["existing"]) == (0, 4)
    history = (await client.get(f"{S}/{sid}/executions", headers=h)).json()["items"]
    assert {e["trigger"] for e in history} == {"backfill"}
    future = {**window, "to": (clock.now() + timedelta(hours=1)).isoformat()}
    refused = await client.post(f"{S}/{sid}/backfill", json=future, headers=h)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "to"
    over = await client.post(f"{S}/{sid}/backfill", json={**window, "limit": 2}, headers=h)
    assert over.status_code == 422 and over.json()["errors"][0]["field"] == "limit"
    foreign = await client.post(f"{S}/{sid}/backfill", json=window, headers=other.headers)
    assert foreign.status_code == 404


async def test_templates_over_http(app: FastAPI, client: httpx.AsyncClient) -> None:
    caller, other = new_caller(app), new_caller(app)
    h = caller.headers
    made = await client.post(
        "/api/templates",
        json={
            "name": "health",
            "command_text": "@alice check {service} health",
            "preset": "weekdays-9",
            "tags": ["ops"],
        },
        headers=h,
    )
    assert made.status_code == 201, made.text
    template = made.json()
    assert template["placeholders"] == ["service"]
    assert template["cron_expression"] == "0 9 * * 1-5"
    listed = (await client.get("/api/templates", headers=h)).json()
    assert [t["name"] for t in listed["items"]] == ["health"]
    assert len(listed["presets"]) == 6
    assert (await client.get("/api/templates", headers=other.headers)).json()["items"] == []
    use = f"/api/templates/{template['id']}/use"
    created = await client.post(use, json={"values": {"service": "{billing}"}}, headers=h)
    assert created.status_code == 201, created.text
    assert created.json()["command_text"] == "@alice check {billing} health"
    assert created.json()["tags"] == ["ops"]
    missing = await client.post(use, json={"values": {"colour": "red"}}, headers=h)
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["values.service", "values.colour"]
    foreign = await client.post(use, json={"values": {"service": "x"}}, headers=other.headers)
    assert foreign.status_code == 404
    twice = await client.post(
        "/api/templates",
        json={"name": "health", "command_text": "x", "preset": "hourly"},
        headers=h,
    )
    assert twice.status_code == 409
    bad = await client.post(
        "/api/templates", json={"name": "p", "command_text": "x", "preset": "nope"}, headers=h
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "preset"
    gone = await client.delete(f"/api/templates/{template['id']}", headers=h)
    assert gone.status_code == 204
    assert (await client.delete(f"/api/templates/{template['id']}", headers=h)).status_code == 404
