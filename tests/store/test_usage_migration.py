"""Migration 0010 on both dialects: rolled-up days keep their totals across an upgrade (with
the schedule's agent filled in) and a downgrade (rows that differ only by agent or model
fold back into one)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import text

from agentcron.store.database import Store


def _run(store: Store, action: str, revision: str) -> None:
    store.migrate(revision, action)


def test_0010_up_and_down_keeps_rolled_up_totals(store: Store) -> None:
    _run(store, "downgrade", "0006")
    user, schedule = uuid.uuid4(), uuid.uuid4()
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, name, timezone, is_admin, created_at) VALUES (:id, 'u', 'UTC', false, :now)"
            ),
            {
                "id": user.hex if store.dialect == "sqlite" else user,
                "now": now.replace(tzinfo=None) if store.dialect == "sqlite" else now,
            },
        )
        connection.execute(
            text(
                "INSERT INTO scheduled_commands (id, user_id, agent_id, command_text, description, "
                "schedule_type, anchor_at, timezone, enabled, misfire_grace_s, overlap, max_retries, "
                "timeout_s, created_at, updated_at) VALUES (:id, :user, 'alice', 'x', '', 'interval', "
                ":now, 'UTC', true, 300, 'skip', 3, 600, :now, :now)"
            ),
            {
                "id": schedule.hex if store.dialect == "sqlite" else schedule,
                "user": user.hex if store.dialect == "sqlite" else user,
                "now": now.replace(tzinfo=None) if store.dialect == "sqlite" else now,
            },
        )
        connection.execute(
            text(
                "INSERT INTO execution_daily (user_id, schedule_id, day, status, count, tokens_used, "
                "llm_calls, duration_ms) VALUES (:user, :schedule, :day, 'success', 3, 300, 6, 900)"
            ),
            {
                "user": user.hex if store.dialect == "sqlite" else user,
                "schedule": schedule.hex if store.dialect == "sqlite" else schedule,
                "day": date(2026, 3, 1),
            },
        )
    _run(store, "upgrade", "head")
    with store.engine.connect() as connection:
        row = connection.execute(
            text("SELECT agent_id, model, count, tokens_used, cost_usd FROM execution_daily")
        ).one()
    assert tuple(row) == ("alice", "", 3, 300, 0)
    with store.engine.begin() as connection:  # a second model for the same day and status
        connection.execute(
            text(
                "INSERT INTO execution_daily (user_id, schedule_id, day, status, agent_id, model, "
                "count, tokens_used, llm_calls, duration_ms) SELECT user_id, schedule_id, day, "
                "status, agent_id, 'm2', 2, 20, 2, 100 FROM execution_daily"
            )
        )
    _run(store, "downgrade", "0006")
    with store.engine.connect() as connection:
        folded = connection.execute(
            text("SELECT count, tokens_used, llm_calls, duration_ms FROM execution_daily")
        ).all()
    assert [tuple(r) for r in folded] == [(5, 320, 8, 1000)]
    _run(store, "upgrade", "head")
    assert store.migrations_current()
