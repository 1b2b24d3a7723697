"""The web layer's pure parts: text shown to people, chart geometry, the schedule form and
the session cookie codec."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from starlette.requests import Request
from starlette.responses import Response

from agentcron.auth.sessions import SessionCookies, csrf_matches
from agentcron.errors import Problem
from agentcron.web import text
from agentcron.web.charts import Datum, bar_chart, nice_ceiling, sparse_ticks
from agentcron.web.forms import draft_from, read_form
from agentcron.web.routing import safe_next

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text", "plain text"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("\x1b[31mred\x1b[0m", "\u241b[31mred\u241b[0m"),
        ("nul\x00bell\x07del\x7f", "nul\u2400bell\u2407del\u2421"),
        ("abc\u202edcba", "abc\u27e8U+202E\u27e9dcba"),
        ("zero\u200bwidth", "zero\u27e8U+200B\u27e9width"),
        ("c1\x85control", "c1\u27e8U+0085\u27e9control"),
        ("emoji 🙂 and ünïcode", "emoji 🙂 and ünïcode"),
    ],
)
def test_visible_shows_control_characters_instead_of_obeying_them(raw: str, shown: str) -> None:
    assert text.visible(raw) == shown


def test_one_line_flattens_and_shortens() -> None:
    assert text.one_line("a\n\n b\tc") == "a b c"
    assert text.one_line("x" * 200, 10) == "x" * 9 + "…"
    assert text.one_line(None) == ""


def test_without_handle_drops_only_the_leading_handle() -> None:
    assert text.without_handle("@alice check models", "alice") == "check models"
    assert text.without_handle("@Alice, check", "alice") == "check"
    assert text.without_handle("@alicex check", "alice") == "@alicex check"
    assert text.without_handle("ask @alice", "alice") == "ask @alice"
    assert text.without_handle("@alice", "alice") == "@alice"


@pytest.mark.parametrize(
    ("delta", "said"),
    [
        (timedelta(seconds=0.4), "now"),
        (timedelta(seconds=42), "in 42 s"),
        (timedelta(minutes=12, seconds=5), "in 12 min"),
        (timedelta(hours=3), "in 3 h"),
        (timedelta(hours=3, minutes=5), "in 3 h 5 min"),
        (timedelta(days=2, hours=4), "in 2 d 4 h"),
        (-timedelta(minutes=5), "5 min ago"),
    ],
)
def test_relative_times(delta: timedelta, said: str) -> None:
    assert text.relative(NOW + delta, NOW) == said


def test_local_times_are_in_the_viewers_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert text.local(NOW, berlin, NOW) == "13:00"
    assert text.local(NOW + timedelta(days=1), berlin, NOW) == "Tue 13:00"
    assert text.local(NOW + timedelta(days=30), berlin, NOW) == "1 Apr 14:00"  # summer time
    assert text.local(NOW + timedelta(days=400), berlin, NOW) == "6 Apr 2027 14:00"
    assert text.local_full(NOW, berlin) == "Mon 2 Mar 2026 13:00:00 CET"
    assert text.day_time(NOW, ZoneInfo("America/New_York")) == "Mon 2 Mar 07:00"


def test_durations_and_numbers() -> None:
    assert text.duration_ms(None) == "—"
    assert text.duration_ms(350) == "350 ms"
    assert text.duration_ms(1250) == "1.2 s"
    assert text.duration_ms(125_000) == "2 min"
    assert text.number(12345) == "12,345"
    assert text.percent(0.937) == "94%" and text.percent(None) == "—"


def test_nice_axis_maxima() -> None:
    assert [nice_ceiling(v) for v in (0, 0.3, 1, 7, 12, 2300, 5001)] == [
        1,
        0.5,
        1,
        10,
        20,
        5000,
        10000,
    ]


def test_sparse_ticks_keep_ends_and_spread() -> None:
    assert sparse_ticks(3) == {0, 1, 2}
    ticks = sparse_ticks(50, 6)
    assert 0 in ticks and 49 in ticks and len(ticks) <= 7
    assert all(b - a > 4 for a, b in zip(sorted(ticks), sorted(ticks)[1:], strict=False))


def test_bar_chart_scales_to_a_readable_maximum() -> None:
    chart = bar_chart(
        "Tokens",
        "three runs",
        [Datum(100, "a", "one"), Datum(0, "b", "two"), Datum(350, "c", "three", tick="Mon")],
    )
    assert [t.label for t in chart.y_ticks] == ["0", "250", "500"]
    first, empty, tall = chart.bars
    assert tall.height > first.height > 0 and empty.height == 0
    assert tall.y + tall.height == chart.baseline
    assert chart.bars[0].x < chart.bars[1].x < chart.bars[2].x
    assert [t.label for t in chart.x_ticks] == ["Mon"]
    assert bar_chart("Empty", "nothing", []).empty


def test_one_run_is_a_bar_not_a_wall() -> None:
    chart = bar_chart("Duration", "one run", [Datum(1200, "st-success", "one")], y_label="ms")

    [bar] = chart.bars
    assert bar.width <= 22 < (chart.right - chart.left) / 4
    assert abs((bar.x + bar.width / 2) - (chart.left + chart.right) / 2) < 0.01


def test_a_flat_zero_series_says_so_instead_of_drawing_an_axis() -> None:
    zeros = [Datum(0, "tokens", f"run {i}") for i in range(5)]

    flat = bar_chart("Tokens", "five runs", zeros, when_flat="No tokens reported")

    assert flat.empty and flat.note == "No tokens reported" and not flat.y_ticks
    assert not bar_chart("Tokens", "five runs", zeros).empty  # without a note: drawn


@pytest.mark.parametrize(
    ("top", "labels"),
    [
        (400, ["0 ms", "250 ms", "500 ms"]),
        (800, ["0 s", "0.5 s", "1 s"]),
        (2300, ["0 s", "2.5 s", "5 s"]),
        (95_000, ["0 min", "1 min", "2 min"]),
    ],
)
def test_a_duration_axis_uses_one_unit(top: float, labels: list[str]) -> None:
    chart = bar_chart("Duration", "runs", [Datum(top, "st-success", "x")], y_label="ms")

    assert [t.label for t in chart.y_ticks] == labels


def test_the_form_reads_each_mode_into_a_draft() -> None:
    sentence, problems = draft_from(
        read_form(
            {
                "mode": "sentence",
                "text": " @alice x every day at 9am ",
                "timezone": "UTC",
                "enabled": "on",
                "misfire_grace_s": "60",
                "max_retries": "",
                "overlap": "allow",
            }
        )
    )
    assert not problems
    assert sentence.text == "@alice x every day at 9am" and sentence.command_text is None
    assert (
        sentence.enabled is True and sentence.misfire_grace_s == 60 and sentence.max_retries is None
    )

    once, problems = draft_from(
        read_form(
            {
                "mode": "once",
                "command_text": "@bob x",
                "run_at": "2026-12-24T09:00",
                "timezone": "Europe/Berlin",
            }
        )
    )
    assert not problems and once.schedule_type == "once"
    assert once.run_at is not None and once.run_at.astimezone(UTC).hour == 8
    assert once.enabled is False  # an unticked checkbox is not sent

    bad, problems = draft_from(
        read_form({"mode": "interval", "interval_value": "ten", "timeout_s": "1e3"})
    )
    assert {p.field for p in problems} == {"interval_value", "timeout_s"}
    assert bad.interval_value is None


def test_problems_land_beside_the_fields_a_person_can_see() -> None:
    form = read_form({"mode": "sentence", "text": "x"})
    form.add(
        [
            Problem("cron_expression", "too often"),
            Problem("timezone", "unknown"),
            Problem("key", "taken"),
        ]
    )
    assert [p.message for p in form.errors["text"]] == ["too often"]
    assert "timezone" in form.errors and [p.field for p in form.general] == ["key"]
    structured = read_form({"mode": "cron"})
    structured.add([Problem("cron_expression", "too often"), Problem("schedule_type", "bad")])
    assert "cron_expression" in structured.errors and "mode" in structured.errors
    assert read_form({"mode": "weird"}).mode == "sentence"


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/schedules?agent=bob", "/schedules?agent=bob"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("", "/"),
        ("/a\r\nb", "/"),
    ],
)
def test_safe_next(target: str, safe: str) -> None:
    assert safe_next(target) == safe


def _request(cookie: str = "") -> Request:
    headers = [(b"cookie", cookie.encode())] if cookie else []
    return Request(
        {"type": "http", "method": "GET", "path": "/", "headers": headers, "query_string": b""}
    )


def test_session_cookies_round_trip_and_refuse_tampering() -> None:
    cookies = SessionCookies("k" * 40, max_age_s=3600, secure=False)
    session = cookies.signed_in_as("s" * 43)
    response = Response()
    cookies.write(response, session)
    header = response.headers["set-cookie"]
    assert "HttpOnly" in header and "SameSite=lax" in header and "Path=/" in header
    value = header.split(";")[0].split("=", 1)[1]
    read = cookies.read(_request(f"agentcron_session={value}"))
    assert read == session and read is not None and read.signed_in
    # Tampered in the middle of the signature: its last characters carry padding bits.
    mark = value.rindex(".") + 5
    flipped = value[:mark] + ("A" if value[mark] != "A" else "B") + value[mark + 1 :]
    assert cookies.read(_request(f"agentcron_session={flipped}")) is None
    other_key = SessionCookies("z" * 40, max_age_s=3600, secure=False)
    assert other_key.read(_request(f"agentcron_session={value}")) is None
    assert cookies.read(_request()) is None


def test_secure_cookies_use_the_host_prefix() -> None:
    cookies = SessionCookies("k" * 40, max_age_s=60, secure=True)
    response = Response()
    cookies.write(response, cookies.anonymous())
    header = response.headers["set-cookie"]
    assert header.startswith("__Host-agentcron_session=") and "Secure" in header


def test_csrf_tokens_match_only_their_session() -> None:
    one, two = SessionCookies.anonymous(), SessionCookies.anonymous()
    assert one.csrf != two.csrf and len(one.csrf) >= 32
    assert csrf_matches(one, one.csrf)
    assert not csrf_matches(one, two.csrf)
    assert not csrf_matches(one, "") and not csrf_matches(None, one.csrf)
