"""`/api/me` and the user's zone over HTTP: PATCH sets it (problem+json when it is no zone),
new schedules default to it, and the preview shows runs in both zones."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from agentcron.service.users import UserService
from tests.api.helpers import new_caller

pytestmark = pytest.mark.anyio
S = "/api/scheduled-commands"


async def test_patch_me_sets_the_zone_as_chosen(app: FastAPI, client: httpx.AsyncClient) -> None:
    ada = new_caller(app, "ada")
    before = (await client.get("/api/me", headers=ada.headers)).json()

    response = await client.patch(
        "/api/me", json={"timezone": "Europe/Berlin"}, headers=ada.headers
    )
    after = (await client.get("/api/me", headers=ada.headers)).json()

    assert (before["timezone"], before["timezone_chosen"]) == ("UTC", False)
    assert response.status_code == 200
    assert response.json()["timezone"] == after["timezone"] == "Europe/Berlin"
    assert after["timezone_chosen"] is True and after["suggested_timezone"] is None


@pytest.mark.parametrize(
    ("body", "field", "fix"),
    [
        ({"timezone": "Europe/Berln"}, "timezone", "did you mean Europe/Berlin"),
        ({"timezone": "america/new_york"}, "timezone", "America/New_York"),
        ({"timezone": ""}, "timezone", "IANA"),
        ({"timezone": 5}, "timezone", ""),
        ({"tz": "Europe/Berlin"}, "tz", ""),
    ],
)
async def test_a_bad_zone_is_a_problem_naming_the_field(
    app: FastAPI, client: httpx.AsyncClient, body: dict[str, object], field: str, fix: str
) -> None:
    ada = new_caller(app, "ada")

    response = await client.patch("/api/me", json=body, headers=ada.headers)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    [problem] = response.json()["errors"]
    assert problem["field"] == field
    assert fix in (problem.get("fix") or "")
    assert (await client.get("/api/me", headers=ada.headers)).json()["timezone"] == "UTC"


async def test_the_browsers_suggestion_is_shown_until_a_zone_is_set(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    ada = new_caller(app, "ada")
    UserService(app.state.runtime.services).suggest_timezone(ada.user, "Asia/Kolkata")

    shown = (await client.get("/api/me", headers=ada.headers)).json()
    kept = (await client.patch("/api/me", json={"timezone": "UTC"}, headers=ada.headers)).json()

    assert shown["suggested_timezone"] == "Asia/Kolkata" and shown["timezone"] == "UTC"
    assert kept["suggested_timezone"] is None and kept["timezone_chosen"] is True


async def test_new_schedules_take_the_zone_set_by_patch(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    ada = new_caller(app, "ada")
    await client.patch("/api/me", json={"timezone": "Asia/Tokyo"}, headers=ada.headers)

    by_fields = await client.post(
        S,
        json={"command_text": "@alice hi", "schedule_type": "cron", "cron_expression": "0 9 * * *"},
        headers=ada.headers,
    )
    by_sentence = await client.post(
        S, json={"text": "@alice check the logs tomorrow at 3pm"}, headers=ada.headers
    )

    assert by_fields.json()["timezone"] == by_sentence.json()["timezone"] == "Asia/Tokyo"
    assert by_fields.json()["next_run_at"] == "2026-03-03T00:00:00Z"  # 09:00 in Tokyo
    assert by_sentence.json()["run_at"] == "2026-03-03T06:00:00Z"  # 15:00 in Tokyo


async def test_the_preview_gives_runs_in_both_zones_and_the_notes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    ada = new_caller(app, "ada")
    await client.patch("/api/me", json={"timezone": "America/New_York"}, headers=ada.headers)

    body = (
        await client.post(
            "/api/schedules/preview",
            json={"text": "@bob deploy every friday at 5pm CET"},
            headers=ada.headers,
        )
    ).json()

    assert body["timezone"] == "Europe/Berlin"
    assert body["viewer_timezone"] == "America/New_York"
    assert body["next_runs"][0] == "2026-03-06T16:00:00Z"
    assert body["next_runs_local"][0] == "2026-03-06T17:00:00+01:00"
    assert body["next_runs_viewer"][0] == "2026-03-06T11:00:00-05:00"
    assert body["notes"] == [
        '"CET" read as Central European time, Europe/Berlin (follows daylight saving)'
    ]
    assert body["interpreted_by"] is None and body["needs_confirmation"] is False


async def test_a_preview_in_ones_own_zone_has_no_second_list(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    ada = new_caller(app, "ada")

    body = (
        await client.post(
            "/api/schedules/preview",
            json={"schedule_type": "interval", "interval_value": 2, "interval_unit": "hours"},
            headers=ada.headers,
        )
    ).json()

    assert body["viewer_timezone"] == body["timezone"] == "UTC"
    assert body["next_runs_viewer"] is None
    assert body["next_runs_local"] == body["next_runs"]  # UTC both ways
    assert body["notes"] == []
