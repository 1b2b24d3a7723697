"""Bounding what agents say, and reading what they report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from agentcron.agents import AgentContext, AgentResult
from agentcron.agents.deps import AgentDeps
from agentcron.agents.echo import EchoAgent
from agentcron.agents.results import (
    OUTPUT_LIMIT,
    SUMMARY_LIMIT,
    HeadTail,
    bound_text,
    bounded,
    first_line,
    last_line,
    redact,
)
from agentcron.agents.settings import EchoSettings


def test_short_text_is_kept_whole() -> None:
    assert bound_text("héllo") == "héllo"


def test_long_text_keeps_head_and_tail_within_the_byte_limit() -> None:
    text = "start " + "é" * 100_000 + " end"

    kept = bound_text(text)

    assert len(kept.encode()) <= OUTPUT_LIMIT
    assert kept.startswith("start éé")
    assert kept.endswith("éé end")
    assert "bytes omitted" in kept


def test_head_tail_collects_a_stream_in_any_chunks() -> None:
    sink = HeadTail(limit=1000)
    for _ in range(500):
        sink.feed(b"0123456789")

    text = sink.text()

    assert len(text.encode()) <= 1000
    assert text.startswith("0123456789" * 40)
    assert text.endswith("0123456789" * 40)
    assert "[… 4" in text


def test_head_tail_keeps_short_streams_exactly() -> None:
    sink = HeadTail()
    for chunk in (b"one\n", b"two\n", "thr\u00e9e".encode()):
        sink.feed(chunk)

    assert sink.text() == "one\ntwo\nthrée"


def test_summary_lines_are_short_and_not_blank() -> None:
    assert first_line("\n\n  first  \nsecond") == "first"
    assert last_line("first\nlast\n\n") == "last"
    assert len(first_line("x" * 10_000)) == SUMMARY_LIMIT
    assert first_line("") == ""


def test_bounded_derives_a_summary_from_output() -> None:
    result = bounded(AgentResult(output="line one\nline two", tokens_used=3))

    assert (result.summary, result.output, result.tokens_used) == (
        "line one",
        "line one\nline two",
        3,
    )


def test_redact_blanks_every_secret() -> None:
    assert redact("key sk-1 and sk-2", ["sk-1", "", "sk-2"]) == "key *** and ***"


@pytest.mark.anyio
async def test_echo_answers_with_the_instruction(context: Callable[..., AgentContext]) -> None:
    echo = EchoAgent("alice", EchoSettings(), AgentDeps())

    result = await echo.run(context("@Alice: check deprecated models\nplease", handle="alice"))

    assert result == AgentResult(
        summary="check deprecated models", output="check deprecated models\nplease"
    )


@pytest.mark.parametrize(
    ("command", "instruction"),
    [
        ("@alice check it", "check it"),
        ("  @ALICE, check it ", "check it"),
        ("@alice2 check it", "@alice2 check it"),
        ("check it", "check it"),
        ("ask @alice later", "ask @alice later"),
    ],
)
def test_instruction_drops_only_the_leading_own_handle(
    command: str, instruction: str, context: Callable[..., AgentContext]
) -> None:
    assert context(command, handle="alice").instruction == instruction


@pytest.mark.anyio
async def test_echo_reports_its_output_as_it_answers(context: Callable[..., AgentContext]) -> None:
    chunks: list[str] = []
    echo = EchoAgent("alice", EchoSettings(), AgentDeps())

    result = await echo.run(
        replace(context("@alice ping", handle="alice"), on_output=chunks.append)
    )

    assert chunks == [result.output] == ["ping"]


def test_bounded_keeps_a_short_notify_and_drops_a_blank_one() -> None:
    assert bounded(AgentResult(notify="  look  ")).notify == "look"
    assert bounded(AgentResult(notify="   ")).notify is None
    assert len(bounded(AgentResult(notify="x" * 5000)).notify or "") == 2000
