"""The stream gate: places per user, per address and in all, given back however a stream ends."""

from __future__ import annotations

import gc

import pytest

from agentcron.errors import RateLimited
from agentcron.service.streams import StreamGate


def test_each_cap_refuses_with_its_own_reason() -> None:
    gate = StreamGate(per_user=2, per_address=3, total=4)
    held = [gate.enter("ann", "10.0.0.1"), gate.enter("ann", "10.0.0.2")]

    with pytest.raises(RateLimited, match="the most one user may") as by_user:
        gate.enter("ann", "10.0.0.3")
    held += [gate.enter("bob", "10.0.0.1"), gate.enter("cy", "10.0.0.1")]
    with pytest.raises(RateLimited, match="from your address"):
        gate.enter("dee", "10.0.0.1")
    with pytest.raises(RateLimited, match="as it serves"):
        gate.enter("dee", "10.0.0.9")

    assert by_user.value.retry_after_s == 5
    assert gate.open_streams == 4
    held[0].close()
    held[0].close()  # twice is harmless
    assert gate.open_streams == 3
    assert gate.enter("ann", "10.0.0.9").open


def test_a_pass_dropped_without_closing_is_given_back() -> None:
    gate = StreamGate(per_user=1, per_address=1, total=1)
    gate.enter("ann", "10.0.0.1")  # never closed: a response that was never sent
    gc.collect()

    assert gate.open_streams == 0
    assert gate.enter("ann", "10.0.0.1").open
