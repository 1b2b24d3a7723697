"""How many live event streams may be open at once: per user, per client address, in all.

A stream (`/api/events`, `/ui/events`) holds a connection for as long as it is open, and
the server serves a fixed number of connections (beyond them, 503 for everything, health
checks included). One user with a thousand tabs, or a script that never closes what it
opens, must not take them all: each stream takes a `StreamPass` from the one `StreamGate`
both faces share, and gives it back when it ends. The caps are settings; their sum stays
below the server's connection limit, so pages, API calls and `/readyz` keep a reserve.

In process memory, like the rate limits: each instance guards its own connections.
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter

from agentcron.errors import RateLimited

# A refused stream is told to try again after this long: a stream ends when its tab closes,
# so a slot frees up soon or not at all.
RETRY_AFTER_S = 5


class StreamPass:
    """One open stream's place; `close()` gives it back (more than once is harmless). A pass
    dropped without closing is given back when it is collected, so a response that never
    ran cannot keep its place for good."""

    def __init__(self, gate: StreamGate, user: str, address: str) -> None:
        self._finalizer = weakref.finalize(self, gate._release, user, address)

    def close(self) -> None:
        self._finalizer()

    @property
    def open(self) -> bool:
        return self._finalizer.alive


class StreamGate:
    def __init__(self, *, per_user: int, per_address: int, total: int) -> None:
        self.per_user = per_user
        self.per_address = per_address
        self.total = total
        self._users: Counter[str] = Counter()
        self._addresses: Counter[str] = Counter()
        self._open = 0
        self._lock = threading.Lock()

    def enter(self, user: str, address: str) -> StreamPass:
        """A place for one more stream of `user` from `address`, or RateLimited (429)."""
        with self._lock:
            if self._users[user] >= self.per_user:
                why = (
                    f"you have {self._users[user]} live event streams open, the most one "
                    "user may; close a tab or a stream you no longer follow"
                )
            elif self._addresses[address] >= self.per_address:
                why = f"{self._addresses[address]} live event streams are open from your address"
            elif self._open >= self.total:
                why = "the server has as many live event streams open as it serves"
            else:
                self._users[user] += 1
                self._addresses[address] += 1
                self._open += 1
                return StreamPass(self, user, address)
        raise RateLimited(why, RETRY_AFTER_S)

    def _release(self, user: str, address: str) -> None:
        with self._lock:
            self._open -= 1
            self._users[user] -= 1
            if self._users[user] <= 0:
                del self._users[user]
            self._addresses[address] -= 1
            if self._addresses[address] <= 0:
                del self._addresses[address]

    @property
    def open_streams(self) -> int:
        return self._open
