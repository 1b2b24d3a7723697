"""`/api/budgets` over HTTP: create, list with the period's spend, change, delete; another
user's budget is 404; bad fields are 422 problem+json naming the field and the fix."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.api.helpers import new_caller, seed_schedule

pytestmark = pytest.mark.anyio


async def test_budget_lifecycle_and_ownership(app: FastAPI, client: httpx.AsyncClient) -> None:
    ada, bea = new_caller(app, "ada"), new_caller(app, "bea")
    sid = seed_schedule(app, ada)
    created = await client.post(
        "/api/budgets",
        json={"scope": "schedule", "schedule_id": str(sid), "period": "day", "max_tokens": 100},
        headers=ada.headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (
        body["warn_at"] == 0.8 and body["spent_tokens"] == 0 and body["period_key"] == "2026-03-02"
    )
    assert created.headers["location"].endswith(body["id"])
    url = f"/api/budgets/{body['id']}"

    listed = (await client.get("/api/budgets", headers=ada.headers)).json()["items"]
    assert [b["id"] for b in listed] == [body["id"]]
    assert (await client.get("/api/budgets", headers=bea.headers)).json()["items"] == []
    assert (await client.get(url, headers=bea.headers)).status_code == 404
    assert (await client.patch(url, json={"max_tokens": 5}, headers=bea.headers)).status_code == 404
    assert (await client.delete(url, headers=bea.headers)).status_code == 404

    changed = await client.patch(url, json={"max_usd": 2.5, "warn_at": 0.5}, headers=ada.headers)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["max_tokens"], changed.json()["max_usd"], changed.json()["warn_at"]) == (
        100,
        2.5,
        0.5,
    )

    foreign = await client.post(
        "/api/budgets",
        json={"scope": "schedule", "schedule_id": str(sid), "period": "day", "max_tokens": 1},
        headers=bea.headers,
    )
    assert foreign.status_code == 422 and "schedule_id" in foreign.text

    assert (await client.delete(url, headers=ada.headers)).status_code == 204
    assert (await client.get(url, headers=ada.headers)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scope": "planet", "period": "day", "max_tokens": 1}, "scope"),
        ({"scope": "user", "period": "week", "max_tokens": 1}, "period"),
        ({"scope": "user", "period": "day"}, "max_tokens"),
        ({"scope": "user", "period": "day", "max_tokens": -3}, "max_tokens"),
        ({"scope": "user", "period": "day", "max_tokens": "lots"}, "max_tokens"),
        ({"scope": "user", "period": "day", "max_usd": 0}, "max_usd"),
        ({"scope": "user", "period": "day", "max_usd": 1, "warn_at": 1.5}, "warn_at"),
        ({"scope": "agent", "period": "day", "max_usd": 1}, "agent"),
        ({"scope": "agent", "agent": "@nobody", "period": "day", "max_usd": 1}, "agent"),
        ({"scope": "schedule", "period": "day", "max_usd": 1}, "schedule_id"),
    ],
)
async def test_bad_budgets_are_422_naming_the_field(
    app: FastAPI, client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    ada = new_caller(app, "ada")
    response = await client.post("/api/budgets", json=body, headers=ada.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.text


async def test_out_of_range_numbers_and_days_are_422_not_500(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    ada = new_caller(app, "ada")
    huge = await client.post(
        "/api/budgets",
        json={"scope": "user", "period": "day", "max_tokens": 10**30},
        headers=ada.headers,
    )
    assert huge.status_code == 422 and "max_tokens" in huge.text
    far = await client.get("/api/usage", params={"to": "9999-12-31"}, headers=ada.headers)
    assert far.status_code == 422 and "to" in far.text
    admin = new_caller(app, "root", admin=True)
    price = await client.post(
        "/api/model-prices",
        json={
            "model": "m",
            "input_per_mtok": 1,
            "output_per_mtok": 1,
            "valid_from": "0001-01-01T00:00:00Z",
        },
        headers=admin.headers,
    )
    assert price.status_code == 422 and "valid_from" in price.text
    ok = await client.post(
        "/api/model-prices",
        json={"model": "m", "input_per_mtok": 1, "output_per_mtok": 3},
        headers=admin.headers,
    )
    assert ok.status_code == 201, ok.text
    again = await client.post(
        "/api/model-prices",
        json={
            "model": "m",
            "input_per_mtok": 1,
            "output_per_mtok": 3,
            "valid_from": ok.json()["valid_from"],
        },
        headers=admin.headers,
    )
    assert again.status_code == 409
    assert (await client.get("/api/model-prices", headers=ada.headers)).json()["items"][0][
        "model"
    ] == "m"
