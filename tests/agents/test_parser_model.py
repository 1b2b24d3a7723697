"""The sentence parser's model fallback, at the agents layer: one small structured-output
request to a real HTTP server on 127.0.0.1, its answer typed, every failure one line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agentcron.agents.llm.interpret import (
    InterpretationFailed,
    interpreter_for,
)
from agentcron.agents.settings import EchoSettings, LLMSettings, OpenAISettings
from tests.agents.conftest import LoopbackServer
from tests.support.parser_model import MODEL, answering, reading

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday


def _ask(
    settings: LLMSettings | OpenAISettings, sentence: str = "@alice check the logs mondays-ish"
):  # type: ignore[no-untyped-def]
    return interpreter_for("parser", settings).interpret(
        sentence,
        timezone="Europe/Berlin",
        now=NOW,
        handles=["alice", "bob"],
        refusal='"mondays-ish" looks like timing I cannot use',
    )


def _llm(server: LoopbackServer, **extra: object) -> LLMSettings:
    return LLMSettings(base_url=f"{server.url}/v1", model=MODEL, **extra)  # type: ignore[arg-type]


def test_the_model_gets_a_strict_schema_and_what_it_needs_to_read_the_sentence(
    server: LoopbackServer,
) -> None:
    server.answer = answering(reading(timezone="Europe/Berlin"))

    answer = _ask(_llm(server))

    assert (answer.agent, answer.cron_expression, answer.timezone) == (
        "alice",
        "0 9 * * 1",
        "Europe/Berlin",
    )
    [request] = server.received
    sent = request.json()
    schema = sent["response_format"]["json_schema"]
    assert schema["strict"] is True
    assert set(schema["schema"]["required"]) == {
        "understood",
        "agent",
        "command",
        "schedule_type",
        "cron_expression",
        "interval_value",
        "interval_unit",
        "run_at",
        "timezone",
    }
    assert sent["temperature"] == 0 and sent["max_tokens"] <= 400
    prompt = sent["messages"][-1]["content"]
    assert "@alice check the logs mondays-ish" in prompt
    assert "2026-03-02 09:00, Monday in Europe/Berlin" in prompt  # now, in the user's zone
    assert "@alice, @bob" in prompt and "mondays-ish" in prompt.split("reason:")[1]


def test_an_openai_agent_serves_as_well(server: LoopbackServer) -> None:
    server.answer = answering(
        reading(
            schedule_type="interval",
            cron_expression=None,
            interval_value=90,
            interval_unit="minutes",
        )
    )

    answer = _ask(OpenAISettings(base_url=f"{server.url}/v1", model=MODEL))  # type: ignore[arg-type]

    assert (answer.schedule_type, answer.interval_value, answer.interval_unit) == (
        "interval",
        90,
        "minutes",
    )


def test_only_model_agents_can_read_sentences() -> None:
    with pytest.raises(InterpretationFailed, match="no agent"):
        interpreter_for("ghost", None)
    with pytest.raises(InterpretationFailed, match="not an llm or openai agent"):
        interpreter_for("echoer", EchoSettings())


def test_an_answer_outside_the_schema_is_asked_once_more_then_refused(
    server: LoopbackServer,
) -> None:
    server.answer = answering('{"when": "mondays, roughly"}')

    with pytest.raises(InterpretationFailed) as failed:
        _ask(_llm(server))

    assert len(server.received) == 2  # the answer did not fit: one retry, no more
    assert "could not be used" in failed.value.message


def test_a_model_that_cannot_read_it_either_says_so(server: LoopbackServer) -> None:
    server.answer = answering(reading(understood=False))

    with pytest.raises(InterpretationFailed, match="could not read it either"):
        _ask(_llm(server))


def test_an_unreachable_model_fails_in_one_line(refusing_url: str) -> None:
    settings = LLMSettings(base_url=refusing_url.removesuffix("/agent") + "/v1", model=MODEL)  # type: ignore[arg-type]

    with pytest.raises(InterpretationFailed) as failed:
        _ask(settings)

    assert "could not get an answer" in failed.value.message
    assert "\n" not in failed.value.message


def test_a_server_error_names_the_status_and_masks_the_key(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARSER_KEY", "sk-very-secret-parser-key")
    server.respond(401, {"error": {"message": "bad key sk-very-secret-parser-key"}})

    with pytest.raises(InterpretationFailed) as failed:
        _ask(_llm(server, api_key_env="PARSER_KEY"))

    assert "HTTP 401" in failed.value.message
    assert "sk-very-secret" not in failed.value.message
    assert server.received[0].headers["Authorization"] == "Bearer sk-very-secret-parser-key"


def test_a_silent_model_is_given_up_on_after_the_agents_timeout(server: LoopbackServer) -> None:
    server.hang()

    with pytest.raises(InterpretationFailed) as failed:
        _ask(_llm(server, timeout_s=0.5))

    assert "timed out" in failed.value.message.lower()
