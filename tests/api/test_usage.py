"""`/api/usage` over HTTP: the table as JSON and CSV, only the caller's runs, and bad input
as 422 problem+json naming the field."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from agentcron.store.tables import Execution
from tests.api.helpers import new_caller, seed_schedule

pytestmark = pytest.mark.anyio

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def add_run(
    app: FastAPI, schedule_id: uuid.UUID, user_id: uuid.UUID, tokens: int, cost: float | None
) -> None:
    store = app.state.runtime.services.store
    with store.write() as session:
        session.add(
            Execution(
                id=uuid.uuid4(),
                schedule_id=schedule_id,
                user_id=user_id,
                agent_id="bob",
                scheduled_for=AT,
                created_at=AT,
                status="success",
                attempt=1,
                tokens_used=tokens,
                input_tokens=tokens,
                output_tokens=0,
                llm_calls=1,
                cost_usd=cost,
                duration_ms=500,
                model="openai:gpt-4o" if cost is not None else "mystery",
            )
        )


async def test_usage_json_csv_and_scoping(app: FastAPI, client: httpx.AsyncClient) -> None:
    ada, bea = new_caller(app, "ada"), new_caller(app, "bea")
    mine = seed_schedule(app, ada)
    theirs = seed_schedule(app, bea)
    add_run(app, mine, ada.user.id, 100, 0.5)
    add_run(app, theirs, bea.user.id, 999, None)
    response = await client.get(
        "/api/usage",
        params={"from": "2026-03-01", "to": "2026-03-01", "group_by": "agent"},
        headers=ada.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["from"] == "2026-03-01" and body["group_by"] == "agent"
    assert [(r["key"], r["runs"], r["total_tokens"], r["cost_usd"]) for r in body["rows"]] == [
        ("bob", 1, 100, 0.5)
    ]
    assert body["total"]["runs"] == 1 and body["total"]["duration_p50_ms"] == 500

    theirs_body = (
        await client.get(
            "/api/usage",
            params={"from": "2026-03-01", "to": "2026-03-01", "group_by": "model"},
            headers=bea.headers,
        )
    ).json()
    assert theirs_body["rows"][0]["key"] == "mystery"
    assert (
        theirs_body["rows"][0]["cost_usd"] == 0 and theirs_body["rows"][0]["runs_without_cost"] == 1
    )

    csv = await client.get(
        "/api/usage",
        params={"from": "2026-03-01", "to": "2026-03-01", "group_by": "schedule", "format": "csv"},
        headers=ada.headers,
    )
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("key,label,runs,") and lines[1].startswith(str(mine))
    assert lines[-1].startswith("total,")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "week"}, "group_by"),
        ({"group_by": "planet"}, "group_by"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-03-09", "to": "2026-03-01"}, "from"),
    ],
)
async def test_bad_usage_queries_are_422_naming_the_field(
    app: FastAPI, client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    ada = new_caller(app, "ada")
    response = await client.get("/api/usage", params=params, headers=ada.headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.text


async def test_usage_needs_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/usage")).status_code == 401
