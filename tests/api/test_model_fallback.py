"""The parser's model fallback through HTTP, against a fake OpenAI-compatible server on
127.0.0.1: a sentence the grammar refuses is read by the model, shown as the model's beside
the grammar's refusal, and saved only with `accept_model_reading` for that same reading."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.agents.conftest import LoopbackServer
from tests.api.conftest import MakeApp
from tests.api.helpers import AGENTS_TOML, Caller, new_caller
from tests.support.live import free_port
from tests.support.parser_model import MODEL, agents_toml, answering, reading

pytestmark = pytest.mark.anyio
S = "/api/scheduled-commands"
PREVIEW = "/api/schedules/preview"
VAGUE = "@alice check the logs on mondays, give or take, around nine"  # no time the grammar reads


@pytest.fixture
def model() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.answer = answering(reading(command="@alice check the logs"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def with_parser(make_app: MakeApp, tmp_path: Path, model: LoopbackServer) -> FastAPI:
    path = tmp_path / "agents-with-parser.toml"
    path.write_text(AGENTS_TOML + "\n" + agents_toml(model.url))
    return make_app(agents_file=path, parser_agent="parser")


@pytest.fixture
async def api(with_parser: FastAPI) -> Any:
    transport = httpx.ASGITransport(app=with_parser)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client


@pytest.fixture
def ada(with_parser: FastAPI) -> Caller:
    return new_caller(with_parser, "ada")


async def _count(api: httpx.AsyncClient, who: Caller) -> int:
    return int((await api.get(S, headers=who.headers)).json()["total"])


async def test_a_refused_sentence_is_previewed_as_the_models_reading(
    api: httpx.AsyncClient, ada: Caller, model: LoopbackServer
) -> None:
    response = await api.post(PREVIEW, json={"text": VAGUE}, headers=ada.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["interpreted_by"] == MODEL
    assert "on mondays" in body["grammar_refusal"] and "e.g." in body["grammar_refusal"]
    assert body["needs_confirmation"] is True and body["model_reading"]
    assert (body["schedule_type"], body["cron_expression"], body["agent_id"]) == (
        "cron",
        "0 9 * * 1",
        "alice",
    )
    assert body["command_text"] == "@alice check the logs"
    assert body["next_runs"][0] == "2026-03-09T09:00:00Z"  # next Monday; now is Mon 12:00
    assert body["notes"][0].startswith(f"interpreted by {MODEL}")
    assert len(model.received) == 1


async def test_it_is_never_created_without_acceptance(api: httpx.AsyncClient, ada: Caller) -> None:
    refused = await api.post(S, json={"text": VAGUE}, headers=ada.headers)

    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    [problem] = refused.json()["errors"]
    assert problem["field"] == "accept_model_reading"
    assert MODEL in problem["message"] and "on mondays" in problem["message"]
    assert "accept_model_reading: true" in problem["fix"]
    assert await _count(api, ada) == 0


async def test_an_accepted_reading_is_created_as_previewed(
    api: httpx.AsyncClient, ada: Caller
) -> None:
    preview = (await api.post(PREVIEW, json={"text": VAGUE}, headers=ada.headers)).json()

    created = await api.post(
        S,
        json={
            "text": VAGUE,
            "accept_model_reading": True,
            "model_reading": preview["model_reading"],
        },
        headers=ada.headers,
    )

    assert created.status_code == 201, created.text
    row = created.json()
    assert (row["cron_expression"], row["agent_id"], row["command_text"]) == (
        "0 9 * * 1",
        "alice",
        "@alice check the logs",
    )
    assert row["next_runs"] == preview["next_runs"]


async def test_a_different_reading_at_create_time_is_not_saved(
    api: httpx.AsyncClient, ada: Caller, model: LoopbackServer
) -> None:
    preview = (await api.post(PREVIEW, json={"text": VAGUE}, headers=ada.headers)).json()
    model.answer = answering(reading(cron_expression="0 21 * * 1"))  # the model changed its mind

    created = await api.post(
        S,
        json={
            "text": VAGUE,
            "accept_model_reading": True,
            "model_reading": preview["model_reading"],
        },
        headers=ada.headers,
    )

    assert created.status_code == 422
    assert created.json()["errors"][0]["field"] == "model_reading"
    assert "21:00" in created.json()["errors"][0]["message"]
    assert await _count(api, ada) == 0


async def test_an_invalid_model_answer_is_refused_with_the_grammars_message(
    api: httpx.AsyncClient, ada: Caller, model: LoopbackServer
) -> None:
    model.answer = answering(reading(cron_expression="*/2 * * * *"))  # below the minimum gap

    response = await api.post(PREVIEW, json={"text": VAGUE}, headers=ada.headers)

    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["field"] == "text"
    # The grammar's own refusal, not the model's.
    assert problem["message"].startswith('"on mondays" needs a time of day')
    assert MODEL in problem["fix"] and "no valid schedule" in problem["fix"]
    assert "*/2 * * * *" in problem["fix"]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            reading(
                schedule_type="once",
                cron_expression=None,
                run_at="2026-03-03T15:00",
                timezone="Europe/Berlin",
            ),
            {"schedule_type": "once", "run_at": "2026-03-03T14:00:00Z"},
        ),
        (
            reading(
                schedule_type="interval",
                cron_expression=None,
                interval_value=90,
                interval_unit="minutes",
            ),
            {"schedule_type": "interval", "interval_value": 90, "interval_unit": "minutes"},
        ),
    ],
)
async def test_once_and_interval_readings_are_previewed_too(
    api: httpx.AsyncClient,
    ada: Caller,
    model: LoopbackServer,
    answer: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    model.answer = answering(answer)

    body = (await api.post(PREVIEW, json={"text": VAGUE}, headers=ada.headers)).json()

    assert {key: body[key] for key in expected} == expected
    assert body["needs_confirmation"] is True


async def test_a_past_run_at_from_the_model_is_refused(
    api: httpx.AsyncClient, ada: Caller, model: LoopbackServer
) -> None:
    model.answer = answering(
        reading(schedule_type="once", cron_expression=None, run_at="2026-03-01T09:00")
    )

    response = await api.post(PREVIEW, json={"text": VAGUE}, headers=ada.headers)

    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["field"] == "text" and "no valid schedule" in problem["fix"]


async def test_a_made_up_zone_from_the_model_is_refused(
    api: httpx.AsyncClient, ada: Caller, model: LoopbackServer
) -> None:
    model.answer = answering(reading(timezone="Mars/Olympus_Mons"))

    response = await api.post(
        S, json={"text": VAGUE, "accept_model_reading": True}, headers=ada.headers
    )

    assert response.status_code == 422
    assert "unknown time zone" in response.json()["errors"][0]["fix"]
    assert await _count(api, ada) == 0


async def test_an_unreachable_model_leaves_the_grammars_refusal_with_a_note(
    make_app: MakeApp, tmp_path: Path
) -> None:
    path = tmp_path / "agents-unreachable.toml"
    path.write_text(
        AGENTS_TOML + "\n" + agents_toml(f"http://127.0.0.1:{free_port()}", timeout_s="2")
    )
    app = make_app(agents_file=path, parser_agent="parser")
    who = new_caller(app, "bea")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as api:
        response = await api.post(PREVIEW, json={"text": VAGUE}, headers=who.headers)

    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["field"] == "text" and problem["message"].startswith(
        '"on mondays" needs a time of day'
    )
    assert "no model reading" in problem["fix"] and "could not get an answer" in problem["fix"]


async def test_the_model_is_not_asked_when_the_grammar_understands(
    api: httpx.AsyncClient, ada: Caller, model: LoopbackServer
) -> None:
    response = await api.post(
        PREVIEW, json={"text": "@alice check the logs every monday at 9am"}, headers=ada.headers
    )

    body = response.json()
    assert body["interpreted_by"] is None and body["needs_confirmation"] is False
    assert model.received == []


async def test_without_a_parser_agent_the_grammars_refusal_stands(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    who = new_caller(app, "cy")

    response = await client.post(PREVIEW, json={"text": VAGUE}, headers=who.headers)

    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["field"] == "text" and "no model reading" not in problem["fix"]


async def test_an_edit_by_sentence_needs_acceptance_too(
    api: httpx.AsyncClient, ada: Caller
) -> None:
    body = {
        "command_text": "@alice check the logs",
        "schedule_type": "interval",
        "interval_value": 1,
        "interval_unit": "hours",
    }
    sid = (await api.post(S, json=body, headers=ada.headers)).json()["id"]

    refused = await api.patch(f"{S}/{sid}", json={"text": VAGUE}, headers=ada.headers)
    unchanged = (await api.get(f"{S}/{sid}", headers=ada.headers)).json()
    accepted = await api.patch(
        f"{S}/{sid}", json={"text": VAGUE, "accept_model_reading": True}, headers=ada.headers
    )

    assert refused.status_code == 422 and unchanged["schedule_type"] == "interval"
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["cron_expression"] == "0 9 * * 1"
