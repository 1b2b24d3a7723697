"""Signed-in browsers, kept in the database so that ending one takes effect everywhere.

The web layer's cookie carries a random session id (signed); here is what it means: whose
session it is, which API token signed it in (if any), when it expires, whether it ended.
Signing out ends one session; revoking a token ends the sessions it started; `end_all`
signs a user out everywhere. Each end is published as `auth.revoked`, so live event streams
of what was ended close at once (the streams also re-check on their own, for the ends an
admin command made in another process).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from agentcron.service.context import Services
from agentcron.service.users import hash_token
from agentcron.store.tables import User, WebSession

TOUCH_EVERY = timedelta(minutes=5)  # last_seen_at is a hint, not worth a write per request


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    session_hash: str
    token_id: uuid.UUID | None


class SessionService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def start(self, user: User, *, token_id: uuid.UUID | None = None) -> str:
        """A new session for `user`; returns the raw id for the cookie (shown once)."""
        raw = secrets.token_urlsafe(32)
        now = self.s.clock.now()
        with self.s.store.write() as session:
            session.add(
                WebSession(
                    id_hash=hash_token(raw),
                    user_id=user.id,
                    token_id=token_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + timedelta(seconds=self.s.settings.session_max_age_s),
                )
            )
        return raw

    def check(self, raw: str) -> SignedIn | None:
        """The signed-in user of a live session, or None (unknown, ended or expired)."""
        if not raw or len(raw) > 200:
            return None
        digest = hash_token(raw)
        now = self.s.clock.now()
        with self.s.store.read() as session:
            found = session.execute(
                select(WebSession, User)
                .join(User, User.id == WebSession.user_id)
                .where(WebSession.id_hash == digest)
            ).first()
        if found is None:
            return None
        row, user = found
        if row.ended_at is not None or row.expires_at <= now:
            return None
        if now - row.last_seen_at > TOUCH_EVERY:
            with self.s.store.write() as session:
                session.execute(
                    update(WebSession).where(WebSession.id_hash == digest).values(last_seen_at=now)
                )
        return SignedIn(user, digest, row.token_id)

    def is_live(self, session_hash: str) -> bool:
        """For a long-lived stream: is the session it was opened under still on?"""
        now = self.s.clock.now()
        with self.s.store.read() as session:
            row = session.get(WebSession, session_hash)
        return row is not None and row.ended_at is None and row.expires_at > now

    def end(self, raw: str) -> None:
        """Sign out this browser."""
        digest = hash_token(raw)
        with self.s.store.write() as session:
            row = session.get(WebSession, digest)
            if row is None or row.ended_at is not None:
                return
            row.ended_at = self.s.clock.now()
            user_id = row.user_id
        self.s.bus.publish("auth.revoked", str(user_id), sessions=[digest])

    def end_for_token(self, user: User, token_ids: list[uuid.UUID]) -> int:
        """End the sessions these tokens signed in; returns how many were live."""
        return self._end(user, WebSession.token_id.in_(token_ids), token_ids)

    def end_all(self, user: User) -> int:
        """Sign `user` out of every browser; returns how many sessions were live."""
        return self._end(user, WebSession.user_id == user.id, [])

    def _end(self, user: User, which: object, token_ids: list[uuid.UUID]) -> int:
        now = self.s.clock.now()
        with self.s.store.write() as session:
            hashes = list(
                session.scalars(
                    select(WebSession.id_hash).where(
                        WebSession.user_id == user.id,
                        which,  # type: ignore[arg-type]
                        WebSession.ended_at.is_(None),
                        WebSession.expires_at > now,
                    )
                )
            )
            if hashes:
                session.execute(
                    update(WebSession).where(WebSession.id_hash.in_(hashes)).values(ended_at=now)
                )
        self.s.bus.publish(
            "auth.revoked",
            str(user.id),
            sessions=hashes,
            tokens=[str(t) for t in token_ids],
        )
        return len(hashes)

    def forget_expired(self, before: datetime) -> int:
        """Delete sessions that ended or expired before `before` (housekeeping)."""
        from sqlalchemy import delete, or_

        with self.s.store.write() as session:
            result = session.execute(
                delete(WebSession).where(
                    or_(WebSession.expires_at < before, WebSession.ended_at < before)
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
