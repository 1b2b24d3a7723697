"""Ids for the rows the engine writes by the thousand: time-ordered UUIDs (version 7).

A random (version 4) primary key sends every insert to a random leaf of the key's index, so
a batch of 1,000 executions dirties about 1,000 index pages on SQLite and PostgreSQL alike.
Version 7 puts the millisecond first: a batch lands on the index's last pages. 74 random
bits per millisecond keep them unique and unguessable; they are still UUIDs (RFC 9562).
"""

from __future__ import annotations

import os
import time
import uuid

_VERSION_7 = 0x7 << 76
_VARIANT = 0b10 << 62
_RAND_B = (1 << 62) - 1


class TimeOrderedIds:
    """Hands out version-7 UUIDs, drawing the random bits from the OS a batch at a time (one
    `os.urandom` call costs as much as building several ids). One per claim batch: not
    shared between threads."""

    def __init__(self, batch: int = 256) -> None:
        self._batch = batch
        self._pool = b""
        self._offset = 0

    def __call__(self) -> uuid.UUID:
        if self._offset >= len(self._pool):
            self._pool = os.urandom(10 * self._batch)
            self._offset = 0
        rand = int.from_bytes(self._pool[self._offset : self._offset + 10], "big")
        self._offset += 10
        millis = time.time_ns() // 1_000_000
        rand_a = (rand >> 62) & 0xFFF
        return uuid.UUID(int=(millis << 80) | _VERSION_7 | rand_a << 64 | _VARIANT | rand & _RAND_B)
