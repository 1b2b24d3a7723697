"""Users, API tokens and one-time login links.

Tokens are 256-bit random strings with a recognisable prefix (`acr_`), shown once and stored
only as a SHA-256 hash: a leaked database does not leak working tokens. Lookup is by hash,
and the final comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from agentcron.errors import Conflict, InvalidInput, NotFound, RateLimited, Unauthorized
from agentcron.service.context import Services
from agentcron.store.tables import ApiToken, LoginLink, User
from agentcron.timing import InvalidSchedule, check_timezone
from agentcron.timing.zones import problem as zone_problem

TOKEN_PREFIX = "acr_"  # noqa: S105 - a public marker, not a secret
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
LAST_USED_RESOLUTION = timedelta(minutes=1)
DEFAULT_ZONE = "UTC"


def _checked_zone(timezone: str) -> str:
    """An IANA zone, or InvalidInput naming `timezone` with the closest real names."""
    try:
        return check_timezone(timezone)
    except InvalidSchedule as exc:
        raise InvalidInput.from_schedule(exc) from exc


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class TokenHolder:
    user: User
    token_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class Revocation:
    tokens: int
    sessions: int  # browser sessions signed in with them, ended now


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str  # shown once, never stored
    record: ApiToken


class UserService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def create(self, name: str, timezone: str | None = None, *, admin: bool = False) -> User:
        """A zone given here counts as chosen; without one the user gets UTC until they (or
        their browser's suggestion, accepted) set one."""
        if not NAME_RE.match(name or ""):
            raise InvalidInput.one(
                "name", f"{name!r} is not a valid user name", "use 1-64 letters, digits, . _ @ -"
            )
        user = User(
            id=uuid.uuid4(),
            name=name,
            timezone=_checked_zone(timezone) if timezone is not None else DEFAULT_ZONE,
            timezone_chosen=timezone is not None,
            is_admin=admin,
            created_at=self.s.clock.now(),
        )
        try:
            with self.s.store.write() as session:
                session.add(user)
        except IntegrityError:
            raise Conflict(f"a user named {name!r} already exists") from None
        return user

    def list(self) -> Sequence[User]:
        with self.s.store.read() as session:
            return session.scalars(select(User).order_by(User.created_at)).all()

    def by_name(self, name: str) -> User:
        with self.s.store.read() as session:
            user = session.scalars(select(User).where(User.name == name)).first()
        if user is None:
            raise NotFound("user", name)
        return user

    def by_id(self, user_id: uuid.UUID) -> User | None:
        with self.s.store.read() as session:
            return session.get(User, user_id)

    def for_subject(self, subject: str) -> User:
        """The user a JWT `sub` names, created on first sight."""
        with self.s.store.read() as session:
            user = session.scalars(select(User).where(User.subject == subject)).first()
        if user is not None:
            return user
        name = re.sub(r"[^A-Za-z0-9_.@-]", "-", subject)[:64] or "user"
        if not name[0].isalnum():
            name = "u" + name[:63]
        for attempt in range(5):
            candidate = name if attempt == 0 else f"{name[:58]}-{secrets.token_hex(2)}"
            user = User(
                id=uuid.uuid4(),
                name=candidate,
                timezone=DEFAULT_ZONE,
                subject=subject,
                created_at=self.s.clock.now(),
            )
            try:
                with self.s.store.write() as session:
                    session.add(user)
                return user
            except IntegrityError:
                with self.s.store.read() as session:
                    existing = session.scalars(select(User).where(User.subject == subject)).first()
                if existing is not None:
                    return existing
        raise Conflict(f"could not create a user for subject {subject!r}")

    # -- time zone ----------------------------------------------------------------------------

    def set_timezone(self, user: User, timezone: str) -> User:
        """The zone new schedules default to and times are shown in. Setting it (even to the
        zone the user has) is a choice: the browser's suggestion is not offered again.
        Existing schedules keep their own zones."""
        zone = _checked_zone(timezone)
        wait = self.s.write_limiter.take(str(user.id))
        if wait:
            raise RateLimited(
                f"too many changes: at most {self.s.settings.write_rate_per_minute} per minute",
                wait,
            )
        with self.s.store.write() as session:
            row = session.get(User, user.id)
            if row is None:
                raise NotFound("user", user.name)
            row.timezone = zone
            row.timezone_chosen = True
            row.suggested_timezone = None
        return row

    def suggest_timezone(self, user: User, browser_zone: str | None) -> User:
        """Keep the zone a browser reports as a one-time suggestion, while the user has not
        chosen one and nothing was suggested yet. Anything a browser sends that is not a real
        zone, or is the zone they already have, is ignored: this never fails a sign-in."""
        zone = (browser_zone or "").strip()
        if (
            user.timezone_chosen
            or user.suggested_timezone is not None
            or not zone
            or zone == user.timezone
            or zone_problem(zone) is not None
        ):
            return user
        with self.s.store.write() as session:
            row = session.get(User, user.id)
            if row is None or row.timezone_chosen or row.suggested_timezone is not None:
                return row or user
            row.suggested_timezone = zone
        return row

    # -- tokens -------------------------------------------------------------------------------

    def issue_token(self, user: User, name: str = "") -> IssuedToken:
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        record = ApiToken(
            id=uuid.uuid4(),
            user_id=user.id,
            token_hash=hash_token(raw),
            prefix=raw[:12],
            name=name[:64],
            created_at=self.s.clock.now(),
        )
        with self.s.store.write() as session:
            session.add(record)
        return IssuedToken(raw, record)

    def tokens(self, user: User) -> Sequence[ApiToken]:
        with self.s.store.read() as session:
            return session.scalars(
                select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
            ).all()

    def revoke_token(self, user: User, prefix_or_id: str) -> Revocation:
        """Revoke the user's tokens whose id or shown prefix matches, and end the browser
        sessions they signed in (their live event streams close with them)."""
        now = self.s.clock.now()
        with self.s.store.write() as session:
            rows = session.scalars(
                select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            ).all()
            hits = [
                r
                for r in rows
                if str(r.id) == prefix_or_id
                or r.prefix == prefix_or_id
                or (len(prefix_or_id) >= 8 and str(r.id).startswith(prefix_or_id))
            ]
            for row in hits:
                row.revoked_at = now
        if not hits:
            raise NotFound("token", prefix_or_id)
        from agentcron.service.sessions import SessionService

        ended = SessionService(self.s).end_for_token(user, [r.id for r in hits])
        return Revocation(tokens=len(hits), sessions=ended)

    def token_is_live(self, token_id: uuid.UUID) -> bool:
        """For a long-lived stream: is the token it was opened with still valid?"""
        with self.s.store.read() as session:
            record = session.get(ApiToken, token_id)
        return record is not None and record.revoked_at is None

    def authenticate(self, raw: str) -> User:
        """The user a bearer token belongs to, or Unauthorized (never says which part failed)."""
        return self.authenticate_token(raw).user

    def authenticate_token(self, raw: str) -> TokenHolder:
        """The user and the token record behind a bearer token, or Unauthorized."""
        if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
            raise Unauthorized("invalid token")
        digest = hash_token(raw)
        now = self.s.clock.now()
        with self.s.store.read() as session:
            record = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()
            if (
                record is None
                or record.revoked_at is not None
                or not hmac.compare_digest(record.token_hash, digest)
            ):
                raise Unauthorized("invalid token")
            user = session.get(User, record.user_id)
        if user is None:
            raise Unauthorized("invalid token")
        if record.last_used_at is None or now - record.last_used_at > LAST_USED_RESOLUTION:
            with self.s.store.write() as session:
                session.execute(
                    update(ApiToken).where(ApiToken.id == record.id).values(last_used_at=now)
                )
        return TokenHolder(user, record.id)

    # -- one-time login links -----------------------------------------------------------------

    def issue_login_link(self, user: User) -> str:
        raw = secrets.token_urlsafe(32)
        with self.s.store.write() as session:
            session.add(
                LoginLink(
                    token_hash=hash_token(raw),
                    user_id=user.id,
                    expires_at=self.s.clock.now()
                    + timedelta(seconds=self.s.settings.login_link_ttl_s),
                )
            )
        return raw

    def redeem_login_link(self, raw: str) -> User:
        """The user a one-time link signs in; the link works once, even when two browsers
        open it at the same moment (the conditional update lets exactly one through)."""
        now = self.s.clock.now()
        digest = hash_token(raw)
        with self.s.store.write() as session:
            taken = session.execute(
                update(LoginLink)
                .where(
                    LoginLink.token_hash == digest,
                    LoginLink.used_at.is_(None),
                    LoginLink.expires_at >= now,
                )
                .values(used_at=now)
                .returning(LoginLink.user_id)
            ).first()
            user = session.get(User, taken[0]) if taken is not None else None
        if user is None:
            raise Unauthorized("this sign-in link is invalid, used or expired")
        return user
