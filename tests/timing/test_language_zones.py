"""Zones said in words: abbreviations, regions, cities, "local time"; never left in the command.

Every zone word becomes an IANA zone that follows its place's daylight saving, and
the parsed sentence carries a note of how the word was read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentcron.timing.language import parse_sentence, to_json
from agentcron.timing.language.zonenames import (
    ABBREVIATIONS,
    NOT_CITIES,
    REGIONS,
    WEAK_ABBREVIATIONS,
)
from tests.support.sentences import NOW, refused, schedule

# (sentence, command, schedule, a fragment of the note)
ROWS: list[tuple[str, str, str, str]] = [
    # --- the three misreads
    (
        "@ann send the report every friday at 5pm PT",
        "@ann send the report",
        "cron 0 17 * * 5 America/Los_Angeles",
        '"PT" read as Pacific time, America/Los_Angeles (follows daylight saving)',
    ),
    (
        "@ann send the report at 6pm CET",
        "@ann send the report",
        "cron 0 18 * * * Europe/Berlin",
        '"CET" read as Central European time',
    ),
    (
        "@ann send the report at 9am EST",
        "@ann send the report",
        "cron 0 9 * * * America/New_York",
        '"EST" read as Eastern time, America/New_York (follows daylight saving)',
    ),
    # --- abbreviations: standard and daylight names mean the region's local time
    ("@ann sync at 9am PST", "@ann sync", "cron 0 9 * * * America/Los_Angeles", '"PST"'),
    ("@ann sync at 9am PDT", "@ann sync", "cron 0 9 * * * America/Los_Angeles", '"PDT"'),
    ("@ann sync at 9am MT", "@ann sync", "cron 0 9 * * * America/Denver", "Mountain time"),
    ("@ann sync at 9am MST", "@ann sync", "cron 0 9 * * * America/Denver", '"MST"'),
    ("@ann sync at 9am MDT", "@ann sync", "cron 0 9 * * * America/Denver", '"MDT"'),
    ("@ann sync at 9am CT", "@ann sync", "cron 0 9 * * * America/Chicago", "Central time"),
    ("@ann sync at 9am CST", "@ann sync", "cron 0 9 * * * America/Chicago", '"CST"'),
    ("@ann sync at 9am CDT", "@ann sync", "cron 0 9 * * * America/Chicago", '"CDT"'),
    ("@ann sync at 9am ET", "@ann sync", "cron 0 9 * * * America/New_York", '"ET"'),
    ("@ann sync at 9am EDT", "@ann sync", "cron 0 9 * * * America/New_York", '"EDT"'),
    ("@ann sync at 9am GMT", "@ann sync", "cron 0 9 * * *", '"GMT" read as UTC'),
    ("@ann sync at 9am UTC", "@ann sync", "cron 0 9 * * *", ""),
    ("@ann sync at 09:00Z", "@ann sync", "cron 0 9 * * *", '"Z" read as UTC'),
    ("@ann sync at 0900Z", "@ann sync", "cron 0 9 * * *", '"Z" read as UTC'),
    ("@ann sync at 9am BST", "@ann sync", "cron 0 9 * * * Europe/London", "UK time"),
    ("@ann sync at 9am CEST", "@ann sync", "cron 0 9 * * * Europe/Berlin", '"CEST"'),
    ("@ann sync at 9am EET", "@ann sync", "cron 0 9 * * * Europe/Athens", "Eastern European"),
    ("@ann sync at 9am JST", "@ann sync", "cron 0 9 * * * Asia/Tokyo", "no daylight saving"),
    ("@ann sync at 9am AEST", "@ann sync", "cron 0 9 * * * Australia/Sydney", '"AEST"'),
    ("@ann sync at 9am AEDT", "@ann sync", "cron 0 9 * * * Australia/Sydney", '"AEDT"'),
    ("@ann sync at 9am HST", "@ann sync", "cron 0 9 * * * Pacific/Honolulu", "Hawaii"),
    ("@ann sync at 9am NZDT", "@ann sync", "cron 0 9 * * * Pacific/Auckland", "New Zealand"),
    ("@ann sync at 9am SGT", "@ann sync", "cron 0 9 * * * Asia/Singapore", "Singapore"),
    ("@ann sync at 9 a.m. PT on weekdays", "@ann sync", "cron 0 9 * * 1-5 America/Los_Angeles", ""),
    ("@ann sync at 9am ET time", "@ann sync", "cron 0 9 * * * America/New_York", '"ET time"'),
    # --- region and country words
    ("@ann sync at 9am Pacific", "@ann sync", "cron 0 9 * * * America/Los_Angeles", '"Pacific"'),
    ("@ann sync at noon Eastern", "@ann sync", "cron 0 12 * * * America/New_York", "Eastern"),
    ("@ann sync at 9am Central", "@ann sync", "cron 0 9 * * * America/Chicago", "Central"),
    ("@ann sync at 9am Mountain", "@ann sync", "cron 0 9 * * * America/Denver", "Mountain"),
    ("@ann sync at 9am Pacific time", "@ann sync", "cron 0 9 * * * America/Los_Angeles", ""),
    ("@ann sync at 9am Eastern Time", "@ann sync", "cron 0 9 * * * America/New_York", ""),
    (
        "@ann sync at 9am Eastern Standard Time",
        "@ann sync",
        "cron 0 9 * * * America/New_York",
        "follows daylight saving",
    ),
    (
        "@ann sync at 9am Pacific Daylight Time",
        "@ann sync",
        "cron 0 9 * * * America/Los_Angeles",
        "",
    ),
    ("@ann sync at 9am Central European Time", "@ann sync", "cron 0 9 * * * Europe/Berlin", ""),
    ("@ann sync at 9am Eastern European time", "@ann sync", "cron 0 9 * * * Europe/Athens", ""),
    ("@ann sync at 9am UK time", "@ann sync", "cron 0 9 * * * Europe/London", "UK time"),
    ("@ann sync at 9am India time", "@ann sync", "cron 0 9 * * * Asia/Kolkata", "India time"),
    ("@ann sync at 9am Indian Standard Time", "@ann sync", "cron 0 9 * * * Asia/Kolkata", ""),
    ("@ann sync at 9am Japan time", "@ann sync", "cron 0 9 * * * Asia/Tokyo", ""),
    ("@ann sync at 9am German time", "@ann sync", "cron 0 9 * * * Europe/Berlin", ""),
    # --- cities: "<city> time" anywhere near the timing, a bare or "in" city right after a time
    ("@ann sync at 9am Berlin time", "@ann sync", "cron 0 9 * * * Europe/Berlin", '"Berlin time"'),
    ("@ann sync at 9am London time", "@ann sync", "cron 0 9 * * * Europe/London", ""),
    ("@ann sync at 9am Tokyo time", "@ann sync", "cron 0 9 * * * Asia/Tokyo", ""),
    ("@ann sync at 9am New York time", "@ann sync", "cron 0 9 * * * America/New_York", ""),
    ("@ann sync at 9am Los Angeles time", "@ann sync", "cron 0 9 * * * America/Los_Angeles", ""),
    ("@ann sync at 9am Sao Paulo time", "@ann sync", "cron 0 9 * * * America/Sao_Paulo", ""),
    ("@ann sync at 9am Kolkata time", "@ann sync", "cron 0 9 * * * Asia/Kolkata", ""),
    ("@ann sync at 9am Mumbai time", "@ann sync", "cron 0 9 * * * Asia/Kolkata", ""),
    ("@ann sync at 9am NYC time", "@ann sync", "cron 0 9 * * * America/New_York", ""),
    ("@ann sync at 9am SF time", "@ann sync", "cron 0 9 * * * America/Los_Angeles", ""),
    ("@ann sync at 9am Sydney time", "@ann sync", "cron 0 9 * * * Australia/Sydney", ""),
    ("@ann sync at 9am in Paris", "@ann sync", "cron 0 9 * * * Europe/Paris", '"in Paris"'),
    ("@ann sync at 9am São Paulo time", "@ann sync", "cron 0 9 * * * America/Sao_Paulo", ""),
    ("@ann sync at 9am in Zürich", "@ann sync", "cron 0 9 * * * Europe/Zurich", ""),
    ("@ann sync every day at 9am London", "@ann sync", "cron 0 9 * * * Europe/London", ""),
    (
        "@ann check the weather every day at 7am in Paris",
        "@ann check the weather",
        "cron 0 7 * * * Europe/Paris",
        "",
    ),
    (
        "@ann every day at 7am Paris time check the weather",
        "@ann check the weather",
        "cron 0 7 * * * Europe/Paris",
        "",
    ),
    # --- IANA names anywhere, as before
    ("@ann sync at 9am in America/Chicago", "@ann sync", "cron 0 9 * * * America/Chicago", ""),
    ("@ann sync at 9am (Asia/Tokyo)", "@ann sync", "cron 0 9 * * * Asia/Tokyo", ""),
    # --- where the zone stands
    (
        "every Monday at 10am PST, @bob review open pull requests",
        "@bob review open pull requests",
        "cron 0 10 * * 1 America/Los_Angeles",
        "",
    ),
    (
        "@alice every weekday at 9am Eastern, check the inbox",
        "@alice check the inbox",
        "cron 0 9 * * 1-5 America/New_York",
        "",
    ),
    (
        "@alice check the inbox at 9am ET every weekday",
        "@alice check the inbox",
        "cron 0 9 * * 1-5 America/New_York",
        "",
    ),
    ("@ann sync at 9am (PT)", "@ann sync", "cron 0 9 * * * America/Los_Angeles", ""),
    ("@ann sync at 9am (Pacific time)", "@ann sync", "cron 0 9 * * * America/Los_Angeles", ""),
    (
        "@ann sync every weekday at 9am in PT",
        "@ann sync",
        "cron 0 9 * * 1-5 America/Los_Angeles",
        "",
    ),
    ("@ann sync every weekday PT at 9am", "@ann sync", "cron 0 9 * * 1-5 America/Los_Angeles", ""),
    (
        "@ann sync every weekday at 9am PT.",
        "@ann sync.",
        "cron 0 9 * * 1-5 America/Los_Angeles",
        "",
    ),
    # --- zones with every kind of schedule
    (
        "@ann call tomorrow at 9am PT",
        "@ann call",
        "once 2026-11-29T17:00:00+00:00 America/Los_Angeles",
        "",
    ),
    (
        "@ann call at 5pm EST tomorrow",
        "@ann call",
        "once 2026-11-29T22:00:00+00:00 America/New_York",
        "",
    ),
    ("@ann poll every 2 hours ET", "@ann poll", "interval 2 hours America/New_York", ""),
    (
        "@ann poll every 30 minutes during business hours ET",
        "@ann poll",
        "cron */30 9-16 * * 1-5 America/New_York",
        "",
    ),
    (
        "@ann pay rent every other friday at 5pm PT",
        "@ann pay rent",
        "interval 14 days from 2026-12-05T01:00:00+00:00 America/Los_Angeles",
        "",
    ),
    (
        "@ann report on the last friday of the month at 4pm CET",
        "@ann report",
        "cron 0 16 * * 5L Europe/Berlin",
        "",
    ),
    (
        "@ann sync every day at 9am PT (Pacific time)",
        "@ann sync",
        "cron 0 9 * * * America/Los_Angeles",
        "",
    ),  # the same zone twice is one zone
    # --- a bare UTC or GMT inside the command stays a word, as before
    ("@eve check UTC logs every day at 9", "@eve check UTC logs", "cron 0 9 * * *", ""),
    ("@eve compare GMT offsets every day at 9", "@eve compare GMT offsets", "cron 0 9 * * *", ""),
    # --- zone-like words that are the command's: not right after a time
    ("@x check the CT scans every day at 9am", "@x check the CT scans", "cron 0 9 * * *", ""),
    (
        "@x check the weather in Paris every day at 7am",
        "@x check the weather in Paris",
        "cron 0 7 * * *",
        "",
    ),
    (
        "@x post to the Pacific team channel every day at 9am",
        "@x post to the Pacific team channel",
        "cron 0 9 * * *",
        "",
    ),
    (
        "@x translate the page into zulu every day at 9am",
        "@x translate the page into zulu",
        "cron 0 9 * * *",
        "",
    ),
]

# Sentences with a caller's zone: (zone, sentence, schedule, note fragment)
CONTEXT: list[tuple[str, str, str, str]] = [
    ("Asia/Kolkata", "@ann sync at 9am IST", "cron 0 9 * * * Asia/Kolkata", "India time"),
    ("Asia/Calcutta", "@ann sync at 9am IST", "cron 0 9 * * * Asia/Kolkata", "India time"),
    ("Europe/Dublin", "@ann sync at 9am IST", "cron 0 9 * * * Europe/Dublin", "Irish time"),
    ("Asia/Jerusalem", "@ann sync at 9am IST", "cron 0 9 * * * Asia/Jerusalem", "Israel time"),
    ("Asia/Shanghai", "@ann sync at 9am CST", "cron 0 9 * * * Asia/Shanghai", "China time"),
    ("America/Halifax", "@ann sync at 9am AST", "cron 0 9 * * * America/Halifax", "Atlantic"),
    ("Europe/Berlin", "@ann sync at 9am local time", "cron 0 9 * * * Europe/Berlin", "your zone"),
    ("Asia/Tokyo", "@ann sync at 9am my time", "cron 0 9 * * * Asia/Tokyo", "your zone"),
    ("Europe/Berlin", "@ann sync at 9am PT", "cron 0 9 * * * America/Los_Angeles", '"PT"'),
]

# (sentence, caller's zone, a fragment of the refusal)
REFUSED: list[tuple[str, str, str]] = [
    ("@ann sync at 9am IST", "UTC", "could be India, Irish or Israel time"),
    ("@ann sync at 9am IST", "America/New_York", "name the zone"),
    ("@ann sync at 9am AST", "UTC", "Atlantic or Arabia"),
    ("@ann sync at 9am UTC+2", "UTC", "fixed offset"),
    ("@ann sync at 9am GMT-5", "UTC", "fixed offset"),
    ("@ann sync at 9am in Europe/Berln", "UTC", "not a time zone I know"),
    ("@ann sync at 9am PT every day in Asia/Tokyo", "UTC", "two time zones"),
    ("@ann sync at 9am PT / 12pm ET", "UTC", "two times of day"),
    ("@ann send the PST report every day at 9am", "UTC", '"PST'),
    ("@ann sync every day at 9am, ping the CEST team", "UTC", '"CEST'),
    # a two-letter zone before the timing, where it cannot be read as the zone
    ("@ann in PT, every friday at 5pm send the report", "UTC", '"in PT"'),
    ("@ann PT every friday at 5pm send the report", "UTC", '"PT"'),
    ("@ann check the weather in CT every day at 9am", "UTC", '"in CT"'),
]


@pytest.mark.parametrize(("sentence", "command", "expected", "note"), ROWS)
def test_zone_words_become_iana_zones(
    sentence: str, command: str, expected: str, note: str
) -> None:
    parsed = parse_sentence(sentence, now=NOW)
    assert (parsed.command, schedule(parsed)) == (command, expected)
    assert note in " | ".join(parsed.notes)


@pytest.mark.parametrize(("zone", "sentence", "expected", "note"), CONTEXT)
def test_the_callers_zone_settles_ambiguous_words(
    zone: str, sentence: str, expected: str, note: str
) -> None:
    parsed = parse_sentence(sentence, timezone=zone, now=NOW)
    assert (parsed.command, schedule(parsed)) == ("@ann sync", expected)
    assert note in " | ".join(parsed.notes)


@pytest.mark.parametrize(("sentence", "zone", "fragment"), REFUSED)
def test_zone_words_that_cannot_be_placed_are_refused(
    sentence: str, zone: str, fragment: str
) -> None:
    assert fragment in refused(sentence, timezone=zone)


def test_pacific_time_follows_daylight_saving() -> None:
    """17:00 in Los Angeles is 01:00 UTC in winter and 00:00 UTC in summer: PT is not PST."""
    winter = parse_sentence("@ann report every friday at 5pm PST", now=NOW)
    summer = parse_sentence(
        "@ann report every friday at 5pm PST", now=datetime(2027, 6, 1, tzinfo=UTC)
    )
    assert winter.next_runs[0] == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    assert summer.next_runs[0] == datetime(2027, 6, 5, 0, 0, tzinfo=UTC)
    for parsed in (winter, summer):
        local = [r.astimezone(ZoneInfo("America/Los_Angeles")) for r in parsed.next_runs]
        assert {(r.isoweekday(), r.hour, r.minute) for r in local} == {(5, 17, 0)}


def test_the_note_reaches_the_json() -> None:
    data = to_json(parse_sentence("@ann sync at 9am PT", now=NOW))
    assert data["timezone"] == "America/Los_Angeles"
    assert data["notes"] == [
        '"PT" read as Pacific time, America/Los_Angeles (follows daylight saving)'
    ]


def test_an_iana_name_needs_no_note() -> None:
    assert parse_sentence("@ann sync at 9am Europe/Berlin", now=NOW).notes == []


STRONG = sorted(set(ABBREVIATIONS) - WEAK_ABBREVIATIONS - {"utc", "gmt"})
PLACES = sorted(" ".join(key) for key in REGIONS)


def _same_clock(first: str, second: str) -> bool:
    for month in range(1, 13):
        instant = datetime(2027, month, 15, tzinfo=UTC)
        if (
            instant.astimezone(ZoneInfo(first)).utcoffset()
            != instant.astimezone(ZoneInfo(second)).utcoffset()
        ):
            return False
    return True


@settings(max_examples=150, deadline=None)
@given(
    word=st.sampled_from(sorted(ABBREVIATIONS)),
    case=st.sampled_from([str.upper, str.lower, str.title]),
    position=st.sampled_from(["after the time", "in parentheses", "after in", "at the end"]),
    hour=st.integers(1, 11),
)
def test_every_abbreviation_leaves_the_command_and_sets_its_zone(
    word: str, case: object, position: str, hour: int
) -> None:
    said = case(word)  # type: ignore[operator]
    zone = {
        "after the time": f"at {hour}pm {said} on weekdays",
        "in parentheses": f"at {hour}pm ({said}) on weekdays",
        "after in": f"at {hour}pm in {said} on weekdays",
        "at the end": f"on weekdays at {hour}pm {said}",
    }[position]
    parsed = parse_sentence(f"@alice check the logs {zone}", now=NOW)
    assert parsed.command == "@alice check the logs"
    assert _same_clock(parsed.spec.timezone, ABBREVIATIONS[word][0])
    for run in parsed.next_runs:
        local = run.astimezone(ZoneInfo(parsed.spec.timezone))
        assert (local.hour, local.minute, local.isoweekday() <= 5) == (hour + 12, 0, True)


@settings(max_examples=60, deadline=None)
@given(place=st.sampled_from(PLACES), suffix=st.sampled_from(["time", "Time", "standard time"]))
def test_every_region_with_time_is_a_zone(place: str, suffix: str) -> None:
    parsed = parse_sentence(f"@alice check the logs every day at 8am {place} {suffix}", now=NOW)
    assert parsed.command == "@alice check the logs"
    assert parsed.spec.timezone == REGIONS[tuple(place.split())][0]
    assert parsed.notes and place in parsed.notes[0].lower()


def _cities() -> list[tuple[str, str]]:
    import zoneinfo

    found = []
    for name in sorted(zoneinfo.available_timezones()):
        region, _, city = name.partition("/")
        spoken = city.replace("_", " ")
        known = region in ("Europe", "Asia", "America", "Africa", "Australia") and "/" not in city
        if known and spoken.split()[0].lower() not in NOT_CITIES:  # not everyday words
            found.append((spoken, name))
    return found


@settings(max_examples=120, deadline=None)
@given(city=st.sampled_from(_cities()), lead=st.sampled_from(["{} time", "in {}", "({} time)"]))
def test_any_iana_city_by_its_last_part_is_its_zone(city: tuple[str, str], lead: str) -> None:
    name, zone = city
    parsed = parse_sentence(f"@alice check the logs every day at 7am {lead.format(name)}", now=NOW)
    assert parsed.command == "@alice check the logs"
    assert _same_clock(parsed.spec.timezone, zone)
    local = parsed.next_runs[0].astimezone(ZoneInfo(zone))
    assert (local.hour, local.minute) == (7, 0)


@settings(max_examples=80, deadline=None)
@given(word=st.sampled_from(STRONG), where=st.sampled_from(["start", "middle"]))
def test_a_zone_abbreviation_is_never_left_in_the_command(word: str, where: str) -> None:
    """Away from the timing it cannot be read as the zone; it is refused, not kept."""
    sentence = (
        f"@alice {word.upper()} check the logs every day at 9am"
        if where == "start"
        else f"@alice check the {word.upper()} logs every day at 9am"
    )
    message = refused(sentence)
    assert word.upper() in message
