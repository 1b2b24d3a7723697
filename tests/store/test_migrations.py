"""The migration chain builds the schema the models describe, on both dialects."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from agentcron.store.database import Store
from agentcron.store.tables import Base


def test_migrations_leave_no_drift_from_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_migrated_database_is_at_head(store: Store) -> None:
    assert store.current_revision() == store.head_revision()
    assert store.migrations_current()


def test_unique_slot_key_exists(store: Store) -> None:
    constraints = inspect(store.engine).get_unique_constraints("scheduled_command_executions")
    assert {"schedule_id", "scheduled_for", "agent_id"} in [
        set(c["column_names"]) for c in constraints
    ]


def test_migrate_is_idempotent(store: Store) -> None:
    store.migrate()
    assert store.migrations_current()


def test_empty_database_is_behind_until_migrated(tmp_path) -> None:
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        assert fresh.current_revision() is None
        assert not fresh.migrations_current()
        fresh.migrate()
        assert fresh.migrations_current()
    finally:
        fresh.dispose()
