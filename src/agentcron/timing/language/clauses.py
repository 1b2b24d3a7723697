"""Finding the timing clauses in a sentence, wherever they stand.

Left to right, every matcher is tried at every token and the longest match wins
(the first listed on a tie); the words no clause takes are the command.
"""

from __future__ import annotations

import functools
import re
import zoneinfo

from agentcron.timing.language.clock import match_hour_window, match_times
from agentcron.timing.language.dates import (
    match_date,
    match_month_days,
    match_nth_weekdays,
    match_relative_day,
)
from agentcron.timing.language.days import match_daily, match_marker, match_weekdays
from agentcron.timing.language.facts import (
    Clause,
    Daily,
    Monthly,
    Unsupported,
    Weekly,
    Yearly,
    Zone,
)
from agentcron.timing.language.lexicon import Kind
from agentcron.timing.language.spans import match_every, match_offset
from agentcron.timing.language.words import Match, Matcher, Words

MATCHERS: tuple[Matcher, ...] = (
    match_offset,
    match_every,
    match_daily,
    match_marker,
    match_relative_day,
    match_date,
    match_nth_weekdays,
    match_month_days,
    match_weekdays,
    match_hour_window,
    match_times,
)

ZONE_EXAMPLE = "every weekday at 9am in Europe/Berlin"
_REGIONS = frozenset(
    {
        "africa",
        "america",
        "antarctica",
        "arctic",
        "asia",
        "atlantic",
        "australia",
        "brazil",
        "canada",
        "chile",
        "etc",
        "europe",
        "indian",
        "mexico",
        "pacific",
        "us",
    }
)
_FIXED_OFFSET = re.compile(r"(?:utc|gmt)[+-][0-9]{1,2}(?::?[0-9]{2})?")
_PLAIN_ZONES = {"utc": "UTC", "gmt": "GMT"}


@functools.cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def match_zone(w: Words, i: int, *, loose: bool) -> Match | None:
    """ "Europe/Berlin", "in Asia/Tokyo", "(America/New_York)"; "UTC" only where it reads as a zone.

    A bare UTC/GMT counts when led by "in", in parentheses, right after another
    clause or at the very end (`loose`); names without a slash other than these
    are words ("in Japan"), never zones.
    """
    j = w.skip(i, "in", "tz", "timezone")
    led = j > i
    paren = w.at(j) == "("
    j = w.skip(j, "(")
    word = w.at(j)
    name = _zones().get(word) if "/" in word else _PLAIN_ZONES.get(word)
    if name is None:
        if "/" in word and word.split("/")[0] in _REGIONS:
            return _close(w, j + 1, paren), Unsupported(
                f'"{w.tokens[j].text}" is not a time zone I know', ZONE_EXAMPLE
            )
        if _FIXED_OFFSET.fullmatch(word):
            return _close(w, j + 1, paren), Unsupported(
                f'"{w.tokens[j].text}": name the zone instead of a fixed offset', ZONE_EXAMPLE
            )
        return None
    if "/" not in name and not (led or paren or loose):
        return None
    return w.skip(_close(w, j + 1, paren), "time"), Zone(name)


def _close(w: Words, j: int, paren: bool) -> int:
    return w.skip(j, ")") if paren else j


def find_clauses(w: Words) -> list[Clause]:
    clauses: list[Clause] = []
    last_words = [k for k, t in enumerate(w.tokens) if t.kind is Kind.WORD][-1:]
    i, last_end = 0, -1
    while i < len(w):
        if w.tokens[i].kind is Kind.QUOTED:
            i += 1
            continue
        best: Match | None = None
        for matcher in MATCHERS:
            found = matcher(w, i)
            if found and found[0] > i and (best is None or found[0] > best[0]):
                best = found
        loose = i == last_end or i in last_words or (w.at(i) == "(" and i + 1 in last_words)
        zone = match_zone(w, i, loose=loose)
        if zone and (best is None or zone[0] > best[0]):
            best = zone
        if best is None:
            i += 1
            continue
        clauses.append(Clause(i, best[0], w.text(i, best[0]), best[1]))
        i = last_end = best[0]
    return [c for k, c in enumerate(clauses) if not _stray(w, clauses, k)]


def _stray(w: Words, clauses: list[Clause], k: int) -> bool:
    """A lone "weekly" or "daily" inside the command ("send the weekly stats every monday at 9")
    is an adjective, not timing: it counts only beside another clause or at either end."""
    clause = clauses[k]
    if not isinstance(clause.fact, (Daily, Weekly, Monthly, Yearly)) or len(clauses) == 1:
        return False
    before = clauses[k - 1].end if k else 0
    after = clauses[k + 1].start if k + 1 < len(clauses) else len(w)
    return not (
        _only_punctuation(w, before, clause.start, skip_handle=k == 0)
        or _only_punctuation(w, clause.end, after, skip_handle=False)
    )


def _only_punctuation(w: Words, start: int, end: int, *, skip_handle: bool) -> bool:
    for token in w.tokens[start:end]:
        if token.kind is Kind.PUNCT or (skip_handle and token.norm.startswith("@")):
            continue
        return False
    return True
