"""Queries on schedule templates, always scoped by owner."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from agentcron.store.tables import ScheduleTemplate


def list_for_user(session: Session, user_id: uuid.UUID) -> Sequence[ScheduleTemplate]:
    return session.scalars(
        select(ScheduleTemplate)
        .where(ScheduleTemplate.user_id == user_id)
        .order_by(ScheduleTemplate.name)
    ).all()


def get(session: Session, user_id: uuid.UUID, template_id: uuid.UUID) -> ScheduleTemplate | None:
    row = session.get(ScheduleTemplate, template_id)
    return row if row is not None and row.user_id == user_id else None


def get_by_name(session: Session, user_id: uuid.UUID, name: str) -> ScheduleTemplate | None:
    return session.scalars(
        select(ScheduleTemplate).where(
            ScheduleTemplate.user_id == user_id, ScheduleTemplate.name == name
        )
    ).first()
