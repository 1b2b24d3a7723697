"""Which agentcron processes are alive, from their own heartbeats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from agentcron.store.tables import Instance


def register(session: Session, instance: Instance) -> None:
    session.merge(instance)


def heartbeat(session: Session, instance_id: str, now: datetime) -> None:
    session.execute(update(Instance).where(Instance.id == instance_id).values(heartbeat_at=now))


def stopped(session: Session, instance_id: str, now: datetime) -> None:
    session.execute(
        update(Instance).where(Instance.id == instance_id).values(stopped_at=now, heartbeat_at=now)
    )


def alive(session: Session, since: datetime) -> Sequence[Instance]:
    return session.scalars(
        select(Instance)
        .where(Instance.heartbeat_at >= since, Instance.stopped_at.is_(None))
        .order_by(Instance.started_at)
    ).all()


def forget_older_than(session: Session, before: datetime) -> None:
    session.execute(delete(Instance).where(Instance.heartbeat_at < before))
