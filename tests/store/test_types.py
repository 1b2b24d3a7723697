"""Instants go in and come out as aware UTC on both dialects, and compare in time order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from agentcron.store.database import Store
from agentcron.store.tables import User


def test_aware_datetimes_round_trip_as_utc(store: Store) -> None:
    berlin = timezone(timedelta(hours=1))
    created = datetime(2026, 3, 29, 2, 30, 15, 123456, tzinfo=berlin)
    user = User(id=uuid.uuid4(), name="ada", timezone="UTC", created_at=created)
    with store.write() as session:
        session.add(user)
    with store.read() as session:
        loaded = session.get(User, user.id)
    assert loaded is not None
    assert loaded.created_at == created
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(store: Store) -> None:
    user = User(id=uuid.uuid4(), name="naive", timezone="UTC", created_at=datetime(2026, 1, 1))
    with pytest.raises(Exception, match="naive"), store.write() as session:
        session.add(user)


def test_datetime_comparison_follows_time_order(store: Store) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    with store.write() as session:
        for i, offset in enumerate([timedelta(microseconds=1), timedelta(0), timedelta(days=400)]):
            session.add(
                User(id=uuid.uuid4(), name=f"u{i}", timezone="UTC", created_at=base + offset)
            )
    with store.read() as session:
        names = session.scalars(
            select(User.name).where(User.created_at > base).order_by(User.created_at)
        ).all()
    assert names == ["u0", "u2"]
