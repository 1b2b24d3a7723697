"""Executions with transcripts, written straight to the store as the engine would have
recorded them: what the execution page, `show-run` and `history --steps` show."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from agentcron.store.tables import Attempt, Execution

MODEL = "gpt-4o-mini"


def step(kind: str, name: str, at: datetime, duration_ms: int, **fields: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "name": name,
        "started_at": at.isoformat(),
        "duration_ms": duration_ms,
        "input_tokens": fields.get("input_tokens"),
        "output_tokens": fields.get("output_tokens"),
        "error": fields.get("error"),
        "detail": fields.get("detail", {}),
    }


def first_attempt(at: datetime) -> list[dict[str, Any]]:
    return [
        step(
            "llm",
            MODEL,
            at,
            900,
            input_tokens=120,
            output_tokens=45,
            detail={"text": "I will list the models."},
        ),
        step(
            "tool",
            "list_models",
            at + timedelta(milliseconds=950),
            30,
            error="tool server unreachable: connection refused",
            detail={"arguments": '{"provider": "openai"}'},
        ),
    ]


def second_attempt(at: datetime) -> list[dict[str, Any]]:
    return [
        step("llm", MODEL, at, 800, input_tokens=130, output_tokens=40),
        step(
            "tool",
            "list_models",
            at + timedelta(milliseconds=850),
            400,
            detail={
                "arguments": '{"provider": "openai", "api_key": "***"}',
                "result": '["gpt-old", "claude-1"]',
            },
        ),
        step(
            "llm",
            MODEL,
            at + timedelta(milliseconds=1300),
            1200,
            input_tokens=300,
            output_tokens=90,
        ),
    ]


def seed_run(
    services: Any,
    user_id: uuid.UUID,
    schedule_id: uuid.UUID | str,
    agent_id: str,
    now: datetime,
    *,
    retrying: bool = False,
) -> uuid.UUID:
    """An execution of two attempts: the first failed on its tool server; the second either
    failed for good on its token limit, or (`retrying`) failed too and waits to try again in
    ten minutes."""
    schedule_id = uuid.UUID(str(schedule_id))
    start = now - timedelta(minutes=30)
    second = start + timedelta(minutes=2)
    execution_id = uuid.uuid4()
    first = Attempt(
        id=uuid.uuid4(),
        execution_id=execution_id,
        number=1,
        status="failed",
        started_at=start,
        finished_at=start + timedelta(seconds=1),
        duration_ms=1000,
        tokens_used=165,
        input_tokens=120,
        output_tokens=45,
        llm_calls=1,
        cost_usd=0.0004,
        steps=json.dumps(first_attempt(start)),
        error_message="tool server unreachable: connection refused",
        error_code="tool_server",
    )
    rows: list[Any] = [first]
    common = dict(
        id=execution_id,
        schedule_id=schedule_id,
        user_id=user_id,
        agent_id=agent_id,
        trigger="schedule",
        scheduled_for=start,
        created_at=start,
        started_at=start,
        lag_ms=20,
        model=MODEL,
        output="Checked 42 models.\nDeprecated: gpt-old, claude-1\n",
    )
    if retrying:
        rows.append(
            Attempt(
                id=uuid.uuid4(),
                execution_id=execution_id,
                number=2,
                status="failed",
                started_at=second,
                finished_at=second + timedelta(milliseconds=2500),
                duration_ms=2500,
                tokens_used=560,
                input_tokens=430,
                output_tokens=130,
                llm_calls=2,
                cost_usd=0.0011,
                steps=json.dumps(second_attempt(second)),
                error_message="HTTP 502 from the model",
            )
        )
        execution = Execution(
            **common,
            status="pending",
            attempt=2,
            next_attempt_at=now + timedelta(minutes=10),
            tokens_used=725,
            input_tokens=550,
            output_tokens=175,
            llm_calls=3,
            cost_usd=0.0015,
            error_message="HTTP 502 from the model",
        )
    else:
        execution = Execution(
            **common,
            status="failed",
            attempt=2,
            attempt_started_at=second,
            finished_at=second + timedelta(milliseconds=2500),
            duration_ms=2500,
            tokens_used=725,
            input_tokens=550,
            output_tokens=175,
            llm_calls=3,
            cost_usd=0.0015,
            steps=json.dumps(second_attempt(second)),
            error_message="the agent used 725 tokens, over its limit of 600",
            error_code="max_tokens",
        )
    with services.store.write() as session:
        session.add(execution)
        session.flush()
        session.add_all(rows)
    return execution_id
