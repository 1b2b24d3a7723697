"""Helpers for the sentence tables: one spelling of a parsed schedule, and refusals checked whole.

`NOW` is Saturday 2026-11-28 12:00 UTC (04:00 in Los Angeles, 07:00 in New York,
13:00 in Berlin, 21:00 in Tokyo). A schedule is written "cron <expr>",
"interval <n> <unit>" (elapsed, from now), "interval <n> days from <first fire>",
or "once <UTC instant>", followed by its zone unless it is UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from agentcron.timing.language import ParsedSentence, SentenceNotUnderstood, parse_sentence

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
EXAMPLE = re.compile(r'; e\.g\. "(.+)"$')


def schedule(parsed: ParsedSentence) -> str:
    spec = parsed.spec
    if spec.cron_expression is not None:
        text = f"cron {spec.cron_expression}"
    elif spec.interval_value is not None:
        assert spec.interval_unit is not None and spec.anchor is not None
        text = f"interval {spec.interval_value} {spec.interval_unit.value}"
        if spec.interval_unit.value == "days":  # anchored at its first fire, not at now
            text += f" from {spec.anchor.isoformat()}"
    else:
        assert spec.run_at is not None
        text = f"once {spec.run_at.isoformat()}"
    return text if spec.timezone == "UTC" else f"{text} {spec.timezone}"


def refused(sentence: str, *, timezone: str = "UTC", now: datetime = NOW) -> str:
    """The refusal's message, after checking its shape: one line, and an example that works."""
    with pytest.raises(SentenceNotUnderstood) as caught:
        parse_sentence(sentence, timezone=timezone, now=now)
    message = caught.value.message
    assert "\n" not in message
    example = EXAMPLE.search(message)
    assert example, message
    parse_sentence(example.group(1), timezone=timezone, now=now)
    return message
