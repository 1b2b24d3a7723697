"""The command is what the timing clauses leave behind; timing-like leftovers are suspects.

Rebuilding keeps the user's words and their order, tidies the spaces, and drops
the commas and colons that only separated the command from the timing phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agentcron.timing.language.lexicon import (
    MONTHS,
    NUMBER_WORDS,
    ORDINAL,
    PERIODS,
    UNITS,
    WEEKDAY_NAMES,
    Kind,
    Token,
    number,
    ordinal,
    weekday,
)
from agentcron.timing.language.words import Words
from agentcron.timing.language.zonenames import ABBREVIATIONS, AMBIGUOUS, WEAK_ABBREVIATIONS

HANDLE = re.compile(r"@([a-z0-9][a-z0-9_.-]{0,62})")
_SEPARATORS = frozenset({",", ";", ":", "-"})
_CLOSERS = frozenset(".!?)")
_JOINERS = frozenset({"and", "or", "&"})
_SEASONS = frozenset({"summer", "winter", "spring", "autumn", "fall"})
_SEASON_ENDS = frozenset({"", ",", ".", ";", "!", "at", "on", "every", "each", "and", "only"})
_TIMING_WORDS = (
    frozenset(
        {
            "tomorrow",
            "tmrw",
            "tonight",
            "daily",
            "hourly",
            "fortnightly",
            "weekly",
            "monthly",
            "yearly",
            "annually",
            "nightly",
            "everyday",
            "noon",
            "midday",
            "midnight",
            "o'clock",
            "oclock",
            "weekday",
            "weekdays",
            "weekend",
            "weekends",
            "workday",
            "workdays",
            "quarterly",
            "biweekly",
            "bi-weekly",
            "bimonthly",
            "bi-monthly",
            "semimonthly",
            "semi-monthly",
            "semiweekly",
            "semi-weekly",
            "twice",
            "thrice",
            "yesterday",
            "overnight",
        }
    )
    # "UTC logs", "GMT offset": words people use in commands; other zone abbreviations
    # left over would leave a zone in the command, so they are suspects.
    | ((frozenset(ABBREVIATIONS) | frozenset(AMBIGUOUS)) - WEAK_ABBREVIATIONS - {"utc", "gmt"})
    | frozenset(WEEKDAY_NAMES)
    | frozenset(f"{day}s" for day in WEEKDAY_NAMES)
)
_TIMEISH = re.compile(
    r"[0-9]{1,2}(?:[:.][0-9]{2})?[ap]\.?m\.?"  # 5pm, 9:30am
    r"|[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?"  # 17:30
    r"|[0-9]{1,2}h[0-9]{0,2}"  # 21h, 7h30
    r"|[0-9]{1,4}(?:s|secs?|m|mn|mins?|hrs?|d|wks?)"  # 30s, 30m, 10min, 2d
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\S{0,20}"  # 2026-12-24T09:00
)
_NUMERIC_DATE = re.compile(
    r"[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})?|[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2,4}"
)
_CONNECTORS = frozenset({"and", "or", "then", "to", "on", "at", "in", "the", "a", "an", "also"})
_UNIT_WORDS = frozenset(unit for unit in UNITS if len(unit) > 2)
_AFTER_EVERY = frozenset(
    {
        "other",
        "half",
        "quarter",
        "morning",
        "afternoon",
        "evening",
        "night",
        "day",
        "week",
        "month",
        "year",
        "hour",
        "minute",
        "single",
        "weekday",
        "weekend",
        "workday",
    }
)


def agent_of(tokens: Sequence[Token]) -> str | None:
    """The handle of a leading "@handle", lowercase and without the "@"."""
    if tokens and tokens[0].kind is Kind.WORD:
        found = HANDLE.fullmatch(tokens[0].norm.rstrip(":"))
        if found:
            return found.group(1).rstrip(".")
    return None


_MONTH_LEADS = frozenset(
    {"in", "of", "during", "every", "each", "until", "till", "since", "from", "through", "except"}
)
_DAY_LEADS = frozenset({"on", "before", "after", "by"})
_ADVERBIAL_BEFORE = frozenset(
    {"", ",", "me", "us", "him", "her", "them", "it", "and", "then", "on", "for", "from"}
    | {"starting", "beginning", "by", "until", "till", "again", "also"}
)
_HOLIDAYS = frozenset({"christmas", "xmas", "easter", "thanksgiving", "halloween", "holidays"})
_WORK_WORDS = frozenset({"business", "work", "working", "office", "the"})
_STARTS = frozenset({"at", "on", "from", "next", "tomorrow", "today", "tonight", "this"})
_WINDOW = re.compile(r"[0-9]{1,2}-[0-9]{1,2}")


def looks_like_timing(
    w: Words, i: int, *, after_clause: bool, before_clause: bool = False, days_said: bool = False
) -> bool:
    """Would this unconsumed word change the schedule if it had been understood?

    `days_said`: the sentence's timing names its days, so "plan next week every friday"
    has an object, not a second schedule."""
    word, after = w.at(i), w.at(i + 1)
    if word == "in" and after in _SEASONS and w.at(i + 2) in _SEASON_ENDS:
        return True  # "every monday in summer": seasons differ by hemisphere and by year
    if word == "to" and w.at(i - 1) in ("second", "third", "2nd", "3rd") and after == "last":
        return True  # "the second to last day": not a day cron can name
    if word == "before" and before_clause:
        return True  # "the day before the end of the month"
    if word in ("and", "or", "&") and after_clause and after in PERIODS:
        return True  # "every morning and evening at 8": a second part of the day unread
    if word in ("except", "excluding", "starting", "until", "till") and after_clause:
        return True  # "every weekday except holidays": a condition we cannot honour
    if word in ("starting", "beginning") and (
        after in _STARTS or after in MONTHS or weekday(after) is not None
    ):
        return True  # "starting next week": a start date, which a schedule does not take
    if word in ("during", "outside") and after in _WORK_WORDS:
        return True
    if (word in MONTHS or word in _HOLIDAYS) and w.at(i - 1) in _MONTH_LEADS | _DAY_LEADS:
        return True  # "until march", "on easter": dates a schedule here does not take
    if word == "times" and w.at(i - 1) and (w.at(i - 1).isdigit() or w.at(i - 1) in NUMBER_WORDS):
        return after in ("a", "an", "per", "each", "every", "daily", "weekly", "monthly")
    if after_clause and _WINDOW.fullmatch(word):
        return True
    ahead = w.skip(w.skip(i + 1, "the"), "next")
    if word == "for" and after_clause and (_is_length(w, ahead) or w.at(ahead) in UNITS):
        return True  # "for two weeks": a schedule here has no end date
    deadline = _TIMEISH.fullmatch(after) or after in ("noon", "midnight")
    if word in ("by", "before", "after", "until", "till") and deadline:
        return True  # "by 9am": a deadline, not a time to run
    if word in _TIMING_WORDS or _TIMEISH.fullmatch(word):
        return True
    if word in WEAK_ABBREVIATIONS and before_clause:
        # "in PT, every friday at 5pm": a zone where it cannot be read as one; "the CT scans"
        # (not next to timing) stays a word
        return w.tokens[i].text.isupper() or w.at(i - 1) == "in"
    if _NUMERIC_DATE.fullmatch(word):  # "on 24/12" is a date; "the 9/11 documentary" is not
        leads = _DAY_LEADS | {"until", "till", "from"}
        return after_clause or before_clause or w.at(i - 1) in leads
    if word in ("am", "pm", "a.m.", "p.m.", "a.m", "p.m"):
        return number(w.at(i - 1), words=False) is not None
    if word in ("at", "@"):
        return after[:1] in "0123456789" or after in NUMBER_WORDS or after in ("noon", "midnight")
    if ORDINAL.fullmatch(word):  # "on the 3rd", "the 1st of", "the 2nd and"
        return w.at(i - 1) == "on" or w.at(i - 2) == "on" or after in ("of", "day", "and")
    if word in ("every", "each"):
        soon = {w.at(i + 2), w.at(i + 3)}  # "every few hours", "every couple of days"
        return (
            after in ("", ",", ".", ";", "!", "?", ")")
            or after in _AFTER_EVERY
            or after in UNITS
            or after in MONTHS
            or number(after) is not None
            or ordinal(after) is not None
            or weekday(after) is not None
            or bool(soon & _UNIT_WORDS)
        )
    if word in ("next", "this", "coming"):
        if weekday(after) is not None:
            return True
        # "remind me next week" is timing; "plan next week", "review this month" are objects
        before = w.at(i - 1)
        adverbial = before in _ADVERBIAL_BEFORE or before.startswith("@")
        return after in ("week", "month", "year") and (adverbial or not days_said)
    if word == "in":
        count = after in ("a", "an", "half") or number(after) is not None
        return count and w.at(i + 2) in UNITS
    return False


def _is_length(w: Words, i: int) -> bool:
    """ "two weeks", "an hour", "5 days", "a while"."""
    count = w.at(i) in ("a", "an", "few", "several", "couple") or number(w.at(i)) is not None
    unit = w.at(i + 1) if w.at(i + 1) != "few" else w.at(i + 2)
    return count and (unit in UNITS or unit in ("while", "moment"))


def rebuild(tokens: Sequence[Token], consumed: set[int]) -> str:
    """The sentence without the consumed tokens, spaces tidied, stray separators dropped."""
    kept: list[tuple[Token, bool]] = []  # (token, something was removed right before it)
    removed = False
    for k, token in enumerate(tokens):
        if k in consumed:
            removed = True
            continue
        kept.append((token, removed))
        removed = False
    if removed:
        kept.append((Token("", "", 0, 0, Kind.PUNCT, False), True))  # marks a removal at the end
    out: list[Token] = []
    for k, (token, gap) in enumerate(kept):
        last = k + 1 == len(kept) - 1 and kept[k + 1][0].text == "" and kept[k + 1][1]
        if token.norm in _JOINERS and last and out:
            continue  # "@a check and every …" loses its timing, and its "and" with it
        if token.norm in _SEPARATORS:
            nxt = kept[k + 1] if k + 1 < len(kept) else None
            at_start = not out or (len(out) == 1 and agent_of(out) is not None and gap)
            before_end = nxt is None or nxt[0].norm in _CLOSERS or nxt[0].text == ""
            doubled = bool(out) and (out[-1].norm in _SEPARATORS or out[-1].norm == "(")
            if at_start or doubled or (before_end and (gap or (nxt is not None and nxt[1]))):
                continue
        if token.norm == ")" and out and out[-1].norm == "(":
            out.pop()
            continue
        if token.text:
            out.append(token)
    text = ""
    for token in out:
        glue = (
            not text
            or (token.norm in _SEPARATORS and token.norm != "-")
            or token.norm in _CLOSERS
            or text.endswith("(")
        )
        text += token.text if glue else " " + token.text
    return text


def has_words(command: str, agent: str | None) -> bool:
    """Whether the command says anything beyond its @handle."""
    words = command.split()[1:] if agent else command.split()
    return any(
        any(ch.isalnum() for ch in word) and word.lower() not in _CONNECTORS for word in words
    )
