"""Timing words inside the command: "send the weekly digest every monday at 9am" keeps its digest.

An adjective or noun such as "weekly digest", "nightly build" or "monday standup"
stays in the command when the sentence has its own complete timing phrase; when
the rest needs it, it also says when, and the command still keeps it. Quoted text
stays exactly as written.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentcron.timing.language import parse_sentence
from agentcron.timing.language.adjectives import ADJECTIVES
from tests.support.sentences import NOW, refused, schedule

# (sentence, command, schedule)
ROWS: list[tuple[str, str, str]] = [
    # --- the refusals, with timing phrases of their own
    (
        "@ann send the weekly digest every monday at 9am",
        "@ann send the weekly digest",
        "cron 0 9 * * 1",
    ),
    (
        "@ann check the nightly build every morning at 8",
        "@ann check the nightly build",
        "cron 0 8 * * *",
    ),
    (
        "@ann generate the monthly report on the 1st at 9am",
        "@ann generate the monthly report",
        "cron 0 9 1 * *",
    ),
    (
        "@ann export the hourly metrics every day at 7am",
        "@ann export the hourly metrics",
        "cron 0 7 * * *",
    ),
    (
        "@ann prepare the quarterly review on the first monday of each quarter at 10am",
        "@ann prepare the quarterly review",
        "cron 0 10 * 1,4,7,10 1#1",
    ),
    # --- more of the same kind
    (
        "@ann send weekly digest every monday at 9am",
        "@ann send weekly digest",
        "cron 0 9 * * 1",
    ),
    (
        "@ann send out our weekly newsletter on fridays at 4pm",
        "@ann send out our weekly newsletter",
        "cron 0 16 * * 5",
    ),
    ("@ann run nightly builds at 2am", "@ann run nightly builds", "cron 0 2 * * *"),
    (
        "@ann email my daily summary every weekday at 6pm",
        "@ann email my daily summary",
        "cron 0 18 * * 1-5",
    ),
    (
        "@ann send the daily standup reminder on weekdays at 9:45",
        "@ann send the daily standup reminder",
        "cron 45 9 * * 1-5",
    ),
    (
        "@ann post the weekend forecast every friday at 4pm",
        "@ann post the weekend forecast",
        "cron 0 16 * * 5",
    ),
    (
        "@ann prepare the monday standup notes every sunday at 6pm",
        "@ann prepare the monday standup notes",
        "cron 0 18 * * 0",
    ),
    (
        "@ann review the weekday backlog every morning at 8",
        "@ann review the weekday backlog",
        "cron 0 8 * * *",
    ),
    (
        "@ann draft the yearly budget every october 1st at 9am",
        "@ann draft the yearly budget",
        "cron 0 9 1 10 *",
    ),
    ("@ann list everyday tasks every morning at 8", "@ann list everyday tasks", "cron 0 8 * * *"),
    (
        "@ann send the fortnightly newsletter every other thursday at 10am",
        "@ann send the fortnightly newsletter",
        "interval 14 days from 2026-12-03T10:00:00+00:00",
    ),
    (
        "@ann send weekly updates to the team every friday at 5pm",
        "@ann send weekly updates to the team",
        "cron 0 17 * * 5",
    ),
    (
        "every friday at 5pm @ann compile the weekly metrics",
        "@ann compile the weekly metrics",
        "cron 0 17 * * 5",
    ),
    (
        "@ann send the weekly digest at 9am on mondays PT",
        "@ann send the weekly digest",
        "cron 0 9 * * 1 America/Los_Angeles",
    ),
    # --- the word is needed for the timing too: it says when and stays in the command
    (
        "@ann send the weekly digest on monday at 9am",
        "@ann send the weekly digest",
        "cron 0 9 * * 1",
    ),
    (
        "@ann check the monday report every week at 9",
        "@ann check the monday report",
        "cron 0 9 * * 1",
    ),
    (
        "@ann daily standup reminder at 9:55 on weekdays",
        "@ann daily standup reminder",
        "cron 55 9 * * 1-5",
    ),
    (
        "@ann email the daily summary at 6pm",
        "@ann email the daily summary",
        "cron 0 18 * * *",
    ),  # "daily" names no day: a time alone is daily anyway
    (
        "@ann post the weekend forecast at 4pm",
        "@ann post the weekend forecast",
        "cron 0 16 * * 0,6",
    ),  # the rest names no day, so "weekend" says when, and stays in the command
    # --- timing words as timing, as before
    ("@ann daily, summarize the news at 7", "@ann summarize the news", "cron 0 7 * * *"),
    ("@ann summarize the news daily at 7", "@ann summarize the news", "cron 0 7 * * *"),
    ("@ann review weekly every friday at 5pm", "@ann review", "cron 0 17 * * 5"),
    ("@ann weekly on mondays at 9 send the digest", "@ann send the digest", "cron 0 9 * * 1"),
    # --- quoted text stays as written, zone words and all
    (
        '@ann send "the weekly PST digest" every monday at 9am',
        '@ann send "the weekly PST digest"',
        "cron 0 9 * * 1",
    ),
    (
        '@ann post "every day at 5pm tomorrow" at 9am',
        '@ann post "every day at 5pm tomorrow"',
        "cron 0 9 * * *",
    ),
    (
        "@ann post \u201cthe nightly build failed\u201d every day at 9am",
        '@ann post "the nightly build failed"',
        "cron 0 9 * * *",
    ),
]

REFUSED: list[tuple[str, str]] = [
    # without timing of its own, the word is timing and needs the rest
    ("@ann send the weekly digest", '"weekly" needs a day and a time of day'),
    # a time alone would make a day-naming word daily: which day was meant?
    ("@ann send the weekly digest at 9am", "weekly, but on which day?"),
    ("@ann monday standup at 9am", "could be once or every week"),
    ("@ann generate the monthly report at 9am", "which day of the month"),
    ("@ann check the nightly build", "needs a time of day"),
    ("@ann export the hourly metrics every day at 6", "6 could be 6am or 6pm"),
]


@pytest.mark.parametrize(("sentence", "command", "expected"), ROWS)
def test_timing_words_in_the_command(sentence: str, command: str, expected: str) -> None:
    parsed = parse_sentence(sentence, now=NOW)
    assert (parsed.command, schedule(parsed)) == (command, expected)


@pytest.mark.parametrize(("sentence", "fragment"), REFUSED)
def test_timing_words_without_timing_of_their_own(sentence: str, fragment: str) -> None:
    assert fragment in refused(sentence)


def test_a_word_kept_in_the_command_is_noted() -> None:
    kept = parse_sentence("@ann send the weekly digest every monday at 9am", now=NOW)
    assert kept.notes == [
        '"weekly" in "the weekly digest" is part of the command, not the schedule'
    ]
    both = parse_sentence("@ann send the weekly digest on monday at 9am", now=NOW)
    assert "also says when" in both.notes[0]


NOUNS = ["digest", "report", "build", "summary", "metrics", "review", "standup", "backup"]
TIMINGS = {
    "every monday at 9am": "cron 0 9 * * 1",
    "on the 1st at 8am": "cron 0 8 1 * *",
    "every day at 6pm": "cron 0 18 * * *",
    "every weekday at 7:30am": "cron 30 7 * * 1-5",
    "every 2 hours": "interval 2 hours",
}


@settings(max_examples=150, deadline=None)
@given(
    adjective=st.sampled_from(sorted(ADJECTIVES)),
    noun=st.sampled_from(NOUNS),
    timing=st.sampled_from(sorted(TIMINGS)),
    determiner=st.sampled_from(["the", "our", "my", "a", "their"]),
    first=st.booleans(),
)
def test_an_adjective_before_a_noun_stays_when_the_timing_is_complete(
    adjective: str, noun: str, timing: str, determiner: str, first: bool
) -> None:
    command = f"@ann send {determiner} {adjective} {noun}"
    sentence = f"{timing} {command}" if first else f"{command} {timing}"
    parsed = parse_sentence(sentence, now=NOW)
    assert parsed.command == command
    assert schedule(parsed) == TIMINGS[timing]
