"""Every /api route × every kind of caller: nobody, a bad token, an expired JWT, another
user, the owner. Only the owner reaches a schedule or execution; to anyone else with a valid
token, it answers 404 exactly like an id that never existed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from agentcron.engine.clock import ManualClock
from agentcron.service.budgets import BudgetDraft, BudgetService
from agentcron.service.schedules import ScheduleService
from agentcron.service.templates import TemplateDraft, TemplateService
from tests.api.helpers import (
    CRON_BODY,
    bearer,
    expired_jwt,
    new_caller,
    seed_channel,
    seed_schedule,
)

pytestmark = pytest.mark.anyio
S = "/api/scheduled-commands"


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # {sid}: the owner's schedule, {eid}: its execution, {gone}: one to delete
    owner: int  # the owner's status
    shared: bool = False  # not about one schedule: another user gets the owner's status
    body: dict[str, Any] | None = None


ROUTES = [
    Route("GET", f"{S}/scheduler/status", 200, shared=True),
    Route("POST", S, 201, shared=True, body=CRON_BODY),
    Route("GET", S, 200, shared=True),
    Route("GET", f"{S}/{{sid}}", 200),
    Route("PUT", f"{S}/{{sid}}", 200, body=CRON_BODY),
    Route("PATCH", f"{S}/{{sid}}", 200, body={"description": "changed"}),
    Route("POST", f"{S}/{{sid}}/disable", 200),
    Route("POST", f"{S}/{{sid}}/enable", 200),
    Route("POST", f"{S}/{{sid}}/execute", 202),
    Route("GET", f"{S}/{{sid}}/executions", 200),
    Route("GET", f"{S}/{{sid}}/dependents", 200),
    Route("GET", "/api/executions", 200, shared=True),
    Route("GET", "/api/executions/{eid}", 200),
    Route("DELETE", f"{S}/{{gone}}", 204),
    Route("GET", "/api/agents", 200, shared=True),
    Route("GET", "/api/agents/categories", 200, shared=True),
    # Neither caller here is an administrator (test_schedules reloads as one).
    Route("POST", "/api/agents/reload", 403, shared=True),
    Route("GET", "/api/me", 200, shared=True),
    Route("PATCH", "/api/me", 200, shared=True, body={"timezone": "Europe/Berlin"}),
    Route("POST", "/api/schedules/preview", 200, shared=True, body=CRON_BODY),
    Route(
        "POST",
        "/api/channels",
        201,
        shared=True,
        body={"name": "made", "url": "json://127.0.0.1/hook"},
    ),
    Route("GET", "/api/channels", 200, shared=True),
    Route("GET", "/api/channels/{cid}", 200),
    Route("PATCH", "/api/channels/{cid}", 200, body={"on": ["failure"]}),
    Route("POST", "/api/channels/{cid}/test", 200),
    Route("DELETE", "/api/channels/{cgone}", 204),
    Route("GET", "/api/notifications", 200, shared=True),
    Route("GET", "/api/notifications?schedule_id={sid}", 200),
    Route("GET", "/api/notifications?channel_id={cid}", 200),
    Route("GET", "/api/usage", 200, shared=True),
    Route(
        "POST",
        "/api/budgets",
        201,
        shared=True,
        body={"scope": "user", "period": "day", "max_tokens": 1000},
    ),
    Route("GET", "/api/budgets", 200, shared=True),
    Route("GET", "/api/budgets/{bid}", 200),
    Route("PATCH", "/api/budgets/{bid}", 200, body={"max_tokens": 500}),
    Route("DELETE", "/api/budgets/{bgone}", 204),
    Route("GET", "/api/model-prices", 200, shared=True),
    Route(
        "POST",
        "/api/model-prices",
        403,
        shared=True,
        body={"model": "m", "input_per_mtok": 1, "output_per_mtok": 2},
    ),
    # Organising many schedules.
    Route(
        "POST",
        f"{S}/bulk",
        200,
        shared=True,
        body={"action": "disable", "ids": [str(uuid.UUID(int=7))]},
    ),
    Route(
        "POST",
        f"{S}/{{sid}}/backfill",
        202,
        body={"from": "2026-03-01T00:00:00Z", "to": "2026-03-01T06:00:00Z"},
    ),
    Route("GET", "/api/tags", 200, shared=True),
    Route("GET", "/api/templates", 200, shared=True),
    Route(
        "POST",
        "/api/templates",
        201,
        shared=True,
        body={"name": "made", "command_text": "@alice x", "preset": "hourly"},
    ),
    Route("POST", "/api/templates/{tid}/use", 201, body={"values": {"service": "x"}}),
    Route("DELETE", "/api/templates/{tgone}", 204),
    # The event stream never ends, so only its refusals are here; tests/api/test_events.py
    # receives it over a socket, as the owner and as another user.
    Route("GET", "/api/events", 0, shared=True),
]
CALLERS = ["nobody", "bad-token", "expired-jwt", "other-user", "owner"]


async def test_the_table_covers_every_api_route(app: FastAPI) -> None:
    documented = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api")
        for method in operations
    }
    table = {
        (
            r.method,
            r.path.replace("{sid}", "{schedule_id}")
            .replace("{gone}", "{schedule_id}")
            .replace("{eid}", "{execution_id}")
            .replace("{cgone}", "{channel_id}")
            .replace("{cid}", "{channel_id}")
            .replace("{bgone}", "{budget_id}")
            .replace("{bid}", "{budget_id}")
            .replace("{tid}", "{template_id}")
            .replace("{tgone}", "{template_id}"),
        )
        for r in ROUTES
        if "?" not in r.path
    }
    assert documented == table


@pytest.mark.parametrize("who", CALLERS)
async def test_every_route_answers_each_caller(
    who: str, app: FastAPI, client: httpx.AsyncClient, clock: ManualClock
) -> None:
    owner = new_caller(app, "owner")
    other = new_caller(app, "other")
    sid = seed_schedule(app, owner)
    gone = seed_schedule(app, owner, key="to-delete")
    eid = ScheduleService(app.state.runtime.services).run_now(owner.user, sid).id
    cid = seed_channel(app, owner, "ops")
    cgone = seed_channel(app, owner, "to-delete")
    budgets = BudgetService(app.state.runtime.services)
    bid = budgets.create(owner.user, BudgetDraft("user", period="day", max_tokens=9)).row.id
    bgone = budgets.create(owner.user, BudgetDraft("user", period="day", max_tokens=9)).row.id
    tid, tgone = seed_template(app, owner, "health"), seed_template(app, owner, "to-delete")
    headers = {
        "nobody": {},
        "bad-token": bearer("acr_not-a-real-token"),
        "expired-jwt": bearer(expired_jwt(clock.now())),
        "other-user": other.headers,
        "owner": owner.headers,
    }[who]
    wrong: list[str] = []
    for route in ROUTES:
        if route.path == "/api/events" and who in ("owner", "other-user"):
            continue
        path = route.path.format(
            sid=sid,
            eid=eid,
            gone=gone,
            cid=cid,
            cgone=cgone,
            bid=bid,
            bgone=bgone,
            tid=tid,
            tgone=tgone,
        )
        response = await client.request(route.method, path, json=route.body, headers=headers)
        expected = _expected(who, route)
        label = f"{route.method} {route.path} as {who}"
        if response.status_code != expected:
            wrong.append(
                f"{label}: {response.status_code} (wanted {expected}) {response.text[:200]}"
            )
            continue
        if expected >= 400:
            _check_problem(response, expected, wrong, label)
        if expected == 401:
            challenge = response.headers.get("www-authenticate", "")
            if not challenge.startswith("Bearer"):
                wrong.append(f"{label}: WWW-Authenticate is {challenge!r}")
        if expected == 404:
            await _same_as_missing(client, route, headers, response.json(), wrong, label)
    assert not wrong, "\n".join(wrong)


def seed_template(app: FastAPI, caller: Any, name: str) -> uuid.UUID:
    """A template made through the service (not the route under test)."""
    services = app.state.runtime.services
    templates = TemplateService(services, ScheduleService(services))
    draft = TemplateDraft(
        name=name,
        command_text="@alice check {service}",
        timing={"schedule_type": "cron", "cron_expression": "0 9 * * *"},
    )
    return templates.create(caller.user, draft).id


def _expected(who: str, route: Route) -> int:
    if who in ("nobody", "bad-token", "expired-jwt"):
        return 401
    if who == "other-user":
        return route.owner if route.shared else 404
    return route.owner


def _check_problem(response: Any, status: int, wrong: list[str], label: str) -> None:
    body = response.json()
    if response.headers["content-type"] != "application/problem+json":
        wrong.append(f"{label}: content-type {response.headers['content-type']}")
    if body.get("status") != status or not body.get("type") or not body.get("title"):
        wrong.append(f"{label}: not a problem document: {body}")


async def _same_as_missing(
    client: httpx.AsyncClient,
    route: Route,
    headers: dict[str, str],
    got: dict[str, Any],
    wrong: list[str],
    label: str,
) -> None:
    missing = str(uuid.uuid4())
    path = route.path.format(
        sid=missing,
        eid=missing,
        gone=missing,
        cid=missing,
        cgone=missing,
        bid=missing,
        bgone=missing,
        tid=missing,
        tgone=missing,
    )
    reference = await client.request(route.method, path, json=route.body, headers=headers)
    strip = {"detail", "instance"}  # they name the id that was asked for
    if reference.status_code != 404 or {k: v for k, v in got.items() if k not in strip} != {
        k: v for k, v in reference.json().items() if k not in strip
    }:
        wrong.append(f"{label}: 404 differs from a missing id's: {got} vs {reference.text}")


async def test_other_users_list_and_history_show_nothing(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    owner, other = new_caller(app), new_caller(app)
    seed_schedule(app, owner)
    page = (await client.get(S, headers=other.headers)).json()
    assert page["items"] == [] and page["total"] == 0
    mine = (await client.get(S, headers=owner.headers)).json()
    assert mine["total"] == 1


async def test_health_docs_and_metrics_need_no_token(client: httpx.AsyncClient) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/docs", "/openapi.json"):
        assert (await client.get(path)).status_code == 200, path


async def test_a_non_bearer_scheme_is_refused_without_counting_as_a_token(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    response = await client.get("/api/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="agentcron"'
