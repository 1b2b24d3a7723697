"""A dedicated PostgreSQL connection for LISTEN/NOTIFY: the SQL of the cross-instance event
relay (`engine.pgnotify`), which decides what to send and what to do with what arrives.

Outside SQLAlchemy's pool on purpose: a listening connection is held for the life of the
process and must be in autocommit mode, or notifications wait for a transaction to end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url

_CHANNEL_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def libpq_url(sqlalchemy_url: str) -> str:
    return (
        make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


class NotifyChannel:
    """One autocommit connection: send notifications in batches, or listen for them."""

    def __init__(self, connection: psycopg.Connection[tuple[object, ...]]) -> None:
        self._conn = connection

    @classmethod
    @contextmanager
    def connect(cls, url: str, *, timeout_s: int = 5) -> Iterator[NotifyChannel]:
        with psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=timeout_s) as conn:
            yield cls(conn)

    def notify(self, channels: Sequence[str], payloads: Sequence[str]) -> None:
        """Send each payload on its channel, all in one round trip."""
        self._conn.execute(
            "SELECT pg_notify(channel, payload) "
            "FROM unnest(%b::text[], %b::text[]) AS sent(channel, payload)",
            (list(channels), list(payloads)),
        )

    def listen(self, channel: str) -> None:
        self._conn.execute(f"LISTEN {_checked(channel)}")

    def unlisten(self, channel: str) -> None:
        self._conn.execute(f"UNLISTEN {_checked(channel)}")

    def received(self, timeout_s: float) -> Iterator[str]:
        """Payloads that arrive within `timeout_s` (returns early when none is waiting)."""
        for note in self._conn.notifies(timeout=timeout_s):
            yield note.payload


def _checked(channel: str) -> str:
    """Channel names are ours, never a user's; still, only plain identifiers reach SQL."""
    if not _CHANNEL_NAME.match(channel):
        raise ValueError(f"not a channel name: {channel!r}")
    return channel
