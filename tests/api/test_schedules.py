"""The schedule routes doing their jobs: the answers carry the documented fields, filters
filter, updates update, delete deletes the history too, and the status route is not taken
for an id."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from agentcron.engine.clock import ManualClock
from agentcron.service.schedules import ScheduleService
from tests.api.helpers import CRON_BODY, INTERVAL_BODY, new_caller, seed_schedule

pytestmark = pytest.mark.anyio
S = "/api/scheduled-commands"
SCHEDULE_FIELDS = {
    "id",
    "user_id",
    "key",
    "command_text",
    "agent_id",
    "description",
    "schedule_type",
    "cron_expression",
    "interval_value",
    "interval_unit",
    "run_at",
    "timezone",
    "enabled",
    "misfire_grace_s",
    "overlap",
    "max_retries",
    "timeout_s",
    "auto_pause_after",
    "notify",
    "consecutive_failures",
    "paused_at",
    "paused_by",
    "paused_reason",
    "paused_note",
    "paused_until",
    "tags",
    "next_run_at",
    "last_run_at",
    "last_status",
    "created_at",
    "updated_at",
    "after_schedule_id",
    "after_on",
    "schedule_text",
    "next_runs",
}
EXECUTION_FIELDS = {
    "waiting_for",
    "id",
    "schedule_id",
    "agent_id",
    "trigger",
    "scheduled_for",
    "status",
    "attempt",
    "missed_count",
    "lag_ms",
    "created_at",
    "started_at",
    "finished_at",
    "next_attempt_at",
    "duration_ms",
    "tokens_used",
    "input_tokens",
    "output_tokens",
    "llm_calls",
    "cost_usd",
    "cost",
    "model",
    "result_summary",
    "error_message",
    "error_code",
    "max_attempts",
    "upstream_execution_id",
}


def _has_sentences() -> bool:
    try:
        from agentcron.timing.language import parse_sentence  # noqa: F401
    except ImportError:
        return False
    return True


needs_sentences = pytest.mark.skipif(
    not _has_sentences(), reason="agentcron.timing.language.parse_sentence is not written yet"
)


async def test_create_then_read_one(app: FastAPI, client: httpx.AsyncClient) -> None:
    caller = new_caller(app)
    created = await client.post(S, json=CRON_BODY, headers=caller.headers)
    assert created.status_code == 201
    body = created.json()
    assert set(body) == SCHEDULE_FIELDS
    assert created.headers["location"] == f"{S}/{body['id']}"
    assert body["agent_id"] == "alice"  # "agent_alice" from older clients means @alice
    assert body["description"] == "Weekday morning checks"  # the user's own words
    assert "09:00" in body["schedule_text"] and "America/New_York" in body["schedule_text"]
    assert body["user_id"] == str(caller.user.id)
    one = (await client.get(f"{S}/{body['id']}", headers=caller.headers)).json()
    assert len(one["next_runs"]) == 5
    assert one["next_runs"][0] == one["next_run_at"]
    assert one["next_runs"] == sorted(one["next_runs"])


async def test_list_filters_and_pages(
    app: FastAPI, client: httpx.AsyncClient, clock: ManualClock
) -> None:
    caller = new_caller(app)
    headers = caller.headers
    for body in (
        CRON_BODY,
        {**INTERVAL_BODY, "description": "100% of incidents"},
        {**INTERVAL_BODY, "command_text": "@maya review PRs", "enabled": False},
    ):
        clock.advance(seconds=1)  # oldest first
        assert (await client.post(S, json=body, headers=headers)).status_code == 201

    async def ids(**params: Any) -> list[str]:
        page = (await client.get(S, params=params, headers=headers)).json()
        return [item["agent_id"] for item in page["items"]]

    assert await ids() == ["alice", "bob", "maya"]
    assert await ids(agent_id="bob") == ["bob"]
    assert await ids(agent_id="agent_alice") == ["alice"]
    assert await ids(enabled="false") == ["maya"]
    assert await ids(schedule_type="cron") == ["alice"]
    assert await ids(q="DEPRECATED") == ["alice"]
    assert await ids(q="100%") == ["bob"]  # % is a character here, not a wildcard
    assert await ids(q="_") == []
    page = (await client.get(S, params={"offset": 1, "limit": 1}, headers=headers)).json()
    assert (page["total"], page["offset"], page["limit"]) == (3, 1, 1)
    assert [i["agent_id"] for i in page["items"]] == ["bob"]
    assert len(page["items"][0]["next_runs"]) == 1


async def test_put_replaces_and_patch_merges(app: FastAPI, client: httpx.AsyncClient) -> None:
    caller = new_caller(app)
    headers = caller.headers
    created = (await client.post(S, json={**CRON_BODY, "max_retries": 1}, headers=headers)).json()
    url = f"{S}/{created['id']}"

    patched = await client.patch(url, json={"description": "only this"}, headers=headers)
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["description"] == "only this"
    assert (body["cron_expression"], body["max_retries"]) == ("0 9 * * 1-5", 1)
    assert body["next_run_at"] == created["next_run_at"]  # same timing, same next fire

    moved = (
        await client.patch(
            url,
            json={"schedule_type": "interval", "interval_value": 2, "interval_unit": "hours"},
            headers=headers,
        )
    ).json()
    assert (moved["schedule_type"], moved["cron_expression"]) == ("interval", None)
    assert moved["command_text"] == CRON_BODY["command_text"]

    replaced = (await client.put(url, json=INTERVAL_BODY, headers=headers)).json()
    assert replaced["agent_id"] == "bob"
    # PUT never silently resets: what is not sent keeps its value.
    assert (replaced["description"], replaced["max_retries"]) == ("only this", 1)
    assert replaced["id"] == created["id"]

    # A seed client sends back what GET gave it, read-only fields and all, with one change.
    shown = (await client.get(url, headers=headers)).json()
    back = await client.put(url, json={**shown, "description": "round trip"}, headers=headers)
    assert back.status_code == 200, back.text
    again = back.json()
    assert again["description"] == "round trip"
    unchanged = {k: v for k, v in shown.items() if k not in ("description", "updated_at")}
    assert {k: again[k] for k in unchanged} == unchanged
    # A read-only field is ignored, not obeyed; an unknown one is still a named mistake.
    ignored = await client.put(url, json={"next_run_at": "2030-01-01T00:00:00Z"}, headers=headers)
    assert ignored.json()["next_run_at"] == shown["next_run_at"]
    typo = await client.put(url, json={"descripton": "x"}, headers=headers)
    assert typo.status_code == 422 and typo.json()["errors"][0]["field"] == "descripton"


async def test_disable_enable_run_now_and_history(app: FastAPI, client: httpx.AsyncClient) -> None:
    caller = new_caller(app)
    headers = caller.headers
    sid = seed_schedule(app, caller)
    off = (await client.post(f"{S}/{sid}/disable", headers=headers)).json()
    assert (off["enabled"], off["next_run_at"], off["next_runs"]) == (False, None, [])
    on = (await client.post(f"{S}/{sid}/enable", headers=headers)).json()
    assert on["enabled"] and on["next_run_at"]

    queued = await client.post(f"{S}/{sid}/execute", headers=headers)
    assert queued.status_code == 202
    execution = queued.json()
    assert set(execution) == EXECUTION_FIELDS
    assert (execution["trigger"], execution["status"]) == ("manual", "pending")
    assert queued.headers["location"] == f"/api/executions/{execution['id']}"
    second = (await client.post(f"{S}/{sid}/execute", headers=headers)).json()

    history = (await client.get(f"{S}/{sid}/executions", headers=headers)).json()
    assert [i["id"] for i in history["items"]] == [second["id"], execution["id"]]  # newest first
    pending = await client.get(
        f"{S}/{sid}/executions", params={"status": ["pending", "failed"]}, headers=headers
    )
    assert pending.json()["total"] == 2
    none = await client.get(f"{S}/{sid}/executions", params={"status": "success"}, headers=headers)
    assert none.json()["total"] == 0
    bad = await client.get(f"{S}/{sid}/executions", params={"status": "great"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"

    detail = (await client.get(f"/api/executions/{execution['id']}", headers=headers)).json()
    assert set(detail) == EXECUTION_FIELDS | {"output", "agent_task_id", "attempts", "steps"}
    assert detail["attempts"] == []


async def test_latest_executions_span_schedules_newest_first_and_only_ones_own(
    app: FastAPI, client: httpx.AsyncClient, clock: ManualClock
) -> None:
    caller, other = new_caller(app), new_caller(app)
    service = ScheduleService(app.state.runtime.services)
    first = service.run_now(caller.user, seed_schedule(app, caller)).id
    clock.advance(timedelta(seconds=1))
    second = service.run_now(caller.user, seed_schedule(app, caller, key="b")).id
    service.run_now(other.user, seed_schedule(app, other))

    page = (await client.get("/api/executions", headers=caller.headers)).json()
    assert [i["id"] for i in page["items"]] == [str(second), str(first)]
    assert (page["total"], page["limit"]) == (2, 50)
    assert set(page["items"][0]) == EXECUTION_FIELDS
    one = await client.get("/api/executions", params={"limit": 1}, headers=caller.headers)
    assert [i["id"] for i in one.json()["items"]] == [str(second)]
    done = await client.get("/api/executions", params={"status": "success"}, headers=caller.headers)
    assert done.json()["total"] == 0
    bad = await client.get("/api/executions", params={"status": "great"}, headers=caller.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"


async def test_delete_removes_the_schedule_and_its_history(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    caller = new_caller(app)
    headers = caller.headers
    sid = seed_schedule(app, caller)
    eid = ScheduleService(app.state.runtime.services).run_now(caller.user, sid).id
    deleted = await client.delete(f"{S}/{sid}", headers=headers)
    assert deleted.status_code == 204 and deleted.content == b""
    for path in (f"{S}/{sid}", f"{S}/{sid}/executions", f"/api/executions/{eid}"):
        assert (await client.get(path, headers=headers)).status_code == 404, path
    assert (await client.delete(f"{S}/{sid}", headers=headers)).status_code == 404
    description = app.openapi()["paths"][f"{S}/{{schedule_id}}"]["delete"]["description"]
    assert "never reused" in description and "history" in description


async def test_scheduler_status_is_not_taken_for_an_id(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    caller = new_caller(app)
    seed_schedule(app, caller)
    response = await client.get(f"{S}/scheduler/status", headers=caller.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["enabled_schedules"] == 1 and body["engine_running"] is False
    routes = list(app.openapi()["paths"])
    assert routes.index(f"{S}/scheduler/status") < routes.index(f"{S}/{{schedule_id}}")


async def test_preview_describes_or_lists_problems(app: FastAPI, client: httpx.AsyncClient) -> None:
    caller = new_caller(app)
    headers = caller.headers
    ok = await client.post("/api/schedules/preview", json=CRON_BODY, headers=headers)
    assert ok.status_code == 200
    body = ok.json()
    assert body["agent_id"] == "alice" and len(body["next_runs"]) == 5
    assert "Monday through Friday" in body["schedule_text"]
    timing_only = await client.post(
        "/api/schedules/preview",
        json={"schedule_type": "interval", "interval_value": 30, "interval_unit": "minutes"},
        headers=headers,
    )
    assert timing_only.status_code == 200 and timing_only.json()["agent_id"] is None
    bad = await client.post(
        "/api/schedules/preview",
        json={**CRON_BODY, "cron_expression": "*/2 * * * *", "agent_id": "bobby"},
        headers=headers,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"cron_expression", "agent_id"}
    assert (await client.get(S, headers=headers)).json()["total"] == 0  # nothing saved


@needs_sentences
async def test_a_sentence_creates_and_previews(app: FastAPI, client: httpx.AsyncClient) -> None:
    caller = new_caller(app)
    text = {"text": "@alice check deprecated models every weekday at 9am"}
    preview = await client.post("/api/schedules/preview", json=text, headers=caller.headers)
    assert preview.status_code == 200, preview.text
    created = await client.post(S, json=text, headers=caller.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["agent_id"] == "alice" and body["schedule_type"] == "cron"
    assert body["command_text"].startswith("@alice check deprecated models")
    assert body["next_runs"] == preview.json()["next_runs"]
    clash = await client.post(S, json={**CRON_BODY, **text}, headers=caller.headers)
    assert clash.status_code == 422 and clash.json()["errors"][0]["field"] == "text"
    nonsense = await client.post(S, json={"text": "@alice sometimes maybe"}, headers=caller.headers)
    assert nonsense.status_code == 422 and nonsense.json()["errors"][0]["field"] == "text"
    refused = await client.post(
        S, json={"text": "@bob tidy up every monday"}, headers=caller.headers
    )
    problem = refused.json()
    assert 'e.g. "@bob tidy up every monday at 9am"' in problem["detail"], problem
    assert problem["understood"]["agent"] == "bob"
    assert problem["understood"]["timing"] == ["every monday"]
    assert "understood" not in clash.json()  # only a refused sentence says what it read


async def test_agents_me_and_reload(
    app: FastAPI, client: httpx.AsyncClient, agents_file: Any
) -> None:
    caller = new_caller(app, "ada", admin=True)
    agents = (await client.get("/api/agents", headers=caller.headers)).json()
    assert [a["handle"] for a in agents] == ["alice", "bob", "maya"]
    assert set(agents[0]) == {"handle", "name", "description", "backend", "categories"}
    me = (await client.get("/api/me", headers=caller.headers)).json()
    assert (me["id"], me["name"], me["schedules"]) == (str(caller.user.id), "ada", 0)
    assert me["limits"]["max_schedules"] == 50

    agents_file.write_text(agents_file.read_text() + '\n[agents.zed]\nbackend = "echo"\n')
    reloaded = (await client.post("/api/agents/reload", headers=caller.headers)).json()
    assert reloaded["ok"] and "zed" in reloaded["handles"]
    agents_file.write_text('[agents.broken]\nbackend = "nope"\n')
    kept = await client.post("/api/agents/reload", headers=caller.headers)
    assert kept.status_code == 200
    assert kept.json()["ok"] is False and "zed" in kept.json()["handles"]
    # Reloading changes the agents for everyone: not for ordinary users, and not too often.
    someone = new_caller(app, "bob")
    refused = await client.post("/api/agents/reload", headers=someone.headers)
    assert refused.status_code == 403 and "administrators" in refused.json()["detail"]
    statuses = [
        (await client.post("/api/agents/reload", headers=caller.headers)).status_code
        for _ in range(6)
    ]
    assert statuses[-1] == 429 and statuses.count(200) == 4  # 2 used above, 6 a minute


async def test_unknown_routes_and_methods_are_problems(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    caller = new_caller(app)
    missing = await client.get("/api/nothing-here", headers=caller.headers)
    wrong_method = await client.delete(S, headers=caller.headers)
    assert (missing.status_code, wrong_method.status_code) == (404, 405)
    for response in (missing, wrong_method):
        assert response.headers["content-type"] == "application/problem+json"
    assert uuid.UUID(str(caller.user.id))


def test_put_accepts_every_field_get_returns() -> None:
    # Whatever a schedule shows, a client may send back: new output fields must be either
    # writable or listed as read-only (and ignored) in ScheduleReplace.
    from agentcron.api.schemas import ScheduleOut, ScheduleReplace

    assert set(ScheduleOut.model_fields) <= set(ScheduleReplace.model_fields)
