"""Reading what an agent reports in a reply: metrics, steps, a message for the user."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from agentcron.agents import AgentResult
from agentcron.agents.base import Step
from agentcron.agents.reports import result_from_mapping
from agentcron.agents.results import STEP_LIMIT
from agentcron.agents.steps import DETAIL_LIMIT, detail_text

NOW = datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC)


def test_a_reply_mapping_may_carry_any_subset() -> None:
    assert result_from_mapping({}, now=NOW) == AgentResult()
    assert result_from_mapping({"llm_calls": 2, "cost_usd": 0.004}, now=NOW) == AgentResult(
        llm_calls=2, cost_usd=0.004
    )


def test_the_old_cost_field_is_read_as_cost_usd() -> None:
    result = result_from_mapping({"cost": 0.25}, now=NOW)

    assert (result.cost_usd, result.cost) == (0.25, 0.25)


def test_token_counts_sum_unless_a_total_is_given() -> None:
    split = result_from_mapping({"input_tokens": 1200, "output_tokens": 80}, now=NOW)
    given = result_from_mapping(
        {"input_tokens": 1200, "output_tokens": 80, "tokens_used": 1500}, now=NOW
    )

    assert (split.input_tokens, split.output_tokens, split.tokens_used) == (1200, 80, 1280)
    assert given.tokens_used == 1500
    assert split.usage.tokens_used == 1280


@pytest.mark.parametrize(
    "reply",
    [
        {"status": "maybe"},
        {"tokens_used": -1},
        {"llm_calls": "lots"},
        {"summary": ["a"]},
        {"cost_usd": -0.1},
        {"steps": [{"kind": "dance", "name": "x"}]},
        {"steps": [{"kind": "tool", "name": "x", "started_at": "2026-03-02T09:00:00"}]},
    ],
)
def test_a_reply_mapping_with_bad_values_is_refused(reply: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="invalid fields in the agent's reply"):
        result_from_mapping(reply, now=NOW)


def test_reported_steps_become_steps_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    result = result_from_mapping(
        {
            "model": "gpt-4o",
            "steps": [
                {
                    "kind": "llm",
                    "name": "gpt-4o",
                    "started_at": "2026-03-02T10:00:01+01:00",
                    "duration_ms": 812,
                    "input_tokens": 50,
                    "output_tokens": 9,
                },
                {"kind": "tool", "name": "search", "error": "timeout", "extra": "ignored"},
            ],
        },
        now=NOW,
    )

    first, second = result.steps
    assert first == Step(
        "llm",
        "gpt-4o",
        datetime(2026, 3, 2, 10, 0, 1, tzinfo=paris).astimezone(UTC),
        812,
        input_tokens=50,
        output_tokens=9,
    )
    assert first.started_at.tzinfo is UTC
    assert second == Step("tool", "search", NOW, 0, error="timeout")
    assert result.model == "gpt-4o"


def test_step_details_are_masked_and_bounded() -> None:
    result = result_from_mapping(
        {
            "steps": [
                {
                    "kind": "tool",
                    "name": "deploy",
                    "detail": {
                        "arguments": {
                            "host": "db1",
                            "api_key": "k-123",
                            "nested": [{"Token": "t"}],
                        },
                        "result": "used whsec-42 to sign " + "x" * 10_000,
                    },
                }
            ]
        },
        now=NOW,
        secrets=["whsec-42"],
    )

    [step] = result.steps
    assert json.loads(step.detail["arguments"]) == {
        "host": "db1",
        "api_key": "***",
        "nested": [{"Token": "***"}],
    }
    assert "whsec-42" not in step.detail["result"]
    assert step.detail["result"].startswith("used *** to sign")
    assert len(step.detail["result"].encode()) <= DETAIL_LIMIT


def test_too_many_steps_keep_the_first_and_the_last() -> None:
    reported = [{"kind": "tool", "name": f"t{n}"} for n in range(STEP_LIMIT + 100)]

    steps = result_from_mapping({"steps": reported}, now=NOW).steps

    assert len(steps) == STEP_LIMIT
    assert (steps[0].name, steps[-1].name) == ("t0", f"t{STEP_LIMIT + 99}")


@pytest.mark.parametrize(
    ("reply", "notify"),
    [
        ({"notify": "gpt-x retires Friday"}, "gpt-x retires Friday"),
        ({"notify": True, "message": "look at this"}, "look at this"),
        ({"notify": True, "summary": "2 deprecated"}, "2 deprecated"),
        ({"notify": False, "message": "not for the user"}, None),
        ({"message": "a message alone asks nothing"}, None),
        ({"notify": "   "}, None),
    ],
)
def test_a_reply_may_ask_to_notify_the_user(reply: dict[str, object], notify: str | None) -> None:
    assert result_from_mapping(reply, now=NOW).notify == notify


def test_notify_true_with_nothing_to_say_is_refused() -> None:
    with pytest.raises(ValueError, match="notify"):
        result_from_mapping({"notify": True}, now=NOW)


def test_detail_text_keeps_text_as_it_is_and_encodes_the_rest() -> None:
    assert detail_text("plain") == "plain"
    assert json.loads(detail_text({"n": 1, "password": "p"})) == {"n": 1, "password": "***"}
