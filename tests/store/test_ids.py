"""Execution and attempt ids: valid version-7 UUIDs, unique, ordered by their millisecond."""

from __future__ import annotations

from agentcron.store.ids import TimeOrderedIds


def test_ids_are_unique_version_7_uuids_in_time_order() -> None:
    new_id = TimeOrderedIds(batch=16)
    ids = [new_id() for _ in range(2000)]  # crosses many refills of the random pool
    assert len(set(ids)) == len(ids)
    assert all(i.version == 7 and i.variant == "specified in RFC 4122" for i in ids)
    millis = [i.int >> 80 for i in ids]
    assert millis == sorted(millis)
