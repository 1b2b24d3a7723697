"""Chains over HTTP: creating `after` schedules, loops and depth refused with 422 naming
the loop, dependents, delete refused (409) or detached, run now with and without its
chain, and `after` schedules in lists and previews (no clock, no crash)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.helpers import INTERVAL_BODY, new_caller

pytestmark = pytest.mark.anyio
S = "/api/scheduled-commands"


async def _create(
    client: httpx.AsyncClient, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    answer = await client.post(S, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_an_after_schedule_has_no_clock_and_names_its_upstream(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = new_caller(app)
    up = await _create(client, me.headers, **INTERVAL_BODY, key="check")
    down = await _create(
        client,
        me.headers,
        command_text="@bob summarise {{upstream.summary}}",
        schedule_type="after",
        after_schedule_id=up["id"],
        after_on="failure",
    )
    assert down["schedule_type"] == "after" and down["after_schedule_id"] == up["id"]
    assert down["after_on"] == "failure"
    assert down["next_run_at"] is None and down["next_runs"] == []
    assert down["schedule_text"] == "After check fails"
    listed = (await client.get(S, headers=me.headers)).json()["items"]
    assert {i["schedule_text"] for i in listed} >= {"After check fails"}
    # By key, `after` implied; default outcome success.
    third = await _create(
        client, me.headers, command_text="@maya review", after_schedule_id="check"
    )
    assert third["schedule_type"] == "after" and third["after_on"] == "success"
    deps = (await client.get(f"{S}/{up['id']}/dependents", headers=me.headers)).json()
    assert {d["id"] for d in deps["items"]} == {down["id"], third["id"]}
    assert all(d["depth"] == 1 for d in deps["items"])


async def test_loops_and_deep_chains_are_refused_naming_them(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = new_caller(app)
    await _create(client, me.headers, **INTERVAL_BODY, key="a")
    ids = {}
    previous = "a"
    for name in ("b", "c", "d", "e", "f"):
        made = await _create(
            client, me.headers, command_text=f"@bob {name}", key=name, after_schedule_id=previous
        )
        ids[name] = made["id"]
        previous = name
    too_deep = await client.post(
        S, json={"command_text": "@bob g", "key": "g", "after_schedule_id": "f"}, headers=me.headers
    )
    assert too_deep.status_code == 422
    problem = too_deep.json()
    assert "6 links deep" in problem["detail"] and "a → b → c → d → e → f" in problem["detail"]
    assert problem["errors"][0]["field"] == "after_schedule_id"
    # b after d would close the loop b → c → d → b.
    loop = await client.patch(
        f"{S}/{ids['b']}", json={"after_schedule_id": "d"}, headers=me.headers
    )
    assert loop.status_code == 422
    assert "loop: b → c → d → b" in loop.json()["detail"]
    itself = await client.patch(
        f"{S}/{ids['c']}", json={"after_schedule_id": "c"}, headers=me.headers
    )
    assert itself.status_code == 422 and "c → c" in itself.json()["detail"]
    missing = await client.post(
        S, json={"command_text": "@bob x", "after_schedule_id": "nope"}, headers=me.headers
    )
    assert missing.status_code == 422 and "nope" in missing.json()["detail"]
    unchained = await client.post(
        S, json={"command_text": "@bob x", "schedule_type": "after"}, headers=me.headers
    )
    assert unchained.status_code == 422
    assert unchained.json()["errors"][0]["field"] == "after_schedule_id"
    bad_on = await client.post(
        S,
        json={"command_text": "@bob x", "after_schedule_id": "a", "after_on": "maybe"},
        headers=me.headers,
    )
    assert bad_on.status_code == 422 and bad_on.json()["errors"][0]["field"] == "after_on"


async def test_another_users_schedule_cannot_be_an_upstream(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me, other = new_caller(app), new_caller(app)
    theirs = await _create(client, other.headers, **INTERVAL_BODY, key="secret")
    for ref in (theirs["id"], "secret"):
        answer = await client.post(
            S, json={"command_text": "@bob x", "after_schedule_id": ref}, headers=me.headers
        )
        assert answer.status_code == 422
    assert (
        await client.get(f"{S}/{theirs['id']}/dependents", headers=me.headers)
    ).status_code == 404


async def test_delete_with_children_is_refused_unless_detached(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = new_caller(app)
    up = await _create(client, me.headers, **INTERVAL_BODY, key="check")
    child = await _create(
        client, me.headers, command_text="@bob s", key="summary", after_schedule_id="check"
    )
    refused = await client.delete(f"{S}/{up['id']}", headers=me.headers)
    assert refused.status_code == 409 and "summary" in refused.json()["detail"]
    assert (
        await client.delete(f"{S}/{up['id']}?detach=true", headers=me.headers)
    ).status_code == 204
    after = (await client.get(f"{S}/{child['id']}", headers=me.headers)).json()
    assert after["enabled"] is False and after["after_schedule_id"] is None
    assert "check was deleted" in after["paused_reason"]
    enable = await client.post(f"{S}/{child['id']}/enable", headers=me.headers)
    assert enable.status_code == 409
    # Re-chained, it can be enabled again, with no clock.
    other = await _create(client, me.headers, **INTERVAL_BODY, key="other")
    patched = await client.patch(
        f"{S}/{child['id']}", json={"after_schedule_id": other["id"]}, headers=me.headers
    )
    assert patched.status_code == 200, patched.text
    enabled = await client.post(f"{S}/{child['id']}/enable", headers=me.headers)
    assert enabled.status_code == 200 and enabled.json()["next_run_at"] is None


async def test_after_schedules_are_exempt_from_the_gap_and_change_type_cleanly(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = new_caller(app)
    await _create(client, me.headers, **INTERVAL_BODY, key="check")
    child = await _create(client, me.headers, command_text="@bob s", after_schedule_id="check")
    back = await client.patch(
        f"{S}/{child['id']}",
        json={"schedule_type": "interval", "interval_value": 2, "interval_unit": "hours"},
        headers=me.headers,
    )
    assert back.status_code == 200
    assert back.json()["after_schedule_id"] is None and back.json()["next_run_at"] is not None
    stray = await client.patch(
        f"{S}/{child['id']}", json={"after_on": "always"}, headers=me.headers
    )
    assert stray.status_code == 422 and stray.json()["errors"][0]["field"] == "after_on"
    filtered = await client.get(f"{S}?schedule_type=after", headers=me.headers)
    assert filtered.status_code == 200


async def test_run_now_takes_a_chain_flag(app: FastAPI, client: httpx.AsyncClient) -> None:
    me = new_caller(app)
    up = await _create(client, me.headers, **INTERVAL_BODY, key="check")
    plain = await client.post(f"{S}/{up['id']}/execute", headers=me.headers)
    assert plain.status_code == 202
    unchained = await client.post(
        f"{S}/{up['id']}/execute", json={"chain": False}, headers=me.headers
    )
    assert unchained.status_code == 202
    typo = await client.post(f"{S}/{up['id']}/execute", json={"chains": False}, headers=me.headers)
    assert typo.status_code == 422


async def test_the_agents_api_lists_categories_with_their_members(
    make_app: Any, agents_file: Any
) -> None:
    agents_file.write_text(
        agents_file.read_text()
        + '\n[agents.ra]\nbackend = "echo"\ncategories = ["research"]\n'
        + '\n[agents.rb]\nbackend = "echo"\ncategories = ["research"]\n'
    )
    app = make_app()
    me = new_caller(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        groups = (await client.get("/api/agents/categories", headers=me.headers)).json()
        assert groups == [{"name": "research", "members": ["ra", "rb"]}]
        listed = {
            a["handle"]: a["categories"]
            for a in (await client.get("/api/agents", headers=me.headers)).json()
        }
        assert listed["ra"] == ["research"] and listed["alice"] == []
        made = await _create(
            client, me.headers, **{**INTERVAL_BODY, "command_text": "@research read"}
        )
        assert made["agent_id"] == "research"


async def test_a_sentence_makes_a_chain(app: FastAPI, client: httpx.AsyncClient) -> None:
    me = new_caller(app)
    await _create(client, me.headers, **INTERVAL_BODY, key="daily-check")
    made = await _create(
        client, me.headers, text="@bob summarise the results after daily-check fails"
    )
    assert made["schedule_type"] == "after" and made["after_on"] == "failure"
    assert made["agent_id"] == "bob" and made["command_text"] == "@bob summarise the results"
    assert made["schedule_text"] == "After daily-check fails"
    preview = await client.post(
        "/api/schedules/preview",
        json={"text": "@bob sum up after daily-check finishes"},
        headers=me.headers,
    )
    assert preview.status_code == 200 and preview.json()["next_runs"] == []
    unknown = await client.post(
        S, json={"text": "@bob x after nothing-here succeeds"}, headers=me.headers
    )
    assert unknown.status_code == 422 and "nothing-here" in unknown.json()["detail"]


async def test_chained_schedules_count_toward_the_cap(make_app: Any) -> None:
    app = make_app(max_schedules_per_user=2)
    me = new_caller(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        await _create(client, me.headers, **INTERVAL_BODY, key="check")
        await _create(client, me.headers, command_text="@bob s", after_schedule_id="check")
        third = await client.post(
            S, json={"command_text": "@bob t", "after_schedule_id": "check"}, headers=me.headers
        )
        assert third.status_code == 409 and "limit of 2" in third.json()["detail"]


async def test_put_takes_back_what_get_gave_for_an_after_schedule(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = new_caller(app)
    await _create(client, me.headers, **INTERVAL_BODY, key="check")
    child = await _create(
        client, me.headers, command_text="@bob s", after_schedule_id="check", after_on="always"
    )
    got = (await client.get(f"{S}/{child['id']}", headers=me.headers)).json()
    put = await client.put(
        f"{S}/{child['id']}", json={**got, "description": "kept"}, headers=me.headers
    )
    assert put.status_code == 200, put.text
    assert put.json()["after_schedule_id"] == child["after_schedule_id"]
    assert put.json()["after_on"] == "always" and put.json()["next_run_at"] is None
