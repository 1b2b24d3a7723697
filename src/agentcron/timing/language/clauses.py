"""Finding the timing clauses in a sentence, wherever they stand.

Left to right, every matcher is tried at every token and the longest match wins
(the first listed on a tie); the words no clause takes are the command. Each
clause found is recorded on the view (`Words.ended`), so a matcher for words that
are timing only beside other timing ("5pm PT", "every hour 9-5") can ask.
"""

from __future__ import annotations

from agentcron.timing.language.counts import match_count, match_once
from agentcron.timing.language.dates import (
    match_date,
    match_month_days,
    match_nth_weekdays,
    match_relative_day,
)
from agentcron.timing.language.days import (
    match_daily,
    match_except,
    match_marker,
    match_weekdays,
    match_weeks_apart,
)
from agentcron.timing.language.facts import Clause
from agentcron.timing.language.lexicon import Kind
from agentcron.timing.language.marks import (
    match_minute_mark,
    match_month_edge,
    match_odd_days,
    match_part_of_day,
    match_start,
)
from agentcron.timing.language.months import match_months, match_quarterly
from agentcron.timing.language.spans import match_every, match_offset
from agentcron.timing.language.times_of_day import (
    match_business_hours,
    match_hour_window,
    match_times,
)
from agentcron.timing.language.words import Match, Matcher, Words
from agentcron.timing.language.zonewords import match_zone

MATCHERS: tuple[Matcher, ...] = (
    match_offset,
    match_every,
    match_count,
    match_once,
    match_daily,
    match_marker,
    match_quarterly,
    match_relative_day,
    match_date,
    match_weeks_apart,
    match_nth_weekdays,
    match_month_days,
    match_weekdays,
    match_months,
    match_odd_days,
    match_month_edge,
    match_except,
    match_business_hours,
    match_hour_window,
    match_minute_mark,
    match_times,
    match_part_of_day,
    match_start,
    match_zone,
)


def find_clauses(w: Words) -> list[Clause]:
    clauses: list[Clause] = []
    i = 0
    while i < len(w):
        if w.tokens[i].kind is Kind.QUOTED:
            i += 1
            continue
        best: Match | None = None
        for matcher in MATCHERS:
            found = matcher(w, i)
            if found and found[0] > i and (best is None or found[0] > best[0]):
                best = found
        if best is None:
            i += 1
            continue
        end, fact = best
        clauses.append(Clause(i, end, w.text(i, end), fact))
        w.ended[end] = fact
        i = end
    return clauses
